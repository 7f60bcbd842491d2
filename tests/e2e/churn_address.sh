#!/usr/bin/env bash
# Issue 8, interface churn: an address change (a new address added, the old
# one removed, as a PPPoE or DHCP uplink does; or the old one flushed before
# the new one comes, as dhclient does) keeps the interface up: the stream keeps
# flowing through the same kernel entries, and the next report goes out from
# the new address. Downstream: the queries go out from the current address.
source "$(dirname "$0")/common.sh"
e2e_init addr "$@"
lab_proxy_topology || fatal "cannot build the lab"
cat >"$E2E_WORK/a.conf" <<EOF2
protocol IGMPv3;
pinstance a: up0 ==> lan0 lan1;
pinstance a query-interval 3s query-response-interval 1s;
EOF2
capture_start src eth0 up
capture_start rx3 eth0 lan1 igmp
e2e_start_daemon "$E2E_WORK/a.conf"
wait_until 5 interfaces_up 3 || note "not all interfaces are up"
recv_bg rx1 rx1 239.7.7.1 5071 40
send_bg src 239.7.7.1 5071 50 2000
check "forwarding is installed" wait_until 5 has_route 10.1.0.2 239.7.7.1 lan0

note "upstream: add 10.9.0.1/24, then remove 10.1.0.1/24 (a new uplink address)"
lab_exec proxy ip addr add 10.9.0.1/24 dev up0
lab_exec src ip addr add 10.9.0.2/24 dev eth0
sleep 0.3
lab_exec proxy ip addr del 10.1.0.1/24 dev up0
sleep 1
check "up0 is still up after the address change" interfaces_up 3
check "the route is still installed" has_route 10.1.0.2 239.7.7.1 lan0
check "up0 was never declared down" sh -c "! grep -q 'up0 is down' $E2E_LOG"

recv_bg rx1 rx1b 239.7.7.1 5071 2
wait_result rx1b 6
check "the stream still reaches rx1 after the change ($(field rx1b received) packets in 2 s)" ge "$(field rx1b received)" 50
note "a new join: the upstream report must come from 10.9.0.1"
recv_bg rx2 rx2 239.7.7.2 5072 3
check "the report for 239.7.7.2 went out from the new address 10.9.0.1" \
  wait_until 5 capture_has up '10\.9\.0\.1 > 224\.0\.0\.22: igmp v3 report.*239\.7\.7\.2'
check "no report from the removed address 10.1.0.1 after the change" \
  sh -c "! tcpdump -r $E2E_WORK/up.pcap -n 'src 10.1.0.1' 2>/dev/null | grep -q 239.7.7.2"

note "upstream: flush every address, then add 10.8.0.1/24 half a second later (dhclient)"
lab_exec proxy ip -4 addr flush dev up0
check "without an address up0 stays up, the route stays" still_after 400 has_route 10.1.0.2 239.7.7.1 lan0
lab_exec proxy ip addr add 10.8.0.1/24 dev up0
check "up0 was never declared down" sh -c "! grep -q 'up0 is down' $E2E_LOG"
recv_bg rx2 rx2b 239.7.7.3 5073 3
check "the report for 239.7.7.3 went out from 10.8.0.1" \
  wait_until 5 capture_has up '10\.8\.0\.1 > 224\.0\.0\.22: igmp v3 report.*239\.7\.7\.3'

note "downstream: lan1 moves from 10.3.0.1 to 10.3.0.100 (same subnet, promoted secondary)"
lab_exec proxy sysctl -qw net.ipv4.conf.lan1.promote_secondaries=1
lab_exec proxy ip addr add 10.3.0.100/24 dev lan1
lab_exec proxy ip addr del 10.3.0.1/24 dev lan1
sleep 0.5
check "lan1 is still up after its address change" interfaces_up 3
check "a general query on lan1 comes from 10.3.0.100 within two query intervals" \
  wait_until 8 capture_has lan1 '10\.3\.0\.100 > 224\.0\.0\.1: igmp query v3'
recv_bg rx3 rx3 239.7.7.1 5071 3
wait_result rx3 8
check "rx3 on lan1 receives the stream after the change ($(field rx3 received) packets)" ge "$(field rx3 received)" 50
e2e_finish
