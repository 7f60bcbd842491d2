#!/usr/bin/env bash
# Issue 6: data arriving before any join is not forwarded to a downstream (no
# MFC output, nothing on the receivers' wire); a join after the data started
# starts forwarding within about a packet interval plus the host's report delay
# (bound 1 s) - without waiting for the next query (query interval 60 s here).
source "$(dirname "$0")/common.sh"
e2e_init data "$@"
lab_proxy_topology || fatal "cannot build the lab"
cat >"$E2E_WORK/d.conf" <<EOF2
protocol IGMPv3;
pinstance d: up0 ==> lan0 lan1;
pinstance d query-interval 60s query-response-interval 2s;
EOF2
capture_start rx1 eth0 rx1 "udp or igmp"
e2e_start_daemon "$E2E_WORK/d.conf"
wait_until 5 interfaces_up 3 || note "not all interfaces are up"
# Let the startup queries pass (2 x QI/4 would be long: the hosts have nothing to report anyway).
note "src streams 239.4.4.4 (50 packets/s) with no receiver"
send_bg src 239.4.4.4 5004 50 400
check "the data reaches the proxy" wait_until 5 sg_seen 10.1.0.2 239.4.4.4
sleep 1
check "no forwarding of 239.4.4.4 to any downstream before a join" \
  sh -c "! ip netns exec $LAB_PREFIX-proxy ip mroute show table all | grep -F '239.4.4.4' | grep -q 'Oifs:'"
check "nothing of 239.4.4.4 reached lan0's wire" eq "$(count_udp rx1 10.1.0.2)" 0
recv_bg rx1 rx1 239.4.4.4 5004 3
wait_result rx1 8
capture_stop rx1
# Measured on lan0's wire: from the host's first report to the first packet.
delay=$(tcpdump -r "$E2E_WORK/rx1.pcap" -n -tt 2>/dev/null | python3 -c "
import sys
report = first = None
for line in sys.stdin:
    t = float(line.split()[0])
    if report is None and '10.2.0.11 > ' in line and 'igmp' in line: report = t
    if report is not None and first is None and '10.1.0.2.' in line and 'UDP' in line: first = t
print(round(first - report, 3) if report and first else 'never')")
check "the first packet was on lan0 within 1 s of the host's report (after $delay s)" float_lt "${delay/never/99}" 1.0
check "rx1 received the stream ($(field rx1 received) packets)" ge "$(field rx1 received)" 100
e2e_finish
