#!/usr/bin/env bash
# Source liveness cost: one complete read of the kernel's per-entry packet
# counters, in batches as a proxy instance reads them, with 1 000 to 100 000
# MFC entries in a table (perf_counters on the real kernel, in a namespace of
# its own with two veth interfaces). Prints a markdown table (doc/performance.md).
#   tests/perf/counters.sh BUILD_DIR [RESULTS.md]     (root; about 10 s)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/tests/lab/lab.sh"
if [ "$(id -u)" != 0 ]; then echo "perf_counters: needs root (network namespaces)"; exit 77; fi
build=${1:-}
if [ -z "$build" ] || [ ! -x "$build/bin/perf_counters" ]; then
  echo "usage: $0 BUILD_DIR [RESULTS.md]  (BUILD_DIR/bin/perf_counters)"
  exit 2
fi
out=${2:-$PWD/perf-counters.md}
lab_init "mcpxperf-counters-$$"
trap lab_teardown EXIT
lab_ns r || exit 1
for i in in0 out0; do
  lab_exec r ip link add "$i" type veth peer name "$i-peer"
  lab_exec r ip link set "$i" up
  lab_exec r ip link set "$i-peer" up
done
sizes=${PERF_ENTRIES:-1000 10000 100000}
{
  echo "Counter read, $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg), kernel $(uname -r)"
  echo
  timeout 300 ip netns exec "$LAB_PREFIX-r" "$build/bin/perf_counters" in0 out0 $sizes
} | tee "$out"
