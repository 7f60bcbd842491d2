#!/usr/bin/env bash
# Issue 7: TTL threshold and alternative subnets.
# threshold: `pinstance t downstream lan1 threshold 8` is the MFC TTL threshold
# of lan1 (instances/proxy: RouteChange::ttl_thresholds, per output; Linux
# forwards when TTL > threshold): data sent with TTL 5 reaches lan0 but not
# lan1, data sent with TTL 16 reaches both.
# alternative subnets (doc/configuration.md): a report from a host outside
# lan0's subnets is ignored unless `alternative-subnets` covers its address.
# An upstream threshold (set at runtime) holds back low-TTL data everywhere.
source "$(dirname "$0")/common.sh"
e2e_init ttl "$@"
lab_proxy_topology || fatal "cannot build the lab"
# rx4: a host on lan0's switch whose address is outside 10.2.0.0/24.
lab_ns rx4
lab_link rx4 eth0 sw0 p4
lab_exec sw0 ip link set p4 master br0
lab_addr rx4 eth0 192.168.77.4/24
lab_exec rx4 ip route add default dev eth0
cat >"$E2E_WORK/t.conf" <<EOF2
protocol IGMPv3;
pinstance t: up0 ==> lan0 lan1;
pinstance t query-interval 10s query-response-interval 2s;
pinstance t last-member-query-interval 200ms last-member-query-count 2;
pinstance t downstream lan1 threshold 8;
EOF2
capture_start rx3 eth0 rx3 "udp"
capture_start rx1 eth0 rx1 "udp"
capture_start rx4 eth0 rx4 "igmp"
e2e_start_daemon "$E2E_WORK/t.conf"
wait_until 5 interfaces_up 3 || note "not all interfaces are up"
recv_bg rx1 rx1 239.6.6.6 5006 8
recv_bg rx3 rx3 239.6.6.6 5006 8
sleep 0.5
note "TTL 5: below lan1's threshold 8"
send_bg src 239.6.6.6 5006 50 100 --ttl 5 --source 10.1.0.2
low=$E2E_LAST_SENDER
wait_until 5 gone "$low"
sleep 0.3
low_lan0=$(count_udp rx1 10.1.0.2)
low_lan1=$(count_udp rx3 10.1.0.2)
check "TTL 5 data reaches lan0 (threshold 1) ($low_lan0 packets)" ge "$low_lan0" 60
check "TTL 5 data does not reach lan1 (threshold 8) ($low_lan1 packets)" eq "$low_lan1" 0
note "TTL 16: above the threshold"
send_bg src 239.6.6.6 5006 50 100 --ttl 16 --source 10.1.0.2
wait_until 5 gone "$E2E_LAST_SENDER"
sleep 0.3
capture_stop rx3
high_lan1=$(($(count_udp rx3 10.1.0.2) - low_lan1))
check "TTL 16 data reaches lan1 ($high_lan1 packets)" ge "$high_lan1" 60

note "alternative subnets: rx4 (192.168.77.4, outside lan0's 10.2.0.0/24) joins 239.6.7.7"
send_bg src 239.6.7.7 5007 50 500
recv_bg rx4 rx4 239.6.7.7 5007 3
wait_until 5 sg_seen 10.1.0.2 239.6.7.7 || note "no data of 239.6.7.7 at the proxy?"
wait_until 5 host_reported rx4 192.168.77.4 || note "rx4 did not report?"
check "a report from outside the subnet is ignored: no forwarding of 239.6.7.7 to lan0" \
  still_after 1500 no_route 10.1.0.2 239.6.7.7 lan0
wait_until 5 gone "$E2E_PID_rx4"
check "the route of 239.6.7.7 to lan0 is gone after rx4 left" wait_until 5 no_route 10.1.0.2 239.6.7.7 lan0
ctl set t downstream lan0 alternative-subnets 192.168.77.0/24 || echo "set alternative-subnets failed"
recv_bg rx4 rx4b 239.6.7.7 5007 3
check "with alternative-subnets 192.168.77.0/24 rx4's report is accepted" \
  wait_until 5 has_route 10.1.0.2 239.6.7.7 lan0

note "upstream threshold 20: TTL 16 data from up0 goes nowhere, TTL 32 data goes to lan0"
ctl set t upstream up0 threshold 20 || echo "set upstream threshold failed"
capture_start rx1 eth0 rx1up "udp and dst 239.6.8.8"
recv_bg rx1 rx1up 239.6.8.8 5008 8
sleep 0.5
send_bg src 239.6.8.8 5008 50 50 --ttl 16 --source 10.1.0.2
wait_until 5 gone "$E2E_LAST_SENDER"
sleep 0.3
up_low=$(count_udp rx1up 10.1.0.2)
check "TTL 16 data below the upstream threshold 20 is not forwarded ($up_low packets)" eq "$up_low" 0
send_bg src 239.6.8.8 5008 50 50 --ttl 32 --source 10.1.0.2
wait_until 5 gone "$E2E_LAST_SENDER"
sleep 0.3
capture_stop rx1up
up_high=$(count_udp rx1up 10.1.0.2)
check "TTL 32 data above the upstream threshold is forwarded ($up_high packets)" ge "$up_high" 10
e2e_finish
