#!/usr/bin/env bash
# Issue 10, source liveness from the kernel's packet counters:
# - `source-idle-timeout 5s`: a source that stops loses its MFC entry after
#   the timeout (plus one counter-read interval); when it sends again its
#   entry comes back (kernel upcall) and the receiver gets the data again.
# - `upstream * in rulematching mutex 2s` (set at runtime) with two upstreams,
#   per source as in mcproxy: each source of the group is claimed by the
#   upstream its data came in on first (the other upstream requests
#   EXCLUDE{that source}), so two sources of one group come through two
#   upstreams; when one source stops, "MS without data" releases it (its entry
#   goes, every upstream requests it again), and its data claims it anew.
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

# excluded IF: the sources instance sl requests upstream IF to leave out of
# 239.12.1.1 ("none" if it requests no such group there), e.g. "10.1.0.2"
excluded() {
  ctl --json show groups sl | python3 -c "import json,sys
d=json.load(sys.stdin); g=d.get('groups',d)
e=[x for x in g.get('upstream',[]) if x.get('interface')=='$1' and x.get('group')=='239.12.1.1']
print('none' if not e else ' '.join(s['address'] for s in e[0]['sources']) if e[0]['filter_mode']=='EXCLUDE' else 'include')"
}
excludes() { [ "$(excluded "$1" 2>/dev/null)" = "$2" ]; }
# table_route_any SOURCE GROUP IIF OIF: an MFC entry (SOURCE,GROUP) from IIF forwards to OIF
table_route_any() { mroutes | grep -F "($1,$2)" | grep -qE "Iif: $3\b.*Oifs:.*\b$4\b"; }
both_sources() { ge "$(count_udp "$1" 10.1.0.2)" 100 && ge "$(count_udp "$1" 10.4.0.2)" 100; }

note "mutex: rx1 joins 239.12.1.1; src (up0) sends first, then src2 (up1)"
check "mcproxyctl set sl upstream * in rulematching mutex 2s" ctl set sl upstream '*' in rulematching mutex 2s
capture_start rx1 eth0 mutex "udp and dst 239.12.1.1"
capture_start src2 eth0 up1igmp "igmp"
recv_bg rx1 mutex 239.12.1.1 5112 60
check "both upstreams request the group from every source" wait_until 5 excludes up1 ""
check "... up0 too" excludes up0 ""
send_bg src 239.12.1.1 5112 50 1500  # until the test stops it, below
first=$E2E_LAST_SENDER
check "src's stream is forwarded to lan0" wait_until 5 has_route 10.1.0.2 239.12.1.1 lan0
check "up0 claimed src: up1 requests EXCLUDE{10.1.0.2}" wait_until 5 excludes up1 10.1.0.2
check "... up0 still requests every source" excludes up0 ""
send_bg src2 239.12.1.1 5112 50 3000  # beyond the scenario (the teardown ends it)
check "src2, a second source of the group, is forwarded from up1" \
  wait_until 5 table_route_any 10.4.0.2 239.12.1.1 up1 lan0
check "... src's stream still from up0" table_route_any 10.1.0.2 239.12.1.1 up0 lan0
check "up1 claimed src2: up0 requests EXCLUDE{10.4.0.2}" wait_until 5 excludes up0 10.4.0.2
check "... up1 still EXCLUDE{10.1.0.2}" excludes up1 10.1.0.2
note "src stops"
kill "$first" 2>/dev/null
wait_until 10 gone "$first"
check "2 s without src's data on up0 release src: up1 requests it again (bound 10 s)" \
  wait_until 10 excludes up1 ""
check "src's idle entry is removed with its claim" wait_until 5 no_entry 10.1.0.2 239.12.1.1
check "src2 stays up1's (up0: EXCLUDE{10.4.0.2})" excludes up0 10.4.0.2
check "... and is still forwarded" has_route 10.4.0.2 239.12.1.1 lan0
note "src sends again: up0 claims it anew"
send_bg src 239.12.1.1 5112 50 100
check "src's stream is forwarded again" wait_until 5 table_route_any 10.1.0.2 239.12.1.1 up0 lan0
check "... and up1 leaves it out again" wait_until 5 excludes up1 10.1.0.2
wait_until 10 gone "$E2E_LAST_SENDER"
sleep 0.5
capture_stop mutex
capture_stop up1igmp
check "lan0 carried both sources ($(count_udp mutex 10.1.0.2) from src, $(count_udp mutex 10.4.0.2) from src2)" \
  both_sources mutex
check "up1's reports left src out (claim)" \
  capture_has up1igmp '10\.4\.0\.1 > 224\.0\.0\.22: igmp v3 report.*gaddr 239\.12\.1\.1 (block|to_ex) \{ [0-9. ]*10\.1\.0\.2'
check "... and asked for it again (release)" \
  capture_has up1igmp '10\.4\.0\.1 > 224\.0\.0\.22: igmp v3 report.*gaddr 239\.12\.1\.1 allow \{ [0-9. ]*10\.1\.0\.2'
[ "$E2E_FAILURES" = 0 ] || mroutes
e2e_stop_daemon
e2e_finish
