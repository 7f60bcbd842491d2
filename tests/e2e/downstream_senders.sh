#!/usr/bin/env bash
# Issue 10, RFC 4605 §4.2: data from a sender on a downstream link goes to the
# upstreams and to every other downstream with a member of the group - never
# back out of the link it came from, never to a downstream without members.
#   src(10.1.0.2) -- up0 [proxy] lan0 -- sw0 -- rx1, rx2      (no member)
#   src2(10.4.0.2) -- up1        lan1 -- rx3 (10.3.0.13)      (the sender)
#                                lan2 -- rx4 (10.5.0.14)      (a member)
# Then mcproxy's `upstream * out rulematching first` (only the first upstream
# whose `out` table admits the data), and an upstream `out` table, at runtime.
# A third argument 6 runs the same scenario with MLDv2 over IPv6 (rx3
# 2001:db8:3::13 sends ff0e::10:1).
source "$(dirname "$0")/common.sh"
DS_FAMILY=${3:-4}
if [ "$DS_FAMILY" = 6 ]; then
  e2e_init dsend6 "$1" "$2"
  proto=MLDv2 G=ff0e::10:1 S=2001:db8:3::13 fam=-6 sopt=(--iface eth0)
else
  e2e_init dsend "$1" "$2"
  proto=IGMPv3 G=239.10.1.1 S=10.3.0.13 fam='' sopt=()
fi
two_upstream_topology || fatal "cannot build the lab"
cat >"$E2E_WORK/ds.conf" <<EOF2
protocol $proto;
pinstance ds: up0 up1 ==> lan0 lan1 lan2;
pinstance ds query-interval 10s query-response-interval 2s;
EOF2
capture_start rx1 eth0 rx1 "udp"
capture_start rx4 eth0 rx4 "udp and src $S"
capture_start rx3 eth0 rx3in "udp and src $S"
e2e_start_daemon "$E2E_WORK/ds.conf"
wait_until 5 interfaces_up 5 || note "not all interfaces are up"

note "rx4 (lan2) joins $G; hosts on both upstream links listen; rx3 (lan1) sends"
recv_bg rx4 rx4 $G 5101 40
recv_bg src up0rx $G 5101 6
recv_bg src2 up1rx $G 5101 6
sleep 1
send_bg rx3 $G 5101 50 200 --ttl 8 "${sopt[@]}"
sender=$E2E_LAST_SENDER
check "the MFC forwards ($S, $G) from lan1 to lan2" \
  wait_until 5 has_route $fam $S $G lan2
check "... and to up0 (out rulematching all)" has_route $fam $S $G up0
check "... and to up1 (out rulematching all)" has_route $fam $S $G up1
check "... not back to lan1" no_route $fam $S $G lan1
check "... not to lan0 (no member there)" no_route $fam $S $G lan0
wait_until 10 gone "$sender"
sleep 0.3
wait_result up0rx 10
wait_result up1rx 10
capture_stop rx1
capture_stop rx3in
capture_stop rx4
check "lan2 carried the downstream sender's stream ($(count_udp rx4 $S) packets)" \
  ge "$(count_udp rx4 $S)" 150
check "the host on up0's link received it ($(per_source up0rx $S) packets)" \
  ge "$(per_source up0rx $S)" 150
check "the host on up1's link received it ($(per_source up1rx $S) packets)" \
  ge "$(per_source up1rx $S)" 150
check "lan0 carried none of it ($(count_udp rx1 $S) packets)" eq "$(count_udp rx1 $S)" 0
# rx3's own capture sees its packets leaving; none may come back in.
back=$(tcpdump -r "$E2E_WORK/rx3in.pcap" -n -e 2>/dev/null | grep -vic "$(lab_exec rx3 cat /sys/class/net/eth0/address)")
check "nothing of it came back to rx3's link from the proxy ($back packets)" eq "$back" 0

note "out rulematching first at runtime: only up0, the first upstream, gets the data"
check "mcproxyctl set ds upstream * out rulematching first" ctl set ds upstream '*' out rulematching first
send_bg rx3 $G 5101 50 300 --ttl 8 "${sopt[@]}"
check "the entry forwards to up0 and lan2" wait_until 5 has_route $fam $S $G up0
check "... no longer to up1" wait_until 5 no_route $fam $S $G up1
check "... and still to lan2" has_route $fam $S $G lan2

note "an upstream out table keeping the group from up0: under first it goes to up1 instead"
check "mcproxyctl set ds upstream up0 out blacklist table { ($G | *) }" \
  ctl set ds upstream up0 out blacklist table "{ ($G | *) }"
check "the entry forwards to up1" wait_until 5 has_route $fam $S $G up1
check "... no longer to up0" wait_until 5 no_route $fam $S $G up0
if [ "$DS_FAMILY" = 6 ]; then
  # ip6mr forwards every hop limit above 1: a threshold cannot hold anything back.
  out=$(ctl set ds downstream lan2 threshold 8 2>&1); rc=$?
  check "a threshold above 1 is refused under MLDv2 (exit $rc: $out)" matches "$rc $out" "^[1-9].*needs IGMP"
fi
[ "$E2E_FAILURES" = 0 ] || mroutes $fam
e2e_stop_daemon
check "no MFC entries left after SIGTERM" sh -c "[ -z \"\$(ip netns exec $LAB_PREFIX-proxy ip $fam mroute show table all)\" ]"
e2e_finish
