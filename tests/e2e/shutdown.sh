#!/usr/bin/env bash
# Issue 8: clean shutdown and clean start-up.
# After SIGTERM: no MFC entries and no policy rules of ours (IPv4 and IPv6),
# and the upstream saw the proxy leave its groups (ASM: TO_IN({}); SSM: BLOCK
# or TO_IN({})). After kill -9 the kernel keeps the policy rules (and the
# table); a new daemon removes the stale state and comes up cleanly.
source "$(dirname "$0")/common.sh"
e2e_init down "$@"
lab_proxy_topology || fatal "cannot build the lab"
cat >"$E2E_WORK/s.conf" <<EOF2
protocol IGMPv3;
pinstance s(5): up0 ==> lan0 lan1;
pinstance s query-interval 10s query-response-interval 2s;
EOF2
capture_start src eth0 up
e2e_start_daemon "$E2E_WORK/s.conf"
wait_until 5 interfaces_up 3 || note "not all interfaces are up"
# Receivers and streams outlast the scenario (the teardown ends them), so a
# slow machine cannot run out of stream before the restarts.
recv_bg rx1 rx1 239.8.8.8 5008 60
recv_bg rx3 rx3 232.8.8.8 5009 60 --source 10.1.0.2
send_bg src 239.8.8.8 5008 50 3000
send_bg src 232.8.8.8 5009 50 3000
check "forwarding is installed (ASM)" wait_until 5 has_route 10.1.0.2 239.8.8.8 lan0
check "forwarding is installed (SSM)" wait_until 5 has_route 10.1.0.2 232.8.8.8 lan1
rules_running=$(our_mrules)
check "policy rules for table 5 exist while running ($rules_running)" ge "$rules_running" 1
note "SIGTERM"
e2e_stop_daemon
check "mcproxy exits 0 after SIGTERM" eq "$E2E_DAEMON_EXIT" 0
check "ip mroute show table all is empty" sh -c "[ -z \"\$(ip netns exec $LAB_PREFIX-proxy ip mroute show table all)\" ]"
check "ip -6 mroute show table all is empty" sh -c "[ -z \"\$(ip netns exec $LAB_PREFIX-proxy ip -6 mroute show table all)\" ]"
check "ip mrule show has no rules of ours ($(our_mrules) left)" eq "$(our_mrules)" 0
check "ip -6 mrule show has no rules of ours ($(our_mrules -6) left)" eq "$(our_mrules -6)" 0
check "the upstream saw the leave of 239.8.8.8 (TO_IN {})" \
  wait_until 3 capture_has up '10\.1\.0\.1 > 224\.0\.0\.22: igmp v3 report.*gaddr 239\.8\.8\.8 (to_in|is_in) \{ \}'
check "the upstream saw the leave of (10.1.0.2, 232.8.8.8) (BLOCK / TO_IN {})" \
  wait_until 3 capture_has up '10\.1\.0\.1 > 224\.0\.0\.22: igmp v3 report.*gaddr 232\.8\.8\.8 (block \{ 10\.1\.0\.2 \}|to_in \{ \})'
[ "$E2E_FAILURES" = 0 ] || capture_text up | grep "igmp v3 report" | tail -10

note "start again, then kill -9"
e2e_start_daemon "$E2E_WORK/s.conf"
wait_until 5 interfaces_up 3 || note "not all interfaces are up"
check "forwarding is installed again" wait_until 5 has_route 10.1.0.2 239.8.8.8 lan0
rules_before=$(our_mrules)
kill -9 "$E2E_DAEMON_PID"
wait_until 5 e2e_daemon_gone
note "after kill -9: $(our_mrules) policy rule(s) of ours remain (the kernel keeps them)"
note "start a new daemon over the stale state"
e2e_start_daemon "$E2E_WORK/s.conf"
check "the new daemon came up" interfaces_up 3
check "forwarding works again" wait_until 5 has_route 10.1.0.2 239.8.8.8 lan0
check "no duplicated policy rules ($(our_mrules) now, $rules_before before the kill)" eq "$(our_mrules)" "$rules_before"
e2e_stop_daemon
check "after the final SIGTERM: no MFC entries" sh -c "[ -z \"\$(ip netns exec $LAB_PREFIX-proxy ip mroute show table all)\" ]"
check "after the final SIGTERM: no rules of ours ($(our_mrules) left)" eq "$(our_mrules)" 0
e2e_finish
