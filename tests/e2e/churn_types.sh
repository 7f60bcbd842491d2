#!/usr/bin/env bash
# Issue 8 and 13: downstream interface types. A bridge, a downstream with no
# IPv4 address (queries from 0.0.0.0, as the Linux bridge querier sends them),
# one with a configured query-source, a layer-3 point-to-point link without
# link-layer header or ARP (two tun devices joined by tests/lab/tun_wire.py:
# the shape of GRE, ip6tnl and PPP links, which every kernel can make), a
# VXLAN (an Ethernet overlay, like a VLAN), and, where the kernel has them, a
# VLAN, a dummy, GRE, ip6gre and ip6tnl (PMIPv6) tunnels. Each is a separate
# check; a type the kernel cannot create is reported as skipped.
source "$(dirname "$0")/common.sh"
e2e_init types "$@"
for n in src proxy rxb rxz rxq rxv rxg rxt; do lab_ns $n || fatal "cannot build the lab"; done
lab_link src eth0 proxy up0
lab_addr src eth0 10.1.0.2/24
lab_addr proxy up0 10.1.0.1/24
lab_exec src ip route add default via 10.1.0.1
# bridge br9 in the proxy, port pb0 towards rxb
lab_link proxy pb0 rxb eth0
lab_exec proxy ip link add br9 type bridge mcast_snooping 0
lab_exec proxy ip link set pb0 master br9
lab_exec proxy ip link set br9 up
lab_addr proxy br9 10.20.0.1/24
lab_addr rxb eth0 10.20.0.5/24
# lanz: no IPv4 address on the proxy's side
lab_link proxy lanz rxz eth0
lab_addr rxz eth0 10.21.0.5/24
# lanq: an address, and a configured query source
lab_link proxy lanq rxq eth0
lab_addr proxy lanq 10.22.0.1/24
lab_addr rxq eth0 10.22.0.5/24
SKIPPED=()
P="ip -n $LAB_PREFIX-proxy"
# VLAN 7 over a veth towards rxv
lab_link proxy lanv rxv eth0
if $P link add link lanv name vl7 type vlan id 7 2>/dev/null; then
  ip -n "$LAB_PREFIX-rxv" link add link eth0 name eth0.7 type vlan id 7
  $P link set vl7 up; ip -n "$LAB_PREFIX-rxv" link set eth0.7 up
  lab_addr proxy vl7 10.23.0.1/24; lab_addr rxv eth0.7 10.23.0.5/24
else SKIPPED+=(vlan); fi
if $P link add dum0 type dummy 2>/dev/null; then $P link set dum0 up; lab_addr proxy dum0 10.27.0.1/24
else SKIPPED+=(dummy); fi
# tunnels over a veth underlay towards rxg
lab_link proxy ung rxg eth0
lab_addr proxy ung 10.24.0.1/24 fd00:24::1/64
lab_addr rxg eth0 10.24.0.5/24 fd00:24::5/64
if $P link add gre1 type gre local 10.24.0.1 remote 10.24.0.5 2>/dev/null; then
  $P link set gre1 multicast on up; lab_addr proxy gre1 10.25.0.1/30
else SKIPPED+=(gre); fi
if $P link add g6 type ip6gre local fd00:24::1 remote fd00:24::5 2>/dev/null; then
  $P link set g6 multicast on up; lab_addr proxy g6 10.25.1.1/30
else SKIPPED+=(ip6gre); fi
if $P link add t6 type ip6tnl local fd00:24::1 remote fd00:24::5 mode any 2>/dev/null; then
  $P link set t6 multicast on up; lab_addr proxy t6 10.25.2.1/30
else SKIPPED+=(ip6tnl); fi
# tun0 (proxy) <-> tun0 (rxt): a point-to-point layer-3 link
python3 "$E2E_ROOT/tests/lab/tun_wire.py" "$LAB_PREFIX-proxy" tunp "$LAB_PREFIX-rxt" tun0 >"$E2E_WORK/tun_wire.out" 2>&1 &
LAB_PIDS+=("$!")
wait_until 5 grep -q ready "$E2E_WORK/tun_wire.out" || fatal "the tun wire did not start"
$P addr add 10.26.0.1 peer 10.26.0.2 dev tunp; $P link set tunp up
ip -n "$LAB_PREFIX-rxt" addr add 10.26.0.2 peer 10.26.0.1 dev tun0; ip -n "$LAB_PREFIX-rxt" link set tun0 up
# vx5: VXLAN 5 over the ung underlay (unicast to rxg)
if $P link add vx5 type vxlan id 5 local 10.24.0.1 remote 10.24.0.5 dstport 4789 dev ung 2>/dev/null; then
  ip -n "$LAB_PREFIX-rxg" link add vx5 type vxlan id 5 local 10.24.0.5 remote 10.24.0.1 dstport 4789 dev eth0
  $P link set vx5 up; ip -n "$LAB_PREFIX-rxg" link set vx5 up
  lab_addr proxy vx5 10.28.0.1/24; lab_addr rxg vx5 10.28.0.5/24
else SKIPPED+=(vxlan); fi
[ ${#SKIPPED[@]} = 0 ] || note "the kernel cannot create: ${SKIPPED[*]} (those checks are skipped)"

cat >"$E2E_WORK/t.conf" <<EOF2
protocol IGMPv3;
pinstance t: up0 ==> br9 lanz lanq tunp vx5 vl7 dum0 gre1 g6 t6;
pinstance t query-interval 3s query-response-interval 1s;
pinstance t downstream lanq query-source 10.22.0.9;
EOF2
capture_start rxz eth0 z igmp
capture_start rxq eth0 q igmp
e2e_start_daemon "$E2E_WORK/t.conf"
G=239.5.5.1
send_bg src $G 5051 50 2000

iface_state() {  # iface_state NAME: up, down or absent, as `show interfaces` has it
  ctl --json show interfaces 2>/dev/null | python3 -c "import json,sys
for i in json.load(sys.stdin)['interfaces']:
    if i['name'] == '$1': print(i['state'])"
}
is_up() { [ "$(iface_state "$1")" = up ]; }
# receives NS IFACE NAME: a host in NS joins $G on IFACE and gets the stream
receives() {
  lab_bg "$1" $E2E_PY recv $G 5051 --seconds 3 --iface "$2" --out "$E2E_WORK/$3.json" >/dev/null
  wait_result "$3" 10 && [ "$(field "$3" received)" -ge 50 ]
}
# queries_sent IF: a general query went out of the proxy's IF (captured there)
queries_sent() {
  capture_start proxy "$1" "q_$1" igmp
  wait_until 8 capture_has "q_$1" '> 224\.0\.0\.1: igmp query'; local rc=$?
  capture_stop "q_$1"
  return $rc
}

check "bridge br9 is up" wait_until 5 is_up br9
check "bridge: rxb behind br9 receives the stream" receives rxb eth0 rxb
check "no IPv4 address: lanz is up" wait_until 5 is_up lanz
check "no IPv4 address: queries on lanz come from 0.0.0.0" wait_until 8 capture_has z '0\.0\.0\.0 > 224\.0\.0\.1: igmp query v3'
check "no IPv4 address: rxz's report is accepted, rxz receives the stream" receives rxz eth0 rxz
check "query-source: queries on lanq come from 10.22.0.9" wait_until 8 capture_has q '10\.22\.0\.9 > 224\.0\.0\.1: igmp query v3'
check "query-source: rxq receives the stream" receives rxq eth0 rxq
check "point-to-point tunp is up" wait_until 5 is_up tunp
check "point-to-point: queries go out of tunp" queries_sent tunp
check "point-to-point: rxt behind tunp receives the stream" receives rxt tun0 rxt
if [[ " ${SKIPPED[*]} " != *" vxlan "* ]]; then
  check "vxlan vx5 is up" wait_until 5 is_up vx5
  check "vxlan: rxg on vx5 receives the stream" receives rxg vx5 rxg_vx
fi
if [[ " ${SKIPPED[*]} " != *" vlan "* ]]; then
  check "vlan vl7 is up" wait_until 5 is_up vl7
  check "vlan: rxv on eth0.7 receives the stream" receives rxv eth0.7 rxv
fi
if [[ " ${SKIPPED[*]} " != *" dummy "* ]]; then
  check "dummy dum0 is up" wait_until 5 is_up dum0
  check "dummy: queries go out of dum0" queries_sent dum0
fi
for t in gre:gre1 ip6gre:g6 ip6tnl:t6; do
  [[ " ${SKIPPED[*]} " == *" ${t%%:*} "* ]] && continue
  check "${t%%:*} ${t#*:} is up" wait_until 5 is_up "${t#*:}"
  check "${t%%:*}: queries go out of ${t#*:}" queries_sent "${t#*:}"
done
check "the daemon is still running" kill -0 "$E2E_DAEMON_PID"
e2e_finish
