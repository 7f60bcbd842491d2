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
base=239.30.0.0
lab_proxy_topology
[ "$hosts" -le 150 ] || { echo "PERF_HOSTS: at most 150 (10.2.0.100-249 on the downstream /24)"; exit 2; }
for i in $(seq 0 $((hosts - 1))); do
  ip -n "$LAB_PREFIX-rx1" addr add "10.2.0.$((100 + i))/24" dev eth0 nodad
done
lab_exec proxy sysctl -qw net.ipv4.igmp_max_memberships=$((groups + 100))
conf=$PERF_WORK/scale.conf
if [ "$daemon" = igmpproxy ]; then
  cat >"$conf" <<CONF
phyint up0 upstream ratelimit 0 threshold 1
phyint lan0 downstream ratelimit 0 threshold 1
phyint lan1 disabled
CONF
  perf_start_igmpproxy "$conf"
else
  cat >"$conf" <<CONF
protocol IGMPv3;
pinstance perf: up0 ==> lan0;
CONF
  perf_start_daemon "$conf"
fi
sleep 1
rss_start=$(perf_status_kb "$PERF_DAEMON_PID" VmRSS)
perf_capture proxy lan0 "$PERF_WORK/lan0.pcap"
perf_capture proxy up0 "$PERF_WORK/up0.pcap"
drops_before=$(perf_raw_drops proxy)
cpu_before=$(perf_cpu_ticks "$PERF_DAEMON_PID")
load=$(perf_load)
lab_exec rx1 timeout 120 "$PERF_BIN/perf_traffic" reports eth0 10.2.0.100 "$hosts" "$base" "$groups" "$rate" to_ex \
  >"$PERF_WORK/sender.json"
sleep 0.5
cpu_mid=$(perf_cpu_ticks "$PERF_DAEMON_PID")
sleep 2.5  # the upstream retransmissions (Robustness Variable - 1, within 1 s)
cpu_after=$(perf_cpu_ticks "$PERF_DAEMON_PID")
rss=$(perf_status_kb "$PERF_DAEMON_PID" VmRSS)
hwm=$(perf_status_kb "$PERF_DAEMON_PID" VmHWM)
drops_after=$(perf_raw_drops proxy)
perf_stop_captures
if [ "$daemon" = mcproxy ]; then
  perf_ctl show stats >"$PERF_WORK/stats.txt" 2>&1 || true
  perf_ctl show interfaces >"$PERF_WORK/interfaces.txt" 2>&1 || true
else
  echo "(igmpproxy has no counters; its log: $(grep -ci warn "$PERF_WORK/daemon.log") warnings)" >"$PERF_WORK/stats.txt"
  : >"$PERF_WORK/interfaces.txt"
fi
kill -TERM "$PERF_DAEMON_PID"; wait_until 10 perf_daemon_gone; PERF_DAEMON_PID=
hz=$(getconf CLK_TCK)
result=$(python3 "$PERF_ROOT/tests/perf/perf_pcap.py" scale "$PERF_WORK/lan0.pcap" "$PERF_WORK/up0.pcap" "$base" "$groups")
echo "sender: $(cat "$PERF_WORK/sender.json")"
echo "captures: $(grep -h "dropped by kernel" "$PERF_WORK"/*.pcap.log | tr '\n' ' ')"
echo "result: $result"
echo "--- mcproxyctl show stats"; cat "$PERF_WORK/stats.txt"
echo "--- mcproxyctl show interfaces"; cat "$PERF_WORK/interfaces.txt"
python3 - "$result" "$daemon" "$groups" "$hosts" "$rate" "$load" "$cpu_before" "$cpu_mid" "$cpu_after" "$hz" "$rss" "$hwm" \
  "$drops_before" "$drops_after" "$(cat "$PERF_WORK/sender.json")" "$rss_start" >"$PERF_WORK/table.md" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); daemon = sys.argv[2]; groups, hosts, rate, load = sys.argv[3:7]
b, m, a, hz = (float(x) for x in sys.argv[7:11]); rss, hwm = int(sys.argv[11]), int(sys.argv[12])
kd = int(sys.argv[14]) - int(sys.argv[13]); sender = json.loads(sys.argv[15]); rss0 = int(sys.argv[16])
cpu_run = (m - b) / hz; cpu_all = (a - b) / hz
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
  cat "$PERF_WORK/stats.txt"; grep -E "^perf|rx:|tx:|drops:" "$PERF_WORK/interfaces.txt" | grep -v ADDRESSES || true; echo '```'; } >>"$PERF_WORK/table.md"
echo; cat "$PERF_WORK/table.md"
cp "$PERF_WORK/table.md" "$PERF_MD"
echo "(written to $PERF_MD)"
