#!/usr/bin/env bash
# Issue 8, interface churn: link down/up of a downstream and of the upstream
# (also in one go, faster than the daemon follows), the upstream removed and
# added back while its stream flows, delete and re-create under the same
# name, rename away and back, an interface configured but absent at start
# that appears later, an MTU change, an interface moved to another
# namespace and back. The daemon survives each; after link up the
# memberships still valid are forwarded at once (before the hosts answer)
# and startup queries go out.
source "$(dirname "$0")/common.sh"
e2e_init links "$@"
lab_proxy_topology || fatal "cannot build the lab"
lab_ns rx5 || fatal "cannot build the lab"
cat >"$E2E_WORK/l.conf" <<EOF2
protocol IGMPv3;
pinstance l: up0 ==> lan0 lan1 late0;
pinstance l query-interval 20s query-response-interval 10s startup-query-interval 500ms startup-query-count 3;
EOF2
G=239.6.6.1

iface_state() {  # iface_state NAME: up, down or absent, as `show interfaces` has it
  ctl --json show interfaces 2>/dev/null | python3 -c "import json,sys
for i in json.load(sys.stdin)['interfaces']:
    if i['name'] == '$1': print(i['state'])"
}
is_state() { [ "$(iface_state "$1")" = "$2" ]; }
running_with() { kill -0 "$E2E_DAEMON_PID" && interfaces_up "$1"; }
routes_to() { local o; for o in "$@"; do has_route 10.1.0.2 "$G" "$o" || return 1; done; }
no_routes_to() { local o; for o in "$@"; do no_route 10.1.0.2 "$G" "$o" || return 1; done; }
e2e_start_daemon "$E2E_WORK/l.conf"
wait_until 5 interfaces_up 3 || note "not all interfaces are up"
check "late0 (configured, absent) is shown absent" is_state late0 absent
recv_bg rx1 rx1 $G 5061 90
recv_bg rx3 rx3 $G 5061 90
send_bg src $G 5061 50 4500
check "forwarding to lan0 and lan1" wait_until 8 routes_to lan0 lan1

# first_after NAME EPOCH FILTER: time of the first packet matching FILTER after EPOCH (99999999999 if none)
first_after() {
  tcpdump -r "$E2E_WORK/$1.pcap" -n -tt "$3" 2>/dev/null | awk -v t="$2" '$1 > t { print $1; found=1; exit } END { if (!found) print 99999999999 }'
}
count_after() { tcpdump -r "$E2E_WORK/$1.pcap" -n -tt "$3" 2>/dev/null | awk -v t="$2" '$1 > t' | wc -l; }

note "1. downstream lan0 down and up (rx1 sits behind the switch sw0 and sees no carrier change)"
capture_start rx1 eth0 rx1cap "udp or igmp"
lab_exec proxy ip link set lan0 down
check "lan0 down: its route output goes" wait_until 3 no_route 10.1.0.2 $G lan0
sleep 0.5
t_up=$(epoch)
lab_exec proxy ip link set lan0 up
check "lan0 up: forwarding to lan0 resumes" wait_until 3 has_route 10.1.0.2 $G lan0
sleep 2.5
capture_stop rx1cap
# rx1 answers the startup query after a random delay of up to 10 s (the
# query response interval); the kept membership is forwarded before that.
first_data=$(first_after rx1cap "$t_up" "udp and src 10.1.0.2")
first_report=$(first_after rx1cap "$t_up" "igmp and src 10.2.0.11")
check "the stream reached rx1 before rx1 answered a query (data at $first_data, report at $first_report)" \
  float_lt "$first_data" "$first_report"
queries=$(count_after rx1cap "$t_up" "igmp and src 10.2.0.1 and igmp[0] = 0x11")
check "startup queries on lan0 after link up ($queries general queries within 2.5 s, query interval 20 s)" ge "$queries" 2

note "2. upstream up0 down and up"
capture_start src eth0 upcap igmp
lab_exec proxy ip link set up0 down
check "up0 down: the route from up0 goes" wait_until 3 no_route 10.1.0.2 $G lan0
t_up=$(epoch)
lab_exec proxy ip link set up0 up
check "up0 up: forwarding resumes" wait_until 5 has_route 10.1.0.2 $G lan0
sleep 1
capture_stop upcap
check "up0 up: the proxy reports upstream at once" ge "$(count_after upcap "$t_up" "igmp and src 10.1.0.1")" 1
check "up0 up: the report has $G" capture_has upcap "gaddr $G"

# stream_back_after NAME CMD...: with a second sender of the same (S,G) at
# 2000 datagrams/s, runs CMD and sets after5 to how many datagrams of the
# first stream reached rx1 in the 6th second after it (0 when the (S,G)
# waited 10 s). Not in a subshell: its senders, captures and checks must
# reach the teardown and the failure count.
# Data arriving between the daemon removing up0's entry and removing its old
# VIF (about a millisecond) is upcalled on that VIF; unanswered, the kernel's
# unresolved entry would hold the (S,G) back for 10 s after the daemon has
# added the new VIF. The fast sender makes data in that moment likely.
stream_back_after() {
  local name=$1 t; shift
  send_bg src $G 5062 2000 8000
  capture_start rx1 eth0 "$name" "udp"
  sleep 0.5
  t=$(epoch)
  "$@"
  sleep 6
  capture_stop "$name"
  after5=$(count_after "$name" "$(awk -v t="$t" 'BEGIN { printf "%.6f", t + 5 }')" "udp and src 10.1.0.2 and port 5061")
}
relink_up0() {  # one `ip` process: the link is up again before the daemon has read the down
  lab_exec proxy sh -c 'printf "link set up0 down\nlink set up0 up\n" | ip -batch -'
}
readd_up0() {
  check "mcproxyctl interface remove l up0" ctl interface remove l up0
  check "mcproxyctl interface add l upstream up0" ctl interface add l upstream up0
}

note "2b. upstream up0 down and up in one go (faster than the daemon follows)"
stream_back_after flapcap relink_up0
check "up0 flapped: the stream reaches rx1 again within 5 s ($after5 datagrams in the 6th second)" ge "$after5" 10
check "up0 flapped: forwarding to lan0" has_route 10.1.0.2 $G lan0

note "2c. upstream up0 removed and added back by the control socket while its stream flows"
# The link stays up: data keeps arriving while up0's entry and VIF go.
stream_back_after rmcap readd_up0
stale=$(ctl --json show stats l | python3 -c "import json,sys
for s in json.load(sys.stdin)['stats']:
    if s['scope'] == 'instance l': print(s['counters'].get('dropped_upcall_stale_vif'))")
note "upcalls on a going VIF so far: $stale"
check "up0 back: the stream reaches rx1 again within 5 s ($after5 datagrams in the 6th second)" ge "$after5" 10
check "up0 back: forwarding to lan0" has_route 10.1.0.2 $G lan0

note "3. lan1 deleted and re-created under the same name"
lab_exec proxy ip link del lan1
check "lan1 deleted: lan1 is absent" wait_until 3 is_state lan1 absent
check "lan1 deleted: the daemon runs" kill -0 "$E2E_DAEMON_PID"
lab_link proxy lan1 rx3 eth0
lab_addr proxy lan1 10.3.0.1/24
lab_addr rx3 eth0 10.3.0.13/24
lab_exec rx3 ip route add default via 10.3.0.1
check "lan1 re-created: it is up again" wait_until 5 interfaces_up 3
recv_bg rx3 rx3b $G 5061 4
wait_result rx3b 10
check "rx3 receives on the re-created lan1 ($(field rx3b received) packets)" ge "$(field rx3b received)" 50

note "4. lan0 renamed to lanx and back"
lab_exec proxy ip link set lan0 down
lab_exec proxy ip link set lan0 name lanx
lab_exec proxy ip link set lanx up
check "lan0 renamed away: lan0 absent" wait_until 3 is_state lan0 absent
check "lan0 renamed away: no forwarding to lan0 or lanx" wait_until 3 no_routes_to lan0 lanx
lab_exec proxy ip link set lanx down
lab_exec proxy ip link set lanx name lan0
lab_exec proxy ip link set lan0 up
check "renamed back: forwarding to lan0 resumes (memberships still valid)" wait_until 3 has_route 10.1.0.2 $G lan0

note "5. late0 appears"
lab_link proxy late0 rx5 eth0
lab_addr proxy late0 10.6.0.1/24
lab_addr rx5 eth0 10.6.0.15/24
lab_exec rx5 ip route add default via 10.6.0.1
check "late0 comes up when it appears" wait_until 5 interfaces_up 4
recv_bg rx5 rx5 $G 5061 60
check "forwarding to late0" wait_until 8 has_route 10.1.0.2 $G late0

note "6. MTU changes"
lab_exec proxy ip link set lan0 mtu 1280
lab_exec proxy ip link set up0 mtu 9000
sleep 0.5
check "after MTU changes: the daemon runs, every interface up" running_with 4
check "after MTU changes: forwarding to lan0 stays" still_after 500 has_route 10.1.0.2 $G lan0
lab_exec proxy ip link set lan0 mtu 1500

note "7. late0 moved to another namespace and back"
ip -n "$LAB_PREFIX-proxy" link set late0 netns "$LAB_PREFIX-sw0"
check "late0 moved away: no forwarding to it" wait_until 3 no_route 10.1.0.2 $G late0
ip -n "$LAB_PREFIX-sw0" link set late0 netns "$LAB_PREFIX-proxy"
lab_exec proxy ip link set late0 up
lab_addr proxy late0 10.6.0.1/24
check "late0 moved back: forwarding resumes (memberships still valid)" wait_until 5 has_route 10.1.0.2 $G late0
check "the daemon is still running" kill -0 "$E2E_DAEMON_PID"
e2e_finish
