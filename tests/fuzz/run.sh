#!/usr/bin/env bash
# Builds the libFuzzer harnesses (build/fuzz, clang-16 with libc++) and runs
# each for SECONDS, one after the other on one core, from the seeds in
# tests/fuzz/corpus/NAME. Ends with one line per harness:
#   NAME: N execs, 0 crashes
# and exits non-zero on any crash, leak, timeout, out-of-memory, broken
# property or sanitizer report. Usage: tests/fuzz/run.sh SECONDS [NAME...]
# FUZZ_RUNS=N also stops each harness after N executions (the long runs of
# doc/fuzzing.md); FUZZ_MAX_LEN=BYTES bounds the inputs libFuzzer makes (its
# default follows the largest input of the corpus, 4096 here). Findings are kept in build/fuzz/artifacts/NAME/, logs in
# build/fuzz/logs/, the grown corpora in build/fuzz/corpus/NAME/.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:?usage: tests/fuzz/run.sh SECONDS [NAME...]}
shift
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(codec_ipv4 codec_ipv6 config control igmpproxy netlink)
build=build/fuzz
compiler=${MCPROXY_FUZZ_CXX:-clang++-16}

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -DMCPROXY_FUZZ=ON -DCMAKE_CXX_COMPILER="$compiler" -DCMAKE_BUILD_TYPE=Debug \
  -DMCPROXY_WERROR=ON "${launcher[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${harnesses[@]/#/fuzz_}" >/dev/null

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mkdir -p "$build/logs"
summary=()
failed=0
for name in "${harnesses[@]}"; do
  corpus=$build/corpus/$name
  artifacts=$build/artifacts/$name
  log=$build/logs/$name.log
  mkdir -p "$corpus" "$artifacts"
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$artifacts/")
  [ -n "${FUZZ_RUNS:-}" ] && args+=(-runs="$FUZZ_RUNS")
  [ -n "${FUZZ_MAX_LEN:-}" ] && args+=(-max_len="$FUZZ_MAX_LEN")
  [ -f "tests/fuzz/$name.dict" ] && args+=(-dict="tests/fuzz/$name.dict")
  echo "== fuzz $name: ${seconds} s${FUZZ_RUNS:+ or $FUZZ_RUNS runs}${FUZZ_MAX_LEN:+, inputs up to $FUZZ_MAX_LEN bytes} =="
  start=$(date +%s)
  rc=0
  "$build/bin/fuzz_$name" "${args[@]}" "$corpus" "tests/fuzz/corpus/$name" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
  # One finding stops libFuzzer; count what it reported, whatever the kind.
  findings=$(grep -cE '^==[0-9]+==ERROR: |^SUMMARY: |runtime error: |fuzz property broken|ERROR: libFuzzer' "$log" || true)
  crashes=0
  if [ "$rc" != 0 ] || [ "$findings" != 0 ] || [ -z "$execs" ]; then
    crashes=1
    failed=1
    echo "-- fuzz $name failed (exit $rc); last lines of $log:"
    tail -n 40 "$log"
    ls "$artifacts"
  fi
  echo "   $(( $(date +%s) - start )) s, corpus $(ls "$corpus" | wc -l) files"
  summary+=("$name: ${execs:-0} execs, $crashes crashes")
done
printf '%s\n' "${summary[@]}"
exit "$failed"
