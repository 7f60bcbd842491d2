#!/usr/bin/env bash
# Issue 5: two instances in one daemon, each with its own upstream, downstream
# and kernel table: a(1): up0 ==> lan0, b(2): up1 ==> lan2. Both senders use
# the same group; each receiver gets only its own instance's sender, and
# `ip mroute show table 1/2` and `ip mrule show` show each table's entries.
source "$(dirname "$0")/common.sh"
e2e_init two "$@"
two_upstream_topology || fatal "cannot build the lab"
cat >"$E2E_WORK/two.conf" <<EOF2
protocol IGMPv3;
pinstance a(1): up0 ==> lan0;
pinstance b(2): up1 ==> lan2;
pinstance a query-interval 10s query-response-interval 2s;
pinstance b query-interval 10s query-response-interval 2s;
EOF2
capture_start rx1 eth0 rx1 "udp"
capture_start rx4 eth0 rx4 "udp"
e2e_start_daemon "$E2E_WORK/two.conf"
wait_until 5 interfaces_up 4 || note "not all interfaces are up"
recv_bg rx1 rx1 239.5.5.5 5005 5
recv_bg rx4 rx4 239.5.5.5 5005 5
sleep 0.5
send_bg src 239.5.5.5 5005 50 200
send_bg src2 239.5.5.5 5005 50 200
check "table 1: (10.1.0.2, 239.5.5.5) from up0 to lan0" \
  wait_until 5 table_route 1 10.1.0.2 239.5.5.5 up0 lan0
check "table 2: (10.4.0.2, 239.5.5.5) from up1 to lan2" \
  wait_until 5 table_route 2 10.4.0.2 239.5.5.5 up1 lan2
[ "$E2E_FAILURES" = 0 ] || cat "$E2E_WORK"/last-table-*.txt
check "table 1 has nothing of instance b" sh -c "! ip netns exec $LAB_PREFIX-proxy ip mroute show table 1 | grep -qE 'up1|lan2|10\.4\.0\.2'"
check "table 2 has nothing of instance a" sh -c "! ip netns exec $LAB_PREFIX-proxy ip mroute show table 2 | grep -qE 'up0|lan0|10\.1\.0\.2'"
check "ip mrule show points lan0/up0 at table 1" sh -c "ip netns exec $LAB_PREFIX-proxy ip mrule show | grep -E 'iif (up0|lan0)' | grep -q 'lookup 1\b'"
check "ip mrule show points lan2/up1 at table 2" sh -c "ip netns exec $LAB_PREFIX-proxy ip mrule show | grep -E 'iif (up1|lan2)' | grep -q 'lookup 2\b'"
wait_result rx1 10
wait_result rx4 10
capture_stop rx1
capture_stop rx4
check "rx1 got a's sender ($(per_source rx1 10.1.0.2) packets)" ge "$(per_source rx1 10.1.0.2)" 150
check "rx4 got b's sender ($(per_source rx4 10.4.0.2) packets)" ge "$(per_source rx4 10.4.0.2)" 150
check "lan0 carried nothing of b's sender" eq "$(count_udp rx1 10.4.0.2)" 0
check "lan2 carried nothing of a's sender" eq "$(count_udp rx4 10.1.0.2)" 0
[ "$E2E_FAILURES" = 0 ] || { mroutes; mrules; }
e2e_stop_daemon
check "no MFC entries left after SIGTERM" sh -c "[ -z \"\$(ip netns exec $LAB_PREFIX-proxy ip mroute show table all)\" ]"
check "no policy rules of ours left after SIGTERM ($(our_mrules) left)" eq "$(our_mrules)" 0
e2e_finish
