#!/usr/bin/env bash
# Issue 13: IPv4 and IPv6 at once, and two daemons on one host.
# 1. One daemon serves an IGMPv3 and an MLDv2 instance side by side on the
#    same interfaces (`pinstance v6 protocol MLDv2;`): both families forward.
# 2. Two daemons in one namespace: the second neither removes the first's
#    policy rules nor takes its tables; both forward; stopping one leaves the
#    other's tables and rules alone.
source "$(dirname "$0")/common.sh"
e2e_init dual "$@"
two_upstream_topology || fatal "cannot build the lab"

note "=== one daemon, IGMPv3 and MLDv2 instances"
cat >"$E2E_WORK/dual.conf" <<EOF2
protocol IGMPv3;
pinstance v4: up0 ==> lan0;
pinstance v6: up0 ==> lan0;
pinstance v6 protocol MLDv2;
pinstance v4 query-interval 10s query-response-interval 2s;
pinstance v6 query-interval 10s query-response-interval 2s;
EOF2
e2e_start_daemon "$E2E_WORK/dual.conf"
wait_until 5 interfaces_up 4 || note "not all interfaces are up"
check "show instances: v4 speaks IGMPv3, v6 MLDv2" \
  sh -c "ctl() { \"$E2E_CTL\" --socket \"$E2E_SOCK\" --timeout 5 \"\$@\"; }; ctl show instances | grep -qE '^v4 +IGMPv3' && ctl show instances | grep -qE '^v6 +MLDv2'"
recv_bg rx1 rx1 239.7.7.7 5007 6
recv_bg rx2 rx2 ff0e::8000:7 5008 6
sleep 0.5
send_bg src 239.7.7.7 5007 50 250
send_bg src ff0e::8000:7 5008 50 250 --iface eth0
check "IPv4: (10.1.0.2, 239.7.7.7) forwarded to lan0" wait_until 5 has_route 10.1.0.2 239.7.7.7 lan0
check "IPv6: (2001:db8:1::2, ff0e::8000:7) forwarded to lan0" wait_until 5 has_route -6 2001:db8:1::2 ff0e::8000:7 lan0
wait_result rx1 10
wait_result rx2 10
check "rx1 got the IPv4 stream ($(field rx1 received) packets)" ge "$(field rx1 received)" 50
check "rx2 got the IPv6 stream ($(field rx2 received) packets)" ge "$(field rx2 received)" 50
e2e_stop_daemon
check "mcproxy exits 0" eq "$E2E_DAEMON_EXIT" 0
check "no IPv4 or IPv6 MFC entries left" sh -c "[ -z \"\$(ip netns exec $LAB_PREFIX-proxy ip mroute show table all)\$(ip netns exec $LAB_PREFIX-proxy ip -6 mroute show table all)\" ]"

note "=== two daemons in one namespace"
# A: a1 on the default table, a2 (querier only) on an assigned table with rules.
cat >"$E2E_WORK/a.conf" <<EOF2
protocol IGMPv3;
pinstance a1: up0 ==> lan0;
pinstance a2: ==> lan2;
EOF2
# B: one instance; the default table and A's assigned table are taken.
cat >"$E2E_WORK/b.conf" <<EOF2
protocol IGMPv3;
pinstance b1: up1 ==> lan1;
EOF2
e2e_start_daemon "$E2E_WORK/a.conf"
wait_until 5 interfaces_up 3 || note "A: not all interfaces are up"
rules_a=$(mrules | grep -E "iif lan2" | grep -oE "lookup [0-9]+" | head -1)
check "A has a policy rule for lan2 ($rules_a)" test -n "$rules_a"
B_SOCK=$E2E_WORK/b.sock
B_LOG=$E2E_WORK/daemon-b.log
ip netns exec "$LAB_PREFIX-proxy" "$E2E_MCPROXY" -f "$E2E_WORK/b.conf" --control-socket "$B_SOCK" -vv >"$B_LOG" 2>&1 &
B_PID=$!
LAB_PIDS+=("$B_PID")
b_ready() { "$E2E_CTL" --socket "$B_SOCK" --timeout 2 show instances >/dev/null 2>&1; }
wait_until 10 b_ready || { cat "$B_LOG"; fatal "daemon B did not start"; }
b_table=$("$E2E_CTL" --socket "$B_SOCK" --json show instances | python3 -c "import json,sys; print(json.load(sys.stdin)['instances'][0]['table'])")
a_table=${rules_a#lookup }
check "B took a table of its own ($b_table), neither the default nor A's ($a_table)" \
  sh -c "[ '$b_table' != 253 ] && [ '$b_table' != '$a_table' ]"
check "A's rule for lan2 survived B's start" sh -c "ip netns exec $LAB_PREFIX-proxy ip mrule show | grep -E 'iif lan2' | grep -q '$rules_a\b'"
check "B's rule points up1 at its table" sh -c "ip netns exec $LAB_PREFIX-proxy ip mrule show | grep -E 'iif up1' | grep -q 'lookup $b_table\b'"
recv_bg rx1 rxa 239.8.1.1 5011 5
recv_bg rx3 rxb 239.8.2.2 5012 5
sleep 0.5
send_bg src 239.8.1.1 5011 50 200
send_bg src2 239.8.2.2 5012 50 200
check "A forwards (10.1.0.2, 239.8.1.1) to lan0" wait_until 5 has_route 10.1.0.2 239.8.1.1 lan0
check "B forwards (10.4.0.2, 239.8.2.2) to lan1 in table $b_table" wait_until 5 table_route "$b_table" 10.4.0.2 239.8.2.2 up1 lan1
wait_result rxa 10
wait_result rxb 10
check "rx1 got A's stream ($(field rxa received) packets)" ge "$(field rxa received)" 50
check "rx3 got B's stream ($(field rxb received) packets)" ge "$(field rxb received)" 50
note "stop B"
kill -TERM "$B_PID"
wait_until 10 gone "$B_PID" || fatal "daemon B did not stop"
check "B's rules are gone" sh -c "! ip netns exec $LAB_PREFIX-proxy ip mrule show | grep -qE 'iif (up1|lan1)'"
check "A's rule for lan2 is still there" sh -c "ip netns exec $LAB_PREFIX-proxy ip mrule show | grep -E 'iif lan2' | grep -q '$rules_a\b'"
check "A still answers" interfaces_up 3
grep -qE "runtime error|AddressSanitizer|LeakSanitizer|ThreadSanitizer" "$B_LOG" && { echo "FAIL - daemon B's log has a sanitizer report"; E2E_FAILURES=$((E2E_FAILURES + 1)); }
[ "$E2E_FAILURES" = 0 ] || { mrules; cat "$B_LOG" | tail -40; }
e2e_stop_daemon
check "after both stopped: no rules of ours left ($(our_mrules))" eq "$(our_mrules)" 0
e2e_finish
