#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls exactly this):
#  1. an ASan+UBSan build with coverage and warnings as errors: unit tests, the
#     line coverage of instances/ (kept above 90 %), and, as root, the
#     integration tests in network namespaces and a 90 s soak test (tests/soak);
#  2. the libFuzzer harnesses for a few seconds each (tests/fuzz/run.sh);
#  3. as root, the Debian package from a Release build (build/package):
#     installed, used in namespaces, removed and purged;
#  4. a TSan build: the multi-threaded tests.
# Build trees go to build/asan, build/fuzz, build/package and build/tsan.
# Set MCPROXY_SKIP_PACKAGE=1 / MCPROXY_SKIP_TSAN=1 to skip 3 / 4. On a kernel
# without multicast routing (CONFIG_IP_MROUTE) the namespace tests are skipped
# and the run says so at its start and end.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
source tests/lab/lab.sh
# Without multicast routing in the kernel the daemon cannot run: the namespace
# tests skip themselves (ctest: "Not Run (Skipped)"), and the stages that are
# nothing but namespace runs are left out, loudly, here and at the end.
mroute_skipped=""
if [ "$(id -u)" = 0 ] && ! lab_kernel_has_mroute; then
  mroute_skipped="NAMESPACE TESTS SKIPPED: $LAB_NO_MROUTE"
  echo "== $mroute_skipped =="
fi

cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DMCPROXY_WERROR=ON \
  -DMCPROXY_SANITIZE=address -DMCPROXY_COVERAGE=ON >/dev/null
cmake --build build/asan -j"$jobs"
find build/asan -name '*.gcda' -delete
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build/asan -L unit --output-on-failure -j"$jobs"

# Coverage of instances/: the protocol logic (router/, host/, proxy/) from the
# unit tests alone; then, as root, all of instances/ including the instance
# threads (runtime/), which only the namespace tests exercise. Both >= 90 %.
coverage() {  # coverage TITLE EXCLUDE_REGEX
  echo "== line coverage of instances/ ($1) =="
  # A line gcov cannot read is reported on stderr and skipped, not fatal.
  local args=(--root . --object-directory build/asan --filter 'instances/' --print-summary --fail-under-line 90
              --gcov-ignore-parse-errors)
  [ -n "$2" ] && args+=(--exclude "$2")
  if ! gcovr "${args[@]}" >build/asan/coverage.txt; then
    cat build/asan/coverage.txt; echo "coverage of instances/ ($1) is below 90 %"; exit 1
  fi
  tail -n 3 build/asan/coverage.txt
}
coverage "unit tests, protocol logic" 'instances/runtime/'

# The libFuzzer harnesses (tests/fuzz, own build tree build/fuzz), briefly:
# seeds plus MCPROXY_FUZZ_SECONDS (default 15) of fuzzing each.
bash tests/fuzz/run.sh "${MCPROXY_FUZZ_SECONDS:-15}"

if [ "$(id -u)" = 0 ]; then
  ctest --test-dir build/asan -L integration --output-on-failure
  if [ -z "$mroute_skipped" ]; then
    # The soak test (tests/soak/soak.sh), briefly; the long run is recorded in doc/status.md.
    bash tests/soak/soak.sh "${MCPROXY_SOAK_SECONDS:-90}" build/asan/bin/mcproxy build/asan/bin/mcproxyctl \
      build/asan/bin/perf_traffic
    coverage "unit and namespace tests" ''
  else
    echo "== soak test and coverage with the namespace tests skipped: $LAB_NO_MROUTE =="
  fi
else
  echo "== integration tests skipped: they need root (network namespaces) =="
fi

# The Debian package (root): a Release build installed with apt, a namespace
# scenario with the installed binaries, then remove and purge (tests/package/deb.sh).
if [ "$(id -u)" = 0 ] && [ "${MCPROXY_SKIP_PACKAGE:-0}" != 1 ]; then
  cmake -S . -B build/package -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DMCPROXY_TESTS=OFF -DMCPROXY_WERROR=ON >/dev/null
  cmake --build build/package -j"$jobs"
  rm -f build/package/mcproxy_*.deb
  (cd build/package && cpack -G DEB >/dev/null)
  rc=0
  bash tests/package/deb.sh build/package/mcproxy_*.deb || rc=$?
  [ "$rc" = 0 ] || [ "$rc" = 77 ] || exit "$rc"
fi

if [ "${MCPROXY_SKIP_TSAN:-0}" != 1 ]; then
  cmake -S . -B build/tsan -DCMAKE_BUILD_TYPE=Debug -DMCPROXY_WERROR=ON -DMCPROXY_SANITIZE=thread >/dev/null
  cmake --build build/tsan -j"$jobs" --target modules_threaded_tests control_threaded_tests daemon_threaded_tests mcproxy mcproxyctl
  # Boost.Lockfree's own internals need a suppression (boostorg/lockfree#78);
  # the file names only frames inside boost::lockfree.
  export TSAN_OPTIONS="halt_on_error=1 suppressions=$PWD/tests/unit/modules_threaded/tsan.supp"
  ctest --test-dir build/tsan -L threaded --output-on-failure
  if [ "$(id -u)" = 0 ] && [ -z "$mroute_skipped" ]; then
    # The whole daemon under TSan, in the scenarios that use every thread:
    # joins and leaves, runtime control and reload, and a handover between
    # two instances. common.sh fails a scenario whose daemon log has a report.
    for scenario in igmpv3 runtime_control handover; do
      echo "== e2e $scenario with the TSan daemon =="
      bash "tests/e2e/$scenario.sh" build/tsan/bin/mcproxy build/tsan/bin/mcproxyctl
    done
  fi
fi
if [ -n "$mroute_skipped" ]; then
  echo "== all tests that can run here passed; $mroute_skipped =="
else
  echo "== all tests passed =="
fi
