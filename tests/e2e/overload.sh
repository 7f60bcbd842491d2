#!/usr/bin/env bash
# Overload (doc/architecture.md "Mailboxes", doc/operations.md "Overload and
# limits"), with simulated IGMPv3 hosts (perf_traffic hosts) on lan0:
#  1. a burst of 800 joins from 50 hosts, far more than the instance mailbox
#     (64 slots with max-groups 1024), then 800 leaves: every join and leave
#     takes effect, or a loss is counted (kernel queue overflow) and repaired
#     by the next query cycle, as the policy says; nothing is dropped in the
#     daemon itself;
#  2. one host floods random groups and sources while another host (rx2, the
#     kernel's own stack) joins a group: the limits hold, the legitimate join
#     is served, and control requests keep being answered.
# Behaviour only, no timing: every wait is bounded and generous.
#   tests/e2e/overload.sh MCPROXY MCPROXYCTL PERF_TRAFFIC
source "$(dirname "$0")/common.sh"
e2e_init overload "$1" "$2"
TRAFFIC=${3:-}
[ -x "$TRAFFIC" ] || fatal "usage: $0 MCPROXY MCPROXYCTL PERF_TRAFFIC"

lab_proxy_topology
cat >"$E2E_WORK/o.conf" <<'CONF'
protocol IGMPv3;
pinstance o: up0 ==> lan0;
pinstance o max-groups 1024 max-groups-per-host 16 max-sources 8;
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
lab_bg rx1 timeout 30 "$TRAFFIC" hosts eth0 10.2.0.150 1 239.77.0.0 1 1000 4000 20000 4000 >"$E2E_WORK/flood.json"
flood=$LAB_LAST_PID
sleep 1
recv_bg rx2 legit 239.99.0.1 5000 20
check "control requests are answered during the flood" answers show stats
has_legit_group() {
  ctl --json show groups 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
down = any(g["group"] == "239.99.0.1" and "10.2.0.12" in g.get("hosts", []) for g in d.get("downstream", []))
up = any(g["group"] == "239.99.0.1" for g in d.get("upstream", []))
sys.exit(0 if down and up else 1)'
}
# Served at once unless the kernel's queue overflowed (counted); then the
# host's answer to a later General Query repairs it.
check "a legitimate join during the flood is served (downstream and upstream)" wait_until 15 has_legit_group
check "the flooding host is held to max-groups-per-host (16 + its own group)" stat_le groups_downstream 18
wait_until 20 sh -c "! kill -0 $flood" || fatal "the flood did not end"
note "flood traffic: $(cat "$E2E_WORK/flood.json")"
check "the flood's excess was refused and counted" sh -c "[ $(stat refused_max-groups-per-host) -gt 0 ]"
check "the limits held throughout" stat_le groups_downstream 18
check "the daemon still answers" answers show instances
e2e_stop_daemon
check "mcproxy exited cleanly" test "$E2E_DAEMON_EXIT" = 0
e2e_finish
