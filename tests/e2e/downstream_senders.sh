#!/usr/bin/env bash
# Issue 10, RFC 4605 §4.2: data from a sender on a downstream link goes to the
# upstreams and to every other downstream with a member of the group - never
# back out of the link it came from, never to a downstream without members.
#   src(10.1.0.2) -- up0 [proxy] lan0 -- sw0 -- rx1, rx2      (no member)
#   src2(10.4.0.2) -- up1        lan1 -- rx3 (10.3.0.13)      (the sender)
#                                lan2 -- rx4 (10.5.0.14)      (a member)
# Then mcproxy's `upstream * out rulematching first` (only the first upstream
# whose `out` table admits the data), and an upstream `out` table, at runtime.
source "$(dirname "$0")/common.sh"
e2e_init dsend "$@"
two_upstream_topology || fatal "cannot build the lab"
cat >"$E2E_WORK/ds.conf" <<EOF2
protocol IGMPv3;
pinstance ds: up0 up1 ==> lan0 lan1 lan2;
pinstance ds query-interval 10s query-response-interval 2s;
EOF2
capture_start rx1 eth0 rx1 "udp"
capture_start rx4 eth0 rx4 "udp and src 10.3.0.13"
capture_start rx3 eth0 rx3in "udp and src 10.3.0.13"
e2e_start_daemon "$E2E_WORK/ds.conf"
wait_until 5 interfaces_up 5 || note "not all interfaces are up"

note "rx4 (lan2) joins 239.10.1.1; hosts on both upstream links listen; rx3 (lan1) sends"
recv_bg rx4 rx4 239.10.1.1 5101 40
recv_bg src up0rx 239.10.1.1 5101 6
recv_bg src2 up1rx 239.10.1.1 5101 6
sleep 1
send_bg rx3 239.10.1.1 5101 50 200 --ttl 8
sender=$E2E_LAST_SENDER
check "the MFC forwards (10.3.0.13, 239.10.1.1) from lan1 to lan2" \
  wait_until 5 has_route 10.3.0.13 239.10.1.1 lan2
check "... and to up0 (out rulematching all)" has_route 10.3.0.13 239.10.1.1 up0
check "... and to up1 (out rulematching all)" has_route 10.3.0.13 239.10.1.1 up1
check "... not back to lan1" no_route 10.3.0.13 239.10.1.1 lan1
check "... not to lan0 (no member there)" no_route 10.3.0.13 239.10.1.1 lan0
wait_until 10 gone "$sender"
sleep 0.3
wait_result up0rx 10
wait_result up1rx 10
capture_stop rx1
capture_stop rx3in
capture_stop rx4
check "lan2 carried the downstream sender's stream ($(count_udp rx4 10.3.0.13) packets)" \
  ge "$(count_udp rx4 10.3.0.13)" 150
check "the host on up0's link received it ($(per_source up0rx 10.3.0.13) packets)" \
  ge "$(per_source up0rx 10.3.0.13)" 150
check "the host on up1's link received it ($(per_source up1rx 10.3.0.13) packets)" \
  ge "$(per_source up1rx 10.3.0.13)" 150
check "lan0 carried none of it ($(count_udp rx1 10.3.0.13) packets)" eq "$(count_udp rx1 10.3.0.13)" 0
# rx3's own capture sees its packets leaving; none may come back in.
back=$(tcpdump -r "$E2E_WORK/rx3in.pcap" -n -e 2>/dev/null | grep -vic "$(lab_exec rx3 cat /sys/class/net/eth0/address)")
check "nothing of it came back to rx3's link from the proxy ($back packets)" eq "$back" 0

note "out rulematching first at runtime: only up0, the first upstream, gets the data"
check "mcproxyctl set ds upstream * out rulematching first" ctl set ds upstream '*' out rulematching first
send_bg rx3 239.10.1.1 5101 50 300 --ttl 8
check "the entry forwards to up0 and lan2" wait_until 5 has_route 10.3.0.13 239.10.1.1 up0
check "... no longer to up1" wait_until 5 no_route 10.3.0.13 239.10.1.1 up1
check "... and still to lan2" has_route 10.3.0.13 239.10.1.1 lan2

note "an upstream out table keeping the group from up0: under first it goes to up1 instead"
check "mcproxyctl set ds upstream up0 out blacklist table { (239.10.1.1 | *) }" \
  ctl set ds upstream up0 out blacklist table '{ (239.10.1.1 | *) }'
check "the entry forwards to up1" wait_until 5 has_route 10.3.0.13 239.10.1.1 up1
check "... no longer to up0" wait_until 5 no_route 10.3.0.13 239.10.1.1 up0
[ "$E2E_FAILURES" = 0 ] || mroutes
e2e_stop_daemon
check "no MFC entries left after SIGTERM" sh -c "[ -z \"\$(ip netns exec $LAB_PREFIX-proxy ip mroute show table all)\" ]"
e2e_finish
