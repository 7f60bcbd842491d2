#!/usr/bin/env bash
# Issue 4: source-specific joins. src sends 232.1.1.1 from two addresses
# (10.1.0.2 and 10.1.0.3); rx3 (lan1) joins INCLUDE {10.1.0.2}, rx1 (lan0)
# joins INCLUDE {10.1.0.3}. Each link carries only the source its host asked
# for (checked on the wire in the receivers' namespaces, not at the socket,
# which filters by itself), and the upstream sees the sources reported.
source "$(dirname "$0")/common.sh"
e2e_init ssm "$@"
lab_proxy_topology || fatal "cannot build the lab"
lab_addr src eth0 10.1.0.3/24
cat >"$E2E_WORK/ssm.conf" <<EOF2
protocol IGMPv3;
pinstance s: up0 ==> lan0 lan1;
pinstance s query-interval 10s query-response-interval 2s;
pinstance s last-member-query-interval 200ms last-member-query-count 2;
EOF2
capture_start src eth0 up
capture_start rx1 eth0 rx1 "udp or igmp"
capture_start rx3 eth0 rx3 "udp or igmp"
e2e_start_daemon "$E2E_WORK/ssm.conf"
wait_until 5 interfaces_up 3 || note "not all interfaces are up"
recv_bg rx3 rx3 232.1.1.1 5003 6 --source 10.1.0.2
recv_bg rx1 rx1 232.1.1.1 5003 6 --source 10.1.0.3
check "the upstream sees INCLUDE/ALLOW {10.1.0.2} for 232.1.1.1" \
  wait_until 5 capture_has up '10\.1\.0\.1 > 224\.0\.0\.22: igmp v3 report.*gaddr 232\.1\.1\.1 (allow|is_in|to_in) \{ [0-9. ]*10\.1\.0\.2'
check "the upstream sees INCLUDE/ALLOW {10.1.0.3} for 232.1.1.1" \
  wait_until 5 capture_has up '10\.1\.0\.1 > 224\.0\.0\.22: igmp v3 report.*gaddr 232\.1\.1\.1 (allow|is_in|to_in) \{ [0-9. ]*10\.1\.0\.3'
note "src streams 232.1.1.1 from 10.1.0.2 and from 10.1.0.3"
send_bg src 232.1.1.1 5003 50 200 --source 10.1.0.2
send_bg src 232.1.1.1 5003 50 200 --source 10.1.0.3
check "(10.1.0.2, 232.1.1.1) is forwarded to lan1" wait_until 5 has_route 10.1.0.2 232.1.1.1 lan1
check "(10.1.0.3, 232.1.1.1) is forwarded to lan0" wait_until 5 has_route 10.1.0.3 232.1.1.1 lan0
check "(10.1.0.2, 232.1.1.1) is not forwarded to lan0" no_route 10.1.0.2 232.1.1.1 lan0
check "(10.1.0.3, 232.1.1.1) is not forwarded to lan1" no_route 10.1.0.3 232.1.1.1 lan1
wait_result rx1 10
wait_result rx3 10
capture_stop rx1
capture_stop rx3
capture_stop up
check "rx3 got 10.1.0.2's stream ($(per_source rx3 10.1.0.2) packets)" ge "$(per_source rx3 10.1.0.2)" 100
check "rx1 got 10.1.0.3's stream ($(per_source rx1 10.1.0.3) packets)" ge "$(per_source rx1 10.1.0.3)" 100
check "lan1's wire carried nothing from 10.1.0.3 ($(count_udp rx3 10.1.0.3) packets)" eq "$(count_udp rx3 10.1.0.3)" 0
check "lan0's wire carried nothing from 10.1.0.2 ($(count_udp rx1 10.1.0.2) packets)" eq "$(count_udp rx1 10.1.0.2)" 0
check "the upstream saw the proxy leave the sources (BLOCK / TO_IN)" \
  wait_until 3 capture_has up 'gaddr 232\.1\.1\.1 (block|to_in) '
[ "$E2E_FAILURES" = 0 ] || capture_text up | grep "igmp v3 report" | tail -20
e2e_finish
