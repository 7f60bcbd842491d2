#!/usr/bin/env bash
# Scale: PERF_GROUPS (10 000) groups announced by PERF_HOSTS (100) hosts at
# PERF_RATE (10 000) reports/s, one IGMPv3 record (TO_EX({})) per report, sent
# from rx1 with raw sockets (tests/perf/perf_traffic.cpp, the project's codec)
# from PERF_HOSTS secondary addresses. Measured (root):
#   - distinct groups the proxy reported upstream (tcpdump on up0) and when the
#     last new one appeared, relative to the last host report on lan0;
#   - the daemon's CPU time (utime + stime, /proc/PID/stat) over the run;
#   - its resident memory (VmRSS, VmHWM) afterwards;
#   - drops: the daemon's per-reason counters (mcproxyctl show stats) and the
#     kernel's drops on the raw sockets of the proxy namespace (/proc/net/raw).
#
#   tests/perf/scale.sh BUILD_DIR [RESULTS.md]   (PERF_GROUPS, PERF_HOSTS, PERF_RATE)
# PERF_DAEMON=igmpproxy runs Debian's igmpproxy instead, for comparison (it
# joins upstream through the kernel, so the namespace's igmp_max_memberships
# is raised for both daemons).
set -euo pipefail
source "$(dirname "$0")/perf_common.sh"
daemon=${PERF_DAEMON:-mcproxy}
perf_init "scale-$daemon" "$@"
groups=${PERF_GROUPS:-10000}
hosts=${PERF_HOSTS:-100}
rate=${PERF_RATE:-10000}
lab_proxy_topology
perf_scale_hosts
perf_scale_run "$daemon" scale
result=$(cat "$PERF_WORK/scale.json")
echo "sender: $(cat "$PERF_WORK/scale-sender.json")"
echo "--- mcproxyctl show stats"; cat "$PERF_WORK/scale-stats.txt"
echo "--- mcproxyctl show interfaces"; cat "$PERF_WORK/scale-interfaces.txt"
python3 - "$result" "$daemon" "$groups" "$hosts" "$rate" >"$PERF_WORK/table.md" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); daemon = sys.argv[2]; groups, hosts, rate = sys.argv[3:6]
sender = r["sender"]; load = r["load"]; kd = r["kernel_drops"]
cpu_run, cpu_all = r["cpu_run_s"], r["cpu_all_s"]; rss0, rss, hwm = r["rss_start_kb"], r["rss_kb"], r["hwm_kb"]
late = r["last_upstream_after_last_downstream_ms"]
ok = lambda c: "yes" if c else "NO"
print(f"### Scale ({daemon}): {groups} groups, {hosts} hosts, {rate} reports/s (IGMPv3, one TO_EX({{}}) record each)\n")
print(f"Load average at start: {load}; sender: {sender['sent']} reports at {sender['achieved_rate']} reports/s.\n")
print("| measure | value | target | met |")
print("| --- | --- | --- | --- |")
print(f"| host reports seen on lan0 | {r['host_reports_seen_downstream']} in {r['downstream_duration_ms']} ms | {groups} | - |")
print(f"| distinct groups reported upstream | {r['distinct_groups_reported_upstream']} ({r['upstream_report_packets']} report packets, {r['upstream_records']} records) | {groups} | {ok(r['distinct_groups_reported_upstream'] == int(groups))} |")
print(f"| last new group upstream after the last host report | {late} ms | <= 100 ms | {ok(late is not None and late <= 100)} |")
print(f"| daemon CPU (utime+stime), reports + 0.5 s | {cpu_run:.2f} s | < 1 s | {ok(cpu_run < 1)} |")
print(f"| daemon CPU, including 2.5 s more (upstream retransmissions) | {cpu_all:.2f} s | - | - |")
print(f"| VmRSS before the run (no groups) | {rss0/1024:.1f} MB | - | - |")
print(f"| VmRSS / VmHWM after the run | {rss/1024:.1f} / {hwm/1024:.1f} MB | < 32 MB | {ok(hwm < 32*1024)} |")
print(f"| kernel drops on the proxy's raw sockets (/proc/net/raw) | {kd} | 0 | {ok(kd == 0)} |")
PY
label="Daemon counters after the run (\`mcproxyctl show stats\`, \`show interfaces\`):"
[ "$daemon" = mcproxy ] || label="Daemon counters:"
{ echo; echo "$label"; echo; echo '```'
  cat "$PERF_WORK/scale-stats.txt"; grep -E "^perf|rx:|tx:|drops:" "$PERF_WORK/scale-interfaces.txt" | grep -v ADDRESSES || true; echo '```'; } >>"$PERF_WORK/table.md"
echo; cat "$PERF_WORK/table.md"
cp "$PERF_WORK/table.md" "$PERF_MD"
echo "(written to $PERF_MD)"
