#!/usr/bin/env bash
# Issue 13: downstream name patterns. `ppp*` takes ppp0, ppp1, ... as they
# appear (queries, forwarding) and releases them as they go; beyond the
# table's VIF limit (32 per table, less the configured interfaces) a
# matching interface is refused and counted (dynamic_interfaces_refused).
source "$(dirname "$0")/common.sh"
e2e_init dyn "$@"
lab_proxy_topology || fatal "cannot build the lab"
for n in rxa rxb; do lab_ns $n || fatal "cannot build the lab"; done
fixed=""
for i in $(seq 1 30); do fixed="$fixed x$i"; done
cat >"$E2E_WORK/d.conf" <<EOF2
protocol IGMPv3;
pinstance d(3): up0 ==> lan0 ppp*;
pinstance d query-interval 4s query-response-interval 1s;
pinstance d downstream ppp* quick-leave on;
pinstance lim(4): up9 ==>$fixed vlan*;
EOF2
G=239.3.3.1
e2e_start_daemon "$E2E_WORK/d.conf"
send_bg src $G 5031 50 2500

iface_state() {  # iface_state NAME: up, down, absent, or nothing when the daemon does not know it
  ctl --json show interfaces 2>/dev/null | python3 -c "import json,sys
for i in json.load(sys.stdin)['interfaces']:
    if i['name'] == '$1': print(i['state'])"
}
is_state() { [ "$(iface_state "$1")" = "$2" ]; }
unknown() { [ -z "$(iface_state "$1")" ]; }
receives() {  # receives NS NAME: a host in NS joins $G and gets the stream
  lab_bg "$1" $E2E_PY recv $G 5031 --seconds 3 --iface eth0 --out "$E2E_WORK/$2.json" >/dev/null
  wait_result "$2" 10 && [ "$(field "$2" received)" -ge 50 ]
}
refused() { ctl --json show stats 2>/dev/null | grep -o '"dynamic_interfaces_refused": [0-9]*' | grep -o '[0-9]*$' | sort -n | tail -1; }

check "no interface matches ppp* yet" unknown ppp0
note "ppp0 appears"
lab_link proxy ppp0 rxa eth0
lab_addr proxy ppp0 10.30.0.1/24
lab_addr rxa eth0 10.30.0.5/24
check "ppp0 is taken as a downstream and comes up" wait_until 5 is_state ppp0 up
check "rxa behind ppp0 receives the stream" receives rxa rxa
note "ppp1 appears"
lab_link proxy ppp1 rxb eth0
lab_addr proxy ppp1 10.31.0.1/24
lab_addr rxb eth0 10.31.0.5/24
check "ppp1 comes up" wait_until 5 is_state ppp1 up
check "rxb behind ppp1 receives the stream" receives rxb rxb
note "ppp0 goes away"
lab_exec proxy ip link del ppp0
check "ppp0 is released (no longer shown)" wait_until 5 unknown ppp0
check "ppp1 is still up" is_state ppp1 up
lab_link proxy ppp0 rxa eth0
lab_addr proxy ppp0 10.30.0.1/24
check "ppp0 is taken again when re-created" wait_until 5 is_state ppp0 up

note "the limit: instance lim has 31 configured interfaces, so one VIF for vlan*"
lab_link proxy vlanA sw0 qa
lab_link proxy vlanB sw0 qb
wait_until 5 sh -c "[ \"\$($E2E_CTL --socket $E2E_SOCK --json show interfaces lim | grep -c '\"vlan')\" = 1 ]"
taken=$(ctl --json show interfaces lim | grep -c '"vlan')
check "exactly one of vlanA and vlanB is taken ($taken)" eq "$taken" 1
check "the other is refused and counted ($(refused))" eq "$(refused)" 1
first=$(ctl --json show interfaces lim | grep -o '"vlan[AB]"' | tr -d '"' | head -1)
other=vlanA; [ "$first" = vlanA ] && other=vlanB
note "$first goes away"
lab_exec proxy ip link del "$first"
check "$first is released" wait_until 5 unknown "$first"
check "the refused $other takes the free VIF" wait_until 5 sh -c "$E2E_CTL --socket $E2E_SOCK --json show interfaces lim | grep -q '\"$other\"'"
check "the daemon is still running" kill -0 "$E2E_DAEMON_PID"
e2e_finish
