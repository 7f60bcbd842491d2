#!/usr/bin/env bash
# The proxy as the router on its downstreams (issue 10, "the other gaps"):
#  - `downstream lan1 compatibility-mode off` (RFC 9776 §7.3.1): an IGMPv2
#    host on lan1 is ignored (counted), while one on lan0 (default: on) is
#    served in IGMPv2 compatibility mode;
#  - state transitions are logged at debug level with the RFC state names
#    (querier state, router filter mode, group compatibility mode).
source "$(dirname "$0")/common.sh"
e2e_init router "$@"
lab_proxy_topology || fatal "cannot build the lab"
lab_host_version rx1 eth0 2 0
lab_host_version rx3 eth0 2 0
cat >"$E2E_WORK/r.conf" <<EOF2
protocol IGMPv3;
pinstance r: up0 ==> lan0 lan1;
pinstance r query-interval 20s query-response-interval 2s;
pinstance r downstream lan1 compatibility-mode off;
EOF2
e2e_start_daemon "$E2E_WORK/r.conf"
wait_until 5 interfaces_up 3 || note "not all interfaces are up"

note "IGMPv2 hosts join 239.5.5.5 on lan0 (rx1) and lan1 (rx3)"
send_bg src 239.5.5.5 5005 50 400
recv_bg rx1 rx1 239.5.5.5 5005 6
recv_bg rx3 rx3 239.5.5.5 5005 6
wait_until 5 sg_seen 10.1.0.2 239.5.5.5 || note "no data of 239.5.5.5 at the proxy?"
check "lan0 (compatibility on) forwards 239.5.5.5 to its IGMPv2 host" wait_until 5 has_route 10.1.0.2 239.5.5.5 lan0
check "lan1 (compatibility-mode off) does not take the IGMPv2 report" still_after 1500 no_route 10.1.0.2 239.5.5.5 lan1
check "lan1 counts the dropped IGMPv2 report" matches "$(iface_field r lan1 drops)" '"compatibility-mode-off": [1-9]'

wait_result rx3 10
got3=$(field rx3 received)
check "rx3 received nothing ($got3 packets)" eq "$got3" 0

note "transitions in the debug log"
logged() { grep -qF "$1" "$E2E_LOG"; }
check "querier state: Inactive -> Querier on lan0" logged "lan0: querier state: Inactive -> Querier"
check "router filter mode INCLUDE -> EXCLUDE for 239.5.5.5 on lan0" \
  logged "lan0: group 239.5.5.5 router filter mode: INCLUDE -> EXCLUDE"
check "group compatibility mode IGMPv3 -> IGMPv2 for 239.5.5.5 on lan0" \
  logged "lan0: group 239.5.5.5 compatibility mode: IGMPv3 -> IGMPv2"
check "nothing of the kind for lan1's ignored report" eval '! logged "lan1: group 239.5.5.5"'
e2e_finish
