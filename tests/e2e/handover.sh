#!/usr/bin/env bash
# Issue 10: PMIPv6 handover. Two instances, each with its own upstream and
# sender of 239.7.7.7: a(1): up0 ==> lan0 lan1, b(2): up1 ==> lan2. rx1 (the
# mobile node, on lan0) receives a's stream; `mcproxyctl interface move lan0 a
# b` hands lan0 with its memberships to b: b reports 239.7.7.7 on up1 at once,
# b's stream reaches rx1 within 2 s, a stops forwarding to lan0 - and rx1 does
# not report again (query interval 60 s: nothing asks it to).
source "$(dirname "$0")/common.sh"
e2e_init ho "$@"
two_upstream_topology || fatal "cannot build the lab"
cat >"$E2E_WORK/ho.conf" <<EOF2
protocol IGMPv3;
pinstance a(1): up0 ==> lan0 lan1;
pinstance b(2): up1 ==> lan2;
pinstance a query-interval 60s query-response-interval 5s;
pinstance b query-interval 60s query-response-interval 5s;
EOF2
capture_start src2 eth0 up1
capture_start rx1 eth0 rx1 "igmp"
e2e_start_daemon "$E2E_WORK/ho.conf"
started=$(epoch)
wait_until 5 interfaces_up 5 || note "not all interfaces are up"
# rx1 listens until the test ends it (recv_stop), the streams run for 30 s.
recv_bg rx1 rx1 239.7.7.7 5011 60
sleep 0.5
send_bg src 239.7.7.7 5011 50 1500
send_bg src2 239.7.7.7 5011 50 1500
check "before the move: a forwards its stream to lan0" wait_until 5 has_route 10.1.0.2 239.7.7.7 lan0
check "before the move: b does not forward to lan0" no_route 10.4.0.2 239.7.7.7 lan0
sleep 1.5
# rx1's answer to the startup query comes within its 5 s response interval:
# move after it, so that no report of rx1 is due when the move happens.
python3 -c "import time; time.sleep(max(0.0, $started + 6 - time.time()))"
moved=$(epoch)
note "mcproxyctl interface move lan0 a b"
check "mcproxyctl interface move lan0 a b" ctl interface move lan0 a b
check "b reports 239.7.7.7 on up1 within 1 s of the move" \
  within 1000 capture_has up1 '10\.4\.0\.1 > 224\.0\.0\.22: igmp v3 report.*gaddr 239\.7\.7\.7 (to_ex|is_ex|allow)'
check "b forwards its stream to lan0 within 2 s of the move" within 2000 has_route 10.4.0.2 239.7.7.7 lan0
check "a no longer forwards to lan0" within 1000 no_route 10.1.0.2 239.7.7.7 lan0
check "show instances: lan0 is b's downstream" sh -c "'$E2E_CTL' --socket '$E2E_SOCK' show instances | grep '^b ' | grep -q lan0"
check "show instances: lan0 is no longer a's" sh -c "! '$E2E_CTL' --socket '$E2E_SOCK' show instances | grep '^a ' | grep -q lan0"
check "show groups: b has rx1's membership on lan0" \
  sh -c "'$E2E_CTL' --socket '$E2E_SOCK' --json show groups b | grep -q '239.7.7.7'"
# Two and a half seconds more of b's stream, then rx1 leaves.
sleep 2.5
recv_stop rx1
capture_stop rx1
first_b=$(first_from rx1 10.4.0.2)
resume=$(python3 -c "print(round($first_b - $moved, 3) if $first_b else 'never')")
check "rx1 got b's stream $resume s after the move (bound 2 s)" float_lt "${resume/never/99}" 2.0
check "rx1 got b's stream ($(per_source rx1 10.4.0.2) packets)" ge "$(per_source rx1 10.4.0.2)" 100
# rx1's answer to a's last general query before the move (query response
# interval 5 s) may fall after it when the move comes early (slow machines);
# any other report would mean that b needed one.
reports=$(tcpdump -r "$E2E_WORK/rx1.pcap" -n -tt 2>/dev/null | awk -v m="$moved" -v f="${first_b:-0}" '
  $1 < m && /10\.2\.0\.1 > 224\.0\.0\.1: igmp query/ { q = $1 }
  $1 > m && $1 < f && /10\.2\.0\.11 > / && /igmp/ && !(q && $1 - q <= 5.5) { n++ }
  END { print n + 0 }')
check "rx1 did not report between the move and the resumed stream ($reports reports besides answers to a's query)" eq "$reports" 0

note "SIGHUP: the file puts lan0 back under a"
kill -HUP "$E2E_DAEMON_PID"
check "after the reload lan0 is a's downstream again" \
  wait_until 5 sh -c "'$E2E_CTL' --socket '$E2E_SOCK' show instances | grep '^a ' | grep -q lan0"
check "... and no longer b's" sh -c "! '$E2E_CTL' --socket '$E2E_SOCK' show instances | grep '^b ' | grep -q lan0"
iface_state() {  # iface_state INSTANCE IFNAME: the interface's state in `show interfaces`
  ctl --json show interfaces "$1" | python3 -c "import json,sys
d=json.load(sys.stdin)
print(next((i['state'] for i in d['interfaces'] if i['name']=='$2'), 'missing'))"
}
iface_up() { [ "$(iface_state "$1" "$2")" = up ]; }
check "lan0 is up in a" wait_until 5 iface_up a lan0
conflicts=$(ctl --json show stats | python3 -c "import json,sys
d=json.load(sys.stdin)
print(sum(s['counters'].get('registration_conflicts',0) for s in d['stats'] if s['scope']=='receiver'))")
check "the Receiver saw no conflicting registrations of lan0 ($conflicts)" eq "$conflicts" 0
e2e_stop_daemon
e2e_finish
