#!/usr/bin/env bash
# The proxy as a host on its upstream (issue 10, "the other gaps"):
#  - reports are split to up0's MTU (600 here) and follow an MTU change (1400),
#    checked on the IP lengths of the answers to a General Query;
#  - no membership of the routers' groups on the upstream: no report for
#    224.0.0.22 / 224.0.0.2 leaves up0 (they stay joined on the downstreams);
#  - `upstream up0 compatibility-mode off` (RFC 9776 §7.2.1): an IGMPv2 query
#    gets no IGMPv2 report; switched on at runtime, it does;
#  - `upstream up0 alternative-subnets`: data from a source outside up0's
#    subnet and the listed prefix is not forwarded, from one inside it is.
source "$(dirname "$0")/common.sh"
e2e_init uphost "$@"
lab_proxy_topology || fatal "cannot build the lab"
for ns_if in "src eth0" "proxy up0"; do lab_exec ${ns_if% *} ip link set "${ns_if#* }" mtu 600; done
lab_exec src ip addr add 172.16.5.2/32 dev eth0
lab_exec src ip addr add 172.17.5.2/32 dev eth0
lab_exec rx1 sysctl -qw net.ipv4.igmp_max_memberships=200
cat >"$E2E_WORK/u.conf" <<EOF2
protocol IGMPv3;
pinstance u: up0 ==> lan0 lan1;
pinstance u query-interval 20s query-response-interval 2s;
pinstance u upstream up0 compatibility-mode off;
pinstance u upstream up0 alternative-subnets 172.16.0.0/16;
EOF2
capture_start src eth0 upall "igmp"
export E2E_SNAPLEN=2000  # the query answers below are decoded record by record
e2e_start_daemon "$E2E_WORK/u.conf"
wait_until 5 interfaces_up 3 || note "not all interfaces are up"

note "routers' groups: joined on the downstreams only"
maddr_has() { lab_exec proxy ip maddr show dev "$1" | grep -qw "$2"; }
check "224.0.0.22 is joined on lan0" maddr_has lan0 224.0.0.22
check "224.0.0.2 is joined on lan0" maddr_has lan0 224.0.0.2
check "224.0.0.22 is not joined on up0" eval '! maddr_has up0 224.0.0.22'
check "224.0.0.2 is not joined on up0" eval '! maddr_has up0 224.0.0.2'

note "100 groups joined on lan0, reported on up0"
lab_bg rx1 $E2E_PY joinmany 239.9.0.1 100 --seconds 40 --iface eth0
upstream_groups() {
  ctl --json show groups u | python3 -c "import json,sys
d=json.load(sys.stdin); g=d.get('groups',d)
print(sum(1 for e in (g.get('upstream',[]) if isinstance(g,dict) else []) if e.get('interface')=='up0'))"
}
has_upstream_groups() { [ "$(upstream_groups 2>/dev/null || echo 0)" -ge "$1" ]; }
check "the 100 groups are the upstream's state" wait_until 10 has_upstream_groups 100
sleep 2  # the state-change retransmissions (within 1 s) are over: what follows answers the query

# answers NAME: "PACKETS RECORDS MAXLEN" of the proxy's current-state (is_ex) reports in capture NAME
answers() {
  tcpdump -r "$E2E_WORK/$1.pcap" -n -vv "igmp and src 10.1.0.1" 2>/dev/null | python3 -c "
import re,sys
pk=rec=mx=0; cur=None
for line in sys.stdin:
    m=re.search(r'length (\d+)', line) if 'proto IGMP' in line else None
    if m: cur=int(m.group(1)); continue
    n=line.count('is_ex')
    if n and cur is not None:
        pk+=1; rec+=n; mx=max(mx,cur); cur=None
print(pk, rec, mx)"
}

note "General Query at MTU 600"
capture_start src eth0 q600 "igmp"
lab_exec src $E2E_PY query --iface eth0 --max-resp-ms 1000
sleep 2.5
capture_stop q600
read -r p600 r600 m600 < <(answers q600)
check "the answer carries all 100 groups ($r600 records in $p600 reports)" eq "$r600" 100
check "the answer is split: more than one report ($p600)" ge "$p600" 2
check "every report fits the 600-byte MTU (largest IP length $m600)" le "$m600" 600

note "MTU 1400: the next answer follows"
lab_exec src ip link set eth0 mtu 1400
lab_exec proxy ip link set up0 mtu 1400
sleep 1
capture_start src eth0 q1400 "igmp"
lab_exec src $E2E_PY query --iface eth0 --max-resp-ms 1000
sleep 2.5
capture_stop q1400
read -r p1400 r1400 m1400 < <(answers q1400)
check "after the MTU change the 100 groups go in one report ($p1400 reports, $r1400 records)" \
  eval "[ $p1400 = 1 ] && [ $r1400 = 100 ]"
check "that report is larger than the old MTU and fits the new one (IP length $m1400)" \
  eval "[ $m1400 -gt 600 ] && [ $m1400 -le 1400 ]"

note "compatibility-mode off on up0: an IGMPv2 query changes nothing"
capture_start src eth0 v2off "igmp"
lab_exec src $E2E_PY query --iface eth0 --version 2 --max-resp-ms 1000
sleep 2.5
capture_stop v2off
v2_reports() { tcpdump -r "$E2E_WORK/$1.pcap" -n -v "igmp and src 10.1.0.1" 2>/dev/null | grep -c "igmp v2 report"; }
n_off=$(v2_reports v2off)
check "no IGMPv2 report answers the IGMPv2 query ($n_off)" eq "$n_off" 0
check "up0 stays in IGMPv3 mode" matches "$(iface_field u up0 version)" '"IGMPv3"'
check "the ignored query is counted (compatibility-mode-off)" matches "$(iface_field u up0 drops)" '"compatibility-mode-off": [1-9]'

ctl set u upstream up0 compatibility-mode on || echo "set compatibility-mode on failed"
capture_start src eth0 v2on "igmp"
lab_exec src $E2E_PY query --iface eth0 --version 2 --max-resp-ms 1000
sleep 2.5
capture_stop v2on
n_on=$(v2_reports v2on)
check "with compatibility-mode on the IGMPv2 query gets IGMPv2 reports ($n_on)" ge "$n_on" 1

note "alternative-subnets 172.16.0.0/16 on up0: data from 172.16.5.2 passes, from 172.17.5.2 not"
recv_bg rx3 rx3 239.8.8.8 5008 5
sleep 1
send_bg src 239.8.8.8 5008 50 150 --source 172.16.5.2
send_bg src 239.8.8.8 5008 50 150 --source 172.17.5.2
wait_result rx3 10
inside=$(per_source rx3 172.16.5.2)
outside=$(per_source rx3 172.17.5.2)
check "data from 172.16.5.2 (in the listed prefix) reaches lan1 ($inside packets)" ge "$inside" 50
check "data from 172.17.5.2 (outside up0's subnet and the prefix) does not ($outside packets)" eq "$outside" 0
check "the kernel saw 172.17.5.2's data (so the check above means something)" sg_seen 172.17.5.2 239.8.8.8
foreign=$(ctl --json show stats u | python3 -c "import json,sys
for s in json.load(sys.stdin).get('stats',[]):
    c=s.get('counters',{})
    if 'dropped_foreign_source' in c: print(c['dropped_foreign_source']); break
else: print(0)")
check "the refused data is counted (dropped_foreign_source $foreign)" ge "$foreign" 1

capture_stop upall
check "the proxy reported its groups on up0 (positive control)" capture_has upall "gaddr 239\.9\.0\."
check "no report for 224.0.0.22 or 224.0.0.2 went out on up0" eval '! capture_has upall "gaddr 224\.0\.0\.(22|2) "'
e2e_finish
