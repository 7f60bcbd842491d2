#!/usr/bin/env bash
# Issue 8: SIGKILL, then start again. The killed daemon's policy rules and
# table are removed (no duplicates), the state is rebuilt from the hosts'
# answers to the first general query, and forwarding resumes within one query
# response interval of those answers.
source "$(dirname "$0")/common.sh"
e2e_init restart "$@"
lab_proxy_topology || fatal "cannot build the lab"
cat >"$E2E_WORK/r.conf" <<EOF2
protocol IGMPv3;
pinstance r(7): up0 ==> lan0 lan1;
pinstance r query-interval 30s query-response-interval 2s startup-query-interval 1s;
EOF2
G=239.9.9.1
e2e_start_daemon "$E2E_WORK/r.conf"
wait_until 5 interfaces_up 3 || note "not all interfaces are up"
recv_bg rx1 rx1 $G 5091 40
send_bg src $G 5091 50 2000
check "forwarding is installed" wait_until 8 has_route 10.1.0.2 $G lan0
rules_before=$(our_mrules)
note "kill -9"
kill -9 "$E2E_DAEMON_PID"
wait_until 5 e2e_daemon_gone
rules_stale=$(our_mrules)
check "the killed daemon left its policy rules ($rules_stale; the kernel keeps them)" ge "$rules_stale" 1
check "nothing is forwarded while no daemon runs" wait_until 3 no_route 10.1.0.2 $G lan0
capture_start rx1 eth0 rx1cap "udp or igmp"
t_start=$(epoch)
e2e_start_daemon "$E2E_WORK/r.conf"
check "the new daemon came up" wait_until 5 interfaces_up 3
check "the stale rules were replaced, not duplicated ($(our_mrules) now, $rules_before before)" eq "$(our_mrules)" "$rules_before"
check "forwarding resumes" wait_until 8 has_route 10.1.0.2 $G lan0
sleep 1
capture_stop rx1cap
after() { tcpdump -r "$E2E_WORK/rx1cap.pcap" -n -tt "$1" 2>/dev/null | awk -v t="$2" '$1 > t { print $1; exit }'; }
first_query=$(after "igmp and src 10.2.0.1 and igmp[0] = 0x11" "$t_start")
first_answer=$(after "igmp and src 10.2.0.11" "${first_query:-0}")
first_data=$(after "udp and src 10.1.0.2" "$t_start")
note "first query $first_query, rx1's answer $first_answer, first packet $first_data"
check "the new daemon sent a general query" test -n "$first_query"
check "rx1 answered it" test -n "$first_answer"
check "the stream came back only after rx1's answer (state rebuilt from the query)" \
  float_lt "${first_answer:-1e12}" "${first_data:-0}"
check "the stream came back within one query response interval (2 s) of rx1's answer" \
  float_lt "${first_data:-1e12}" "$(python3 -c "print(${first_answer:-1e12} + 2)")"
e2e_stop_daemon
check "after SIGTERM: no rules of ours left ($(our_mrules))" eq "$(our_mrules)" 0
e2e_finish
