#!/usr/bin/env bash
# Issue 10, source liveness from the kernel's packet counters:
# - `source-idle-timeout 5s`: a source that stops loses its MFC entry after
#   the timeout (plus one counter-read interval); when it sends again its
#   entry comes back (kernel upcall) and the receiver gets the data again.
# - `upstream * in rulematching mutex 2s` with two upstreams: the group goes
#   to the upstream whose data came first; the other upstream's source keeps
#   an entry that forwards nowhere; when the chosen upstream's source stops,
#   "MS without data" releases the group and the other source is forwarded.
#   src(10.1.0.2) -- up0 [proxy] lan0 -- sw0 -- rx1
#   src2(10.4.0.2) -- up1
source "$(dirname "$0")/common.sh"
e2e_init live "$@"
two_upstream_topology || fatal "cannot build the lab"
cat >"$E2E_WORK/sl.conf" <<EOF2
protocol IGMPv3;
pinstance sl: up0 up1 ==> lan0;
pinstance sl query-interval 10s query-response-interval 2s;
pinstance sl source-idle-timeout 5s;
pinstance sl upstream * in rulematching mutex 2s;
EOF2
e2e_start_daemon "$E2E_WORK/sl.conf"
wait_until 5 interfaces_up 3 || note "not all interfaces are up"

entry_count() { mroutes | grep -cF "($1,$2)"; }
no_entry() { [ "$(entry_count "$1" "$2")" = 0 ]; }

note "idle timeout: src streams 239.11.1.1 to rx1 for 2 s, then stops"
capture_start rx1 eth0 idle "udp and dst 239.11.1.1"
recv_bg rx1 idle 239.11.1.1 5111 60
sleep 1
send_bg src 239.11.1.1 5111 50 100
first=$E2E_LAST_SENDER
check "the stream is forwarded to lan0" wait_until 5 has_route 10.1.0.2 239.11.1.1 lan0
wait_until 10 gone "$first"
stopped=$(now_ms)
check "the entry is still there 2 s after the source stopped" still_after 2000 sg_seen 10.1.0.2 239.11.1.1
check "the idle source's entry is removed (timeout 5 s, bound 15 s)" wait_until 15 no_entry 10.1.0.2 239.11.1.1
note "removed $(( $(now_ms) - stopped )) ms after the source stopped"
note "the source resumes"
send_bg src 239.11.1.1 5111 50 100
check "its entry comes back, forwarding to lan0" wait_until 5 has_route 10.1.0.2 239.11.1.1 lan0
wait_until 10 gone "$E2E_LAST_SENDER"
sleep 0.3
capture_stop idle
check "lan0 carried the stream before and after the pause ($(count_udp idle 10.1.0.2) of 200 packets; 100 each)" \
  ge "$(count_udp idle 10.1.0.2)" 101

note "mutex: src (up0) and src2 (up1) both send 239.12.1.1; src's data comes first"
capture_start rx1 eth0 mutex "udp and dst 239.12.1.1"
recv_bg rx1 mutex 239.12.1.1 5112 60
sleep 1
send_bg src 239.12.1.1 5112 50 200
first=$E2E_LAST_SENDER
check "src's stream is forwarded to lan0" wait_until 5 has_route 10.1.0.2 239.12.1.1 lan0
send_bg src2 239.12.1.1 5112 50 1000
second=$E2E_LAST_SENDER
check "src2's data reaches the proxy" wait_until 5 sg_seen 10.4.0.2 239.12.1.1
check "... but up0 has the group: src2's entry forwards nowhere" still_after 1500 no_route 10.4.0.2 239.12.1.1 lan0
wait_until 10 gone "$first"
check "2 s without data on up0 release the group: src2's stream is forwarded (bound 10 s)" \
  wait_until 10 has_route 10.4.0.2 239.12.1.1 lan0
check "src's idle entry is removed" wait_until 15 no_entry 10.1.0.2 239.12.1.1
sleep 1
capture_stop mutex
check "lan0 carried src2's stream after the release ($(count_udp mutex 10.4.0.2) packets)" ge "$(count_udp mutex 10.4.0.2)" 25
[ "$E2E_FAILURES" = 0 ] || mroutes
e2e_stop_daemon
e2e_finish
