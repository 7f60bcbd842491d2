#!/usr/bin/env bash
# The namespace stages of tests/run.sh (root, a kernel with multicast
# routing): run on this machine, or, when this machine's kernel has no
# multicast routing, in a guest with Debian's kernel through tests/vm/run.sh
# (tests/run.sh with MCPROXY_VM=1).
#
#   tests/namespace.sh asan   the integration tests (ctest -L integration:
#                             e2e scenarios, kernel tests) and the soak test,
#                             with the ASan build of build/asan
#   tests/namespace.sh tsan   the whole daemon under TSan (build/tsan) in the
#                             scenarios that use every thread
# MCPROXY_E2E_TRIES=N (default 1) gives each test up to N runs and passes it
# if one does; tests/run.sh sets 2 for the emulated guest, several times
# slower than a real machine, where a bounded wait can run out once. Every
# test that needed a second run is named at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/lab/lab.sh
lab_kernel_has_mroute || { echo "tests/namespace.sh: $LAB_NO_MROUTE" >&2; exit 1; }
tries=${MCPROXY_E2E_TRIES:-1}
case "${1:-}" in
  asan)
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    ctest --test-dir build/asan -L integration --output-on-failure --repeat "until-pass:$tries" |
      tee build/asan/namespace-ctest.log
    [ "${PIPESTATUS[0]}" = 0 ] || exit 1
    retried=$(grep -c 'Test #.*Failed' build/asan/namespace-ctest.log || true)
    [ "$retried" = 0 ] || echo "== $retried failed run(s) passed on a later try (MCPROXY_E2E_TRIES=$tries): =="
    grep 'Test #.*Failed' build/asan/namespace-ctest.log || true
    # The soak test (tests/soak/soak.sh), briefly; the long run is recorded in doc/status.md.
    bash tests/soak/soak.sh "${MCPROXY_SOAK_SECONDS:-90}" build/asan/bin/mcproxy build/asan/bin/mcproxyctl \
      build/asan/bin/perf_traffic
    ;;
  tsan)
    # Boost.Lockfree's own internals need a suppression (boostorg/lockfree#78).
    export TSAN_OPTIONS=${TSAN_OPTIONS:-"halt_on_error=1 suppressions=$PWD/tests/unit/modules_threaded/tsan.supp"}
    # Joins and leaves, runtime control and reload, and a handover between two
    # instances. common.sh fails a scenario whose daemon log has a report.
    for scenario in igmpv3 runtime_control handover; do
      echo "== e2e $scenario with the TSan daemon =="
      try=1
      until bash "tests/e2e/$scenario.sh" build/tsan/bin/mcproxy build/tsan/bin/mcproxyctl; do
        [ "$try" -lt "$tries" ] || exit 1
        try=$((try + 1))
        echo "== e2e $scenario with the TSan daemon: try $try of $tries =="
      done
    done
    ;;
  *) echo "usage: tests/namespace.sh asan|tsan" >&2; exit 2;;
esac
