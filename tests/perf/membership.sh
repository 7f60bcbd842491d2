#!/usr/bin/env bash
# Membership at scale, with queries (issue 12's scenario): PERF_HOSTS (100)
# simulated IGMPv3 hosts on lan0 join PERF_GROUPS (100 000) groups at
# PERF_RATE reports/s, answer the proxy's General and Group-Specific Queries
# as RFC 3376 §5.2 hosts do (tests/perf/perf_traffic.cpp, mode `hosts`), hold
# for PERF_HOLD_MS, then leave every group at the same rate. Read from the
# daemon (mcproxyctl show stats): groups known downstream and reported
# upstream after the joins and after the leaves, every drop counter, the
# Receiver's backpressure pauses; from the kernel: drops on the proxy's raw
# sockets. "Nothing dropped" means no daemon drop counter and no kernel drop.
#
#   tests/perf/membership.sh BUILD_DIR [RESULTS.md]   (PERF_GROUPS, PERF_HOSTS, PERF_RATE, PERF_HOLD_MS)
# PERF_FLOOD_RATE (0) adds issue 8's hostile host: the first simulated host
# also sends that many reports/s of random groups and sources for
# PERF_FLOOD_MS (the join phase by default); the limits of the configuration
# (PERF_LIMITS) bound what it can make the daemon hold.
set -euo pipefail
source "$(dirname "$0")/perf_common.sh"
perf_init membership "$@"
groups=${PERF_GROUPS:-100000}
hosts=${PERF_HOSTS:-100}
rate=${PERF_RATE:-50000}
hold=${PERF_HOLD_MS:-12000}
flood=${PERF_FLOOD_RATE:-0}
flood_ms=${PERF_FLOOD_MS:-$((groups * 1000 / rate))}
limits=${PERF_LIMITS:-"max-groups $((groups + 1000)) max-groups-per-host 65535"}
base=239.40.0.0
lab_proxy_topology
[ "$hosts" -le 150 ] || { echo "PERF_HOSTS: at most 150 (10.2.0.100-249 on the downstream /24)"; exit 2; }
for i in $(seq 0 $((hosts - 1))); do
  ip -n "$LAB_PREFIX-rx1" addr add "10.2.0.$((100 + i))/24" dev eth0 nodad
done
# The lab's receivers other than rx1 stay quiet; rx1's own kernel stack must
# not answer queries for the simulated groups (it has not joined them).
conf=$PERF_WORK/membership.conf
cat >"$conf" <<CONF
protocol IGMPv3;
pinstance perf: up0 ==> lan0;
pinstance perf $limits;
pinstance perf downstream lan0 query-interval 10s query-response-interval 5s;
CONF
perf_start_daemon "$conf"
sleep 1
rss_start=$(perf_status_kb "$PERF_DAEMON_PID" VmRSS)
drops_before=$(perf_raw_drops proxy)
cpu_before=$(perf_cpu_ticks "$PERF_DAEMON_PID")
load=$(perf_load)
stats() { perf_ctl --json show stats >"$PERF_WORK/$1.json" 2>&1 || echo '{}' >"$PERF_WORK/$1.json"; }
join_s=$(( (groups * 1000 / rate + 999) / 1000 ))
lab_exec rx1 timeout $((join_s * 2 + hold * 2 / 1000 + 60)) "$PERF_BIN/perf_traffic" hosts eth0 10.2.0.100 "$hosts" \
  "$base" "$groups" "$rate" "$hold" ${flood:+$flood} ${flood:+$flood_ms} >"$PERF_WORK/hosts.json" &
traffic=$!
LAB_PIDS+=("$traffic")
# PERF_RECORD=FILE: a CPU profile of the daemon over the run (linux-perf, software clock).
if [ -n "${PERF_RECORD:-}" ]; then
  perf record -e cpu-clock -F 999 -g -p "$PERF_DAEMON_PID" -o "$PERF_RECORD" >/dev/null 2>&1 &
  recorder=$!
  LAB_PIDS+=("$recorder")
fi
# Snapshot at the end of the hold (joins done, a query cycle answered).
sleep $(( join_s + hold / 1000 - 1 ))
stats joined
rss_joined=$(perf_status_kb "$PERF_DAEMON_PID" VmRSS)
wait "$traffic" || echo "perf_traffic exited with $?"
stats left
if [ -n "${PERF_RECORD:-}" ]; then kill -INT "$recorder"; wait "$recorder" || true; fi
cpu_after=$(perf_cpu_ticks "$PERF_DAEMON_PID")
hwm=$(perf_status_kb "$PERF_DAEMON_PID" VmHWM)
drops_after=$(perf_raw_drops proxy)
perf_ctl show stats >"$PERF_WORK/stats.txt" 2>&1 || true
kill -TERM "$PERF_DAEMON_PID"; wait_until 20 perf_daemon_gone; PERF_DAEMON_PID=
echo "hosts: $(cat "$PERF_WORK/hosts.json")"
echo "--- mcproxyctl show stats (after the leaves)"; cat "$PERF_WORK/stats.txt"
python3 - "$PERF_WORK" "$groups" "$hosts" "$rate" "$load" "$cpu_before" "$cpu_after" "$(getconf CLK_TCK)" \
  "$rss_start" "$rss_joined" "$hwm" "$drops_before" "$drops_after" "$flood" >"$PERF_WORK/table.md" <<'PY'
import json, sys
work = sys.argv[1]; groups, hosts, rate, load = int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
cpu = (float(sys.argv[7]) - float(sys.argv[6])) / float(sys.argv[8])
rss0, rss1, hwm = (int(x) / 1024 for x in sys.argv[9:12]); kd = int(sys.argv[13]) - int(sys.argv[12]); flood = sys.argv[14]
h = json.load(open(f"{work}/hosts.json"))
def counters(name):
    try:
        d = json.load(open(f"{work}/{name}.json"))
    except Exception:
        return {}
    return {s["scope"]: s["counters"] for s in d.get("stats", [])}
joined, left = counters("joined"), counters("left")
inst = lambda c: c.get("instance perf", {})
drops = {}
for scope, c in left.items():
    for k, v in c.items():
        if (k.startswith("drop") or k.startswith("refused") or k in ("send_errors", "undelivered", "dropped_messages")) and v:
            drops[f"{scope} {k}"] = v
ok = lambda c: "yes" if c else "NO"
print(f"### Membership at scale: {groups} groups, {hosts} hosts, {rate} reports/s" + (f", flood {flood} reports/s" if flood != "0" else "") + "\n")
print(f"Load average at start: {load}; hosts: {h['joins']} joins at {h['join_rate']}/s, {h['leaves']} leaves at {h['leave_rate']}/s, "
      f"{h['general_queries']} general and {h['specific_queries']} group-specific queries heard, answered with "
      f"{h['answer_packets']} reports ({h['answer_records']} records)" + (f", {h['flood_reports']} flood reports" if flood != "0" else "") + ".\n")
print("| measure | value | target | met |")
print("| --- | --- | --- | --- |")
gd, gu = inst(joined).get("groups_downstream"), inst(joined).get("groups_upstream")
print(f"| groups downstream / upstream after the joins and a query cycle | {gd} / {gu} | {groups} | {ok(gd == groups and gu == groups)} |")
ld, lu = inst(left).get("groups_downstream"), inst(left).get("groups_upstream")
print(f"| groups downstream / upstream after every host left | {ld} / {lu} | 0 | {ok(ld == 0 and lu == 0)} |")
print(f"| daemon drop counters (receiver, instance, sender, timer) | {drops if drops else 0} | 0 | {ok(not drops)} |")
print(f"| kernel drops on the proxy's raw sockets (/proc/net/raw) | {kd} | 0 | {ok(kd == 0)} |")
print(f"| Receiver backpressure pauses | {left.get('receiver', {}).get('backpressure_pauses')} | - | - |")
print(f"| daemon CPU (utime+stime), whole run | {cpu:.2f} s | - | - |")
print(f"| VmRSS at start / after the joins, VmHWM | {rss0:.1f} / {rss1:.1f} MB, {hwm:.1f} MB | - | - |")
PY
echo; cat "$PERF_WORK/table.md"
cp "$PERF_WORK/table.md" "$PERF_MD"
echo "(written to $PERF_MD)"
