#!/usr/bin/env bash
# mcproxy and igmpproxy side by side in one run (root): the same namespace lab,
# the same traffic, one table with both figures and their ratio.
#
#   tests/perf/compare.sh BUILD_DIR [RESULTS.md]
#
# Scenarios (tests/perf/perf_common.sh does the runs, see latency.sh/scale.sh):
#   - join share: a 10 000 packets/s stream (PERF_RATE) already running, rx1's
#     kernel host stack joining, PERF_GROUPS (20) joins; the daemon's share =
#     first forwarded packet on lan0 minus the host's report on lan0;
#   - leave with quick leave (mcproxy quick-leave on; igmpproxy's quickleave
#     is the upstream leave only, it always queries downstream) and without
#     (mcproxy Last Member Query Interval 1000 ms x 2, igmpproxy's defaults);
#   - scale: PERF_SCALE_GROUPS (10 000) groups from 100 hosts at 10 000
#     reports/s: groups joined upstream per second, CPU per 1 000 reports,
#     peak RSS;
#   - the data path alone (stream packet on up0 -> the same packet on lan0),
#     with smcroute's static routes as the floor (if smcrouted is installed).
# PERF_SMOKE=1: a bounded check for tests/run.sh: 5 joins per daemon, asserts
# that both daemons forward after a join (never timings); exits 77 if
# igmpproxy is not installed.
set -euo pipefail
source "$(dirname "$0")/perf_common.sh"
perf_init compare "$@"
smoke=${PERF_SMOKE:-0}
if [ "$smoke" = 1 ]; then
  command -v igmpproxy >/dev/null || { echo "compare smoke: igmpproxy not installed"; exit 77; }
  export PERF_GROUPS=${PERF_GROUPS:-5}
else
  export PERF_GROUPS=${PERF_GROUPS:-20}
fi
export PERF_RATE=${PERF_RATE:-10000}
lab_proxy_topology
load_start=$(perf_load)

# --- join and leave, both daemons, alternating so that load drifts hit both ------
#           name                host quick lmqi lmqc phase join leave base
with_quick=(quick              0    on    1000 2    700   200  400)
no_quick=(  no-quick           0    off   1000 2    3000  200  400)
if [ "$smoke" = 1 ]; then
  perf_latency_run mcproxy mcproxy-quick 0 on 1000 2 1000 200 800 239.50.0.1
  perf_latency_run igmpproxy igmpproxy-quick 0 on 1000 2 1000 200 800 239.51.0.1
  fail=0
  for d in mcproxy igmpproxy; do
    n=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['forwarded'])" "$PERF_WORK/$d-quick.join.json")
    echo "compare smoke: $d forwarded $n of $PERF_GROUPS joined groups"
    # Behaviour only: each daemon forwards after a join (at least all but one
    # group: a host report lost on a loaded machine is repaired by the next query).
    [ "$n" -ge $((PERF_GROUPS - 1)) ] || fail=1
  done
  exit "$fail"
fi
i=0
for d in mcproxy igmpproxy; do
  perf_latency_run "$d" "$d-${with_quick[0]}" "${with_quick[@]:1}" "239.50.$i.1"
  # 10 groups: the leave takes seconds here, the join figure comes from above.
  PERF_GROUPS=$((PERF_GROUPS < 10 ? PERF_GROUPS : 10)) \
    perf_latency_run "$d" "$d-${no_quick[0]}" "${no_quick[@]:1}" "239.52.$i.1"
  i=$((i + 1))
done

# --- the data path floor: smcroute's static routes, same stream ------------------
floor=
if command -v smcrouted >/dev/null; then
  base=239.54.0.1
  { echo "phyint up0 enable"; echo "phyint lan0 enable"
    python3 -c "
import ipaddress, sys
b = ipaddress.IPv4Address(sys.argv[1])
for i in range(int(sys.argv[2])):
    print(f'mroute from up0 source 10.1.0.2 group {b + i} to lan0')" "$base" "$PERF_GROUPS"; } >"$PERF_WORK/smcroute.conf"
  # -N: VIFs only on the interfaces the configuration enables.
  lab_bg proxy smcrouted -n -N -f "$PERF_WORK/smcroute.conf" -i "mcpxperf-$$" -u "$PERF_WORK/smcroute.sock" \
    -P "$PERF_WORK/smcroute.pid" -l err >"$PERF_WORK/smcroute.log" 2>&1
  sleep 1
  perf_capture proxy lan0 "$PERF_WORK/smcroute-lan0.pcap"
  perf_capture proxy up0 "$PERF_WORK/smcroute-up0.pcap"
  start=$(( $(now_ns) + 500000000 ))
  lab_exec src timeout 60 "$PERF_BIN/perf_traffic" stream eth0 "$base" "$PERF_GROUPS" "$PERF_RATE" 200 "$start" 5001 \
    >"$PERF_WORK/smcroute-stream.json"
  sleep 0.3
  perf_stop_captures
  for p in $(ip netns pids "$LAB_PREFIX-proxy"); do
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = smcrouted ] && kill -TERM "$p"
  done
  floor=$(python3 "$PERF_ROOT/tests/perf/perf_pcap.py" forward "$PERF_WORK/smcroute-up0.pcap" \
    "$PERF_WORK/smcroute-lan0.pcap" "$base" "$PERF_GROUPS")
  echo "smcroute floor: $floor"
fi
for d in mcproxy igmpproxy; do
  python3 "$PERF_ROOT/tests/perf/perf_pcap.py" forward "$PERF_WORK/$d-quick-up0.pcap" "$PERF_WORK/$d-quick-lan0.pcap" \
    239.50.$([ $d = mcproxy ] && echo 0 || echo 1).1 "$PERF_GROUPS" >"$PERF_WORK/$d.forward.json"
done

# --- scale, both daemons -------------------------------------------------------------
PERF_GROUPS=${PERF_SCALE_GROUPS:-10000}
PERF_SCALE_BASE=239.30.0.0 PERF_GROUPS=$PERF_GROUPS perf_scale_hosts
for d in mcproxy igmpproxy; do
  PERF_GROUPS=$PERF_GROUPS PERF_SCALE_BASE=239.$([ $d = mcproxy ] && echo 30 || echo 40).0.0 \
    perf_scale_run "$d" "$d-scale"
done
load_end=$(perf_load)

# --- the table -------------------------------------------------------------------------
python3 - "$PERF_WORK" "$load_start" "$load_end" "${floor:-null}" "$PERF_RATE" "$(perf_machine)" >"$PERF_WORK/table.md" <<'PY'
import json, sys, os
w, load0, load1, floor, rate, machine = sys.argv[1:7]
floor = json.loads(floor)
j = lambda name: json.load(open(os.path.join(w, name)))
# A leave that forwarding outlived: no sample, only the bound "more than what
# was left of the stream after the leave" (phase - leave time).
left_after_leave = {"quick": 300, "no-quick": 2600}
def lat(d, name, kind, key):
    r = j(f"{d}-{name}.{kind}.json")
    s = r["latency_ms"]
    if kind == "leave" and s.get("n", 0) == 0 and r.get("invalid_stream_ended"):
        return f"> {left_after_leave[name]} (stream ended first, {r['invalid_stream_ended']}/{r['leaves_seen']})"
    return s.get(key)
def fmt(v, unit=""):
    return "-" if v is None else (f"{v:g}{unit}" if isinstance(v, (int, float)) else str(v))
def ratio(m, i):
    if not isinstance(m, (int, float)) or not isinstance(i, (int, float)) or m == 0 or i == 0:
        return "-"
    return f"{m / i:.2f}"
rows = []
def row(label, m, i, unit, note=""):
    rows.append(f"| {label} | {fmt(m, unit)} | {fmt(i, unit)} | {ratio(m, i)} | {note} |")
for key in ("median", "p90"):
    row(f"join share, {key} (ms)", lat("mcproxy", "quick", "join", key), lat("igmpproxy", "quick", "join", key), "",
        "first forwarded packet - host report")
n = (j("mcproxy-quick.join.json")["latency_ms"].get("n"), j("igmpproxy-quick.join.json")["latency_ms"].get("n"))
for key in ("median", "max"):
    row(f"leave, quick leave, {key} (ms)", lat("mcproxy", "quick", "leave", key), lat("igmpproxy", "quick", "leave", key), "",
        "igmpproxy: last member queries anyway")
for key in ("median", "max"):
    row(f"leave, no quick leave, {key} (ms)", lat("mcproxy", "no-quick", "leave", key), lat("igmpproxy", "no-quick", "leave", key), "",
        "mcproxy LMQT 2 x 1000 ms")
sm, si = j("mcproxy-scale.json"), j("igmpproxy-scale.json")
def gps(s):
    span = s.get("first_downstream_to_last_new_upstream_ms")
    return round(s["distinct_groups_reported_upstream"] / span * 1000) if span else None
row("groups joined upstream", sm["distinct_groups_reported_upstream"], si["distinct_groups_reported_upstream"], "",
    f"of {sm['groups']} sent")
row("groups joined upstream per second", gps(sm), gps(si), "", "distinct groups / (last new upstream - first report)")
def cpu_k(s):
    sent = s["sender"]["sent"]
    return round(s["cpu_run_s"] * 1000 / sent * 1000, 1) if sent else None
row("CPU per 1 000 reports (ms)", cpu_k(sm), cpu_k(si), "", "utime+stime during the reports + 0.5 s")
row("peak RSS, scale run (MB)", round(sm["hwm_kb"] / 1024, 1), round(si["hwm_kb"] / 1024, 1), "", "VmHWM")
row("kernel drops on the raw sockets", sm["kernel_drops"], si["kernel_drops"], "", "/proc/net/raw")
fm, fi = j("mcproxy.forward.json")["latency_ms"], j("igmpproxy.forward.json")["latency_ms"]
fl = floor["latency_ms"].get("median") if floor else None
row("data path, median (ms)", fm.get("median"), fi.get("median"), "",
    f"up0 -> lan0, same packet; smcroute static route (floor): {fmt(fl)}")
print(f"### mcproxy vs igmpproxy 0.3, one run ({n[0]}/{n[1]} joins, stream {rate} packets/s)\n")
print("\n".join(l for l in machine.splitlines() if "load average" not in l))
print(f"- load average at the start: {load0}, at the end: {load1}\n")
print("Ratio: mcproxy's figure divided by igmpproxy's (below 1: mcproxy lower).\n")
print("| measure | mcproxy | igmpproxy | ratio mcproxy/igmpproxy | how |")
print("| --- | --- | --- | --- | --- |")
print("\n".join(rows))
PY
echo
cat "$PERF_WORK/table.md"
cp "$PERF_WORK/table.md" "$PERF_MD"
echo "(written to $PERF_MD)"
