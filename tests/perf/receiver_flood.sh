#!/usr/bin/env bash
# The Receiver thread against a report flood (doc/performance.md, 2g; issue 8):
# how long a legitimate host's report takes from its send to the instance's
# mailbox consumer while another host on the same link floods, with and
# without `host-report-rate`. IPv6 MLD over one veth between two namespaces;
# no multicast routing needed (the Receiver's MLD socket is a plain raw
# ICMPv6 socket), so it runs on kernels without CONFIG_IPV6_MROUTE too.
#
#   tests/perf/receiver_flood.sh BUILD_DIR [RESULTS.md]
#
# BUILD_DIR has bin/perf_receiver (e.g. build/perf, RelWithDebInfo). Knobs:
#   FLOOD_RATE    reports/s of the flooding host (default 100000)
#   HOST_RATES    host-report-rate values to compare (default "0 1000"; 0 = unlimited)
#   COST_US       busy CPU per packet of the consumer standing in for the
#                 instance thread (default 15: about 65 000 reports/s, what the
#                 instance handled in the flood lab of 2f)
#   PROBES        legitimate reports per scenario, one per 50 ms (default 100)
#   CHECK=1       behaviour only (ctest: e2e_receiver_flood): fails unless, in
#                 every flood scenario with a host-report-rate, every probe
#                 reached the consumer and the flood was cut (host-rate drops)
# The consumer's CPU cost is a stand-in, so the figures measure the Receiver
# and the socket queue in front of it, not a whole daemon.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:?usage: receiver_flood.sh BUILD_DIR [RESULTS.md]}
RESULTS=${2:-}
TOOL=$BUILD/bin/perf_receiver
[ -x "$TOOL" ] || { echo "no $TOOL (cmake --build $BUILD --target perf_receiver)"; exit 2; }
[ "$(id -u)" = 0 ] || { echo "receiver_flood: needs root (network namespaces)"; exit 77; }
source "$ROOT/tests/lab/lab.sh"
FLOOD_RATE=${FLOOD_RATE:-100000}
HOST_RATES=${HOST_RATES:-"0 1000"}
COST_US=${COST_US:-15}
PROBES=${PROBES:-100}
WORK=$(mktemp -d /tmp/mcpx-rxflood.XXXXXX)
lab_init "mcpx-rxf$$"
trap 'lab_teardown; rm -rf "$WORK"' EXIT

lab_ns rcv
lab_ns hosts
lab_link rcv dn0 hosts h0
lab_addr hosts h0 fe80::100/64 fe80::200/64
sleep 1  # link-local addresses of the veth

seconds=$(( PROBES * 50 / 1000 + 4 ))
rows=()
scenario() {  # scenario NAME HOST_RATE FLOOD(0|1)
  local name=$1 rate=$2 flood=$3 out=$WORK/$1-$2
  lab_bg rcv "$TOOL" receive dn0 "$rate" "$COST_US" "$seconds" fe80::200 >"$out.rx"
  local rx=$LAB_LAST_PID
  wait_until 10 grep -q ready "$out.rx" || { echo "receiver did not start"; exit 1; }
  local fl=
  if [ "$flood" = 1 ]; then
    lab_bg hosts "$TOOL" flood h0 fe80::100 "$FLOOD_RATE" $(( (seconds - 2) * 1000 )) >"$out.flood"
    fl=$LAB_LAST_PID
    sleep 1
  fi
  lab_exec hosts "$TOOL" probe h0 fe80::200 50 "$PROBES" >"$out.probe"
  [ -z "$fl" ] || wait "$fl"
  wait "$rx"
  row=$(python3 - "$name" "$rate" "$out" "$flood" <<'PY'
import json, sys
name, rate, out, flood = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
sent = {}
for line in open(out + ".probe"):
    n, t = line.split(); sent[int(n)] = int(t)
got, counters = {}, {}
for line in open(out + ".rx"):
    line = line.strip()
    if line.startswith("{"): counters = json.loads(line)
    elif line and line != "ready":
        n, t = line.split(); got.setdefault(int(n), int(t))
lat = sorted((got[n] - sent[n]) / 1e6 for n in got if n in sent)
def pct(p): return lat[min(len(lat) - 1, int(p * len(lat)))] if lat else float("nan")
achieved = json.load(open(out + ".flood"))["achieved_rate"] if flood else 0
json.dump({"served": len(lat), "sent": len(sent), "host_rate_drops": counters.get("host_rate_drops", 0)},
          open(out + ".json", "w"))
print(f"| {name} | {'unlimited' if rate == '0' else rate + '/s'} | {achieved:,.0f}/s | {len(lat)} of {len(sent)} | "
      f"{pct(0.5):.3f} | {pct(0.9):.3f} | {lat[-1] if lat else float('nan'):.3f} | "
      f"{counters.get('datagrams_read', 0):,} | {counters.get('handled', 0):,} | {counters.get('host_rate_drops', 0):,} | "
      f"{counters.get('socket_overflows', 0):,} | {counters.get('backpressure_pauses', 0):,} |".replace(",", " "))
PY
)
  echo "$row"
  rows+=("$row")
}

header="| scenario | host-report-rate | flood reached | probes served | median ms | p90 ms | max ms | read | consumed | host-rate drops | socket overflows | backpressure pauses |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
echo "$header"
[ "${CHECK:-0}" = 1 ] || for rate in $HOST_RATES; do scenario "quiet" "$rate" 0; done
for rate in $HOST_RATES; do scenario "flood" "$rate" 1; done
if [ "${CHECK:-0}" = 1 ]; then
  failed=0
  for rate in $HOST_RATES; do
    [ "$rate" = 0 ] && continue
    python3 - "$WORK/flood-$rate" "$rate" <<'PY' || failed=1
import json, sys
r = json.load(open(sys.argv[1] + ".json"))
ok_served = r["sent"] > 0 and r["served"] == r["sent"]
ok_cut = r["host_rate_drops"] > 0
print(("ok   " if ok_served else "FAIL ") + f"host-report-rate {sys.argv[2]}: every legitimate report reached the instance during the flood ({r['served']} of {r['sent']})")
print(("ok   " if ok_cut else "FAIL ") + f"host-report-rate {sys.argv[2]}: the flood was cut as it was read ({r['host_rate_drops']} dropped)")
sys.exit(0 if ok_served and ok_cut else 1)
PY
  done
  exit "$failed"
fi
if [ -n "$RESULTS" ]; then
  { echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)," \
         "FLOOD_RATE=$FLOOD_RATE COST_US=$COST_US PROBES=$PROBES"; echo
    echo "$header"; printf '%s\n' "${rows[@]}"; } >"$RESULTS"
fi
