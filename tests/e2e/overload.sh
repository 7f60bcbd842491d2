#!/usr/bin/env bash
# Overload (doc/architecture.md "Mailboxes", doc/operations.md "Overload and
# limits"), with simulated IGMPv3 hosts (perf_traffic hosts) on lan0:
#  1. a burst of 800 joins from 50 hosts, far more than the instance mailbox
#     (64 slots with max-groups 1024), then 800 leaves: every join and leave
#     takes effect, or a loss is counted (kernel queue overflow) and repaired
#     by the next query cycle, as the policy says; nothing is dropped in the
#     daemon itself;
#  2. one host floods random groups and sources while another host (rx2, the
#     kernel's own stack) joins a group: the limits hold, the daemon's
#     resident memory stays bounded, the legitimate join is served, control
#     requests keep being answered, and no control-plane message is lost: a
#     link flap during the flood is seen (down, then up), a reload takes
#     effect, no timer expiry is dropped. Until that reload the hosts'
#     report rate is unlimited (`host-report-rate 0`), so the flood reaches
#     the instance and fills its mailbox; the reload sets host-report-rate
#     200, and from then on the Receiver cuts the flood as it reads it
#     (counted), while the legitimate host is still served.
# Behaviour only, no timing: every wait is bounded and generous.
#   tests/e2e/overload.sh MCPROXY MCPROXYCTL PERF_TRAFFIC
source "$(dirname "$0")/common.sh"
# ASan keeps freed memory in a quarantine (256 MiB by default) that a flood
# fills; a small one lets the resident size show what the daemon holds.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}:quarantine_size_mb=4"
# The daemon's resident memory may grow by at most this much during the flood
# (KiB; measured: see doc/performance.md, "Flood").
RSS_GROWTH_BOUND_KB=${OVERLOAD_RSS_BOUND_KB:-32768}
e2e_init overload "$1" "$2"
TRAFFIC=${3:-}
[ -x "$TRAFFIC" ] || fatal "usage: $0 MCPROXY MCPROXYCTL PERF_TRAFFIC"

lab_proxy_topology
cat >"$E2E_WORK/o.conf" <<'CONF'
protocol IGMPv3;
pinstance o: up0 ==> lan0 lan1;
pinstance o max-groups 1024 max-groups-per-host 16 max-sources 8 host-report-rate 0;
pinstance o downstream lan0 query-interval 4s query-response-interval 2s;
CONF
e2e_start_daemon "$E2E_WORK/o.conf"

# stat NAME: one counter of `show stats` (instance o or receiver), 0 if absent.
stat() {
  ctl --json show stats 2>/dev/null | python3 -c '
import json, sys
name = sys.argv[1]
for s in json.load(sys.stdin).get("stats", []):
    if s["scope"] in ("instance o", "receiver") and name in s["counters"]:
        print(s["counters"][name]); break
else:
    print(0)' "$1"
}
stat_is() { [ "$(stat "$1")" = "$2" ]; }
stat_le() { [ "$(stat "$1")" -le "$2" ]; }
answers() { ctl "$@" >/dev/null; }

note "1. burst: 800 joins at 20 000 reports/s from 50 hosts, answers to queries, 800 leaves"
lab_bg rx1 timeout 60 "$TRAFFIC" hosts eth0 10.2.0.100 50 239.50.0.0 800 20000 12000 >"$E2E_WORK/burst.json"
burst=$LAB_LAST_PID
# Joins lost in the kernel's queue (counted) come back with the answers to
# the next General Query (every 4 s): all 800 within the hold.
check "every join took effect downstream" wait_until 11 stat_is groups_downstream 800
check "every group reported upstream" wait_until 5 stat_is groups_upstream 800
check "no packet dropped by the daemon (mailbox full)" stat_is "drop_instance mailbox full" 0
check "no record refused (the burst is within the limits)" stat_is refused_max-groups-per-host 0
wait_until 40 sh -c "! kill -0 $burst" || fatal "perf_traffic hosts did not end"
note "burst traffic: $(cat "$E2E_WORK/burst.json"); overflow $(stat "drop_socket queue overflow"), pauses $(stat backpressure_pauses)"
# Leaves lost in the kernel's queue end with the Group Membership Interval
# (2 x 4 s + 2 s); the 12 s hold covers it.
check "every leave took effect downstream" wait_until 5 stat_is groups_downstream 0
check "nothing left joined upstream" wait_until 5 stat_is groups_upstream 0

note "2. flood: 10.2.0.150 sends random groups and sources; rx2 (10.2.0.12) joins 239.99.0.1"
rss() { awk '$1 == "VmRSS:" {print $2}' "/proc/$E2E_DAEMON_PID/status"; }
rss_before=$(rss) rss_max=0
sample_rss() { local r; r=$(rss); [ "${r:-0}" -gt "$rss_max" ] && rss_max=$r; return 0; }
timer_drops() {
  ctl --json show stats 2>/dev/null | python3 -c '
import json, sys
t = {s["scope"]: s["counters"] for s in json.load(sys.stdin)["stats"]}["timer"]
print(t["dropped_messages"] + t["undelivered"])'
}
# 20 000 reports/s (the host also holds its own group 10 s, leaves it, waits
# 10 s): the checks below run while it floods, and then stop it (SIGTERM ends
# perf_traffic with its summary); 120 s bounds a run on a slow machine.
# (timeout passes SIGTERM on to perf_traffic.)
lab_bg rx1 timeout 150 "$TRAFFIC" hosts eth0 10.2.0.150 1 239.77.0.0 1 1000 10000 20000 120000 >"$E2E_WORK/flood.json"
flood=$LAB_LAST_PID
sleep 1
sample_rss
recv_bg rx2 legit 239.99.0.1 5000 20
check "control requests are answered during the flood" answers show stats
has_legit_group() {  # [GROUP]
  ctl --json show groups 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
group = sys.argv[1]
down = any(g["group"] == group and "10.2.0.12" in g.get("hosts", []) for g in d.get("downstream", []))
up = any(g["group"] == group for g in d.get("upstream", []))
sys.exit(0 if down and up else 1)' "${1:-239.99.0.1}"
}
# Served at once unless the kernel's queue overflowed (counted); then the
# host's answer to a later General Query repairs it.
check "a legitimate join during the flood is served (downstream and upstream)" wait_until 15 has_legit_group
check "the flooding host is held to max-groups-per-host (16 + its own group)" stat_le groups_downstream 18
sample_rss
lan1_state() { [ "$(iface_field o lan1 state)" = "\"$1\"" ]; }
note "during the flood: lan1 down and up again, a reload (control-plane messages)"
lab_exec proxy ip link set lan1 down
check "the link event (lan1 down) reached the instance during the flood" wait_until 10 lan1_state down
lab_exec proxy ip link set lan1 up
check "the link event (lan1 up) reached the instance during the flood" wait_until 10 lan1_state up
check "no packet was cut by a host rate while host-report-rate is 0" stat_is "drop_host report rate" 0
sed -i -e 's/^pinstance o: up0 ==> lan0 lan1;/pinstance o: up0 ==> lan0;/' \
  -e 's/host-report-rate 0;/host-report-rate 200;/' "$E2E_WORK/o.conf"
check "a reload during the flood is answered" answers reload
check "... and took effect (lan1 is no longer a downstream of o)" \
  sh -c "! '$E2E_CTL' --socket '$E2E_SOCK' show instances | grep '^o ' | grep -q lan1"
check "show interfaces gives lan0's new host_report_rate (200)" eq "$(iface_field o lan0 host_report_rate)" 200
rate_cut() { [ "$(stat "drop_host report rate")" -gt 0 ]; }
check "... and the flood is now cut at host-report-rate 200 (drop_host report rate grows)" wait_until 10 rate_cut
# As above: a report the kernel's queue dropped is repaired by the answer to a
# later General Query (every 4 s); rx2 stays joined for the whole wait.
recv_bg rx2 legit2 239.99.0.2 5001 30
check "a legitimate join while the flood is cut is served (downstream and upstream)" \
  wait_until 15 has_legit_group 239.99.0.2
check "the flood was still going on during these checks" kill -0 "$flood"
sample_rss
check "control requests are answered during the flood (metrics)" answers metrics
sample_rss
kill -TERM "$flood" 2>/dev/null || true
wait_until 20 sh -c "! kill -0 $flood" || fatal "the flood did not end"
note "flood traffic: $(cat "$E2E_WORK/flood.json")"
check "the flood's excess was refused and counted" sh -c "[ $(stat refused_max-groups-per-host) -gt 0 ]"
check "the limits held throughout" stat_le groups_downstream 19
check "no timer expiry was dropped or undelivered ($(timer_drops))" eq "$(timer_drops)" 0
check "the daemon's resident memory grew by $((rss_max - rss_before)) kB during the flood (bound $RSS_GROWTH_BOUND_KB kB)" \
  test "$((rss_max - rss_before))" -lt "$RSS_GROWTH_BOUND_KB"
check "the daemon still answers" answers show instances
e2e_stop_daemon
check "mcproxy exited cleanly" test "$E2E_DAEMON_EXIT" = 0
e2e_finish
