# shellcheck shell=bash disable=SC2034
# Shared part of the namespace performance labs (tests/perf/*.sh): argument
# handling, the daemon under measurement, captures, /proc readings and the
# markdown results file. Sourced; reuses tests/lab/lab.sh for the lab itself.
#
# A lab script is called as  SCRIPT BUILD_DIR [RESULTS.md]  where BUILD_DIR has
# bin/mcproxy, bin/mcproxyctl and bin/perf_traffic (RelWithDebInfo, see
# doc/performance.md). Every wait is bounded; teardown runs on every exit.

PERF_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$PERF_ROOT/tests/lab/lab.sh"
PERF_DAEMON_PID=
PERF_CAPTURES=()

perf_init() {  # perf_init SHORT BUILD_DIR [RESULTS.md]
  PERF_NAME=$1
  local build=${2:-}
  if [ "$(id -u)" != 0 ]; then echo "perf_$1: needs root (network namespaces)"; exit 77; fi
  if [ -z "$build" ] || [ ! -x "$build/bin/mcproxy" ] || [ ! -x "$build/bin/perf_traffic" ]; then
    echo "usage: $0 BUILD_DIR [RESULTS.md]  (BUILD_DIR/bin/{mcproxy,mcproxyctl,perf_traffic})"
    exit 2
  fi
  PERF_BIN=$(cd "$build/bin" && pwd)
  PERF_MD=${3:-$PWD/perf-$1.md}
  lab_init "mcpxperf-$1-$$"
  PERF_WORK=$(mktemp -d "/tmp/mcpx-perf-$1.XXXXXX")
  chmod 755 "$PERF_WORK"
  PERF_SOCK=$PERF_WORK/mcproxy.sock
  trap perf_teardown EXIT
}

perf_teardown() {
  local rc=$?
  set +e
  local pid
  for pid in "${PERF_CAPTURES[@]}"; do kill "$pid" 2>/dev/null; done
  if [ -n "$PERF_DAEMON_PID" ] && kill -0 "$PERF_DAEMON_PID" 2>/dev/null; then
    kill -TERM "$PERF_DAEMON_PID"
    wait_until 10 perf_daemon_gone || kill -9 "$PERF_DAEMON_PID"
  fi
  lab_teardown
  if [ "$rc" != 0 ] && [ -f "$PERF_WORK/daemon.log" ]; then
    echo "----- daemon log (last 50 lines) -----"; tail -n 50 "$PERF_WORK/daemon.log"
  fi
  [ "${PERF_KEEP:-0}" = 1 ] && echo "kept $PERF_WORK" || rm -rf "$PERF_WORK"
  exit "$rc"
}

perf_daemon_gone() { ! kill -0 "$PERF_DAEMON_PID" 2>/dev/null; }

# Starts the daemon in the proxy namespace, logging to $PERF_WORK/daemon.log.
# PERF_DAEMON_PID is the mcproxy process itself (lab_bg's pid may be the
# subshell around `ip netns exec`), found among the namespace's processes.
perf_start_daemon() {  # perf_start_daemon CONF
  # PERF_CHRT="-f 10" runs the daemon under SCHED_FIFO (chrt), to tell its own
  # latency from the scheduling delay of a loaded machine.
  lab_bg proxy ${PERF_CHRT:+chrt $PERF_CHRT} "$PERF_BIN/mcproxy" -f "$1" --control-socket "$PERF_SOCK" \
    >"$PERF_WORK/daemon.log" 2>&1
  wait_until 10 test -S "$PERF_SOCK" || { echo "mcproxy did not start"; return 1; }
  local p
  for p in $(ip netns pids "$LAB_PREFIX-proxy"); do
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = mcproxy ] && PERF_DAEMON_PID=$p
  done
  [ -n "$PERF_DAEMON_PID" ] || { echo "mcproxy process not found"; return 1; }
}

# For comparison (tests/perf/scale.sh with PERF_DAEMON=igmpproxy): Debian's
# igmpproxy 0.3 in the same namespace, in the foreground.
perf_start_igmpproxy() {  # perf_start_igmpproxy CONF
  command -v igmpproxy >/dev/null || { echo "igmpproxy is not installed (apt-get install igmpproxy)"; return 1; }
  lab_bg proxy igmpproxy -n "$1" >"$PERF_WORK/daemon.log" 2>&1
  local p
  wait_until 5 sh -c "ip netns pids $LAB_PREFIX-proxy | xargs -r -I{} cat /proc/{}/comm | grep -qx igmpproxy"
  for p in $(ip netns pids "$LAB_PREFIX-proxy"); do
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = igmpproxy ] && PERF_DAEMON_PID=$p
  done
  [ -n "$PERF_DAEMON_PID" ] || { echo "igmpproxy did not start"; cat "$PERF_WORK/daemon.log"; return 1; }
}

perf_ctl() { "$PERF_BIN/mcproxyctl" --socket "$PERF_SOCK" "$@"; }

perf_capture() {  # perf_capture NS IFACE FILE [FILTER]: nanosecond timestamps, big buffer
  # The pid recorded is tcpdump's own (sh execs it): background jobs of a
  # script ignore SIGINT, so captures are stopped with SIGTERM on that pid.
  lab_exec "$1" sh -c 'echo $$ >"$0.pid"; exec tcpdump -i "$1" -n -U -B 65536 --time-stamp-precision=nano -w "$0" "$2"' \
    "$3" "$2" "${4:-igmp or udp}" 2>"$3.log" &
  LAB_PIDS+=("$!")
  wait_until 5 grep -q "listening on" "$3.log" || { echo "tcpdump on $1/$2 did not start"; return 1; }
  PERF_CAPTURES+=("$(cat "$3.pid")")
}

perf_stop_captures() {  # stops the captures and waits for them to flush
  local pid
  for pid in "${PERF_CAPTURES[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PERF_CAPTURES[@]}"; do wait_until 10 sh -c "! kill -0 $pid" || echo "capture $pid did not stop"; done
  PERF_CAPTURES=()
}

perf_cpu_ticks() {  # utime + stime of a process, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}

perf_status_kb() {  # perf_status_kb PID FIELD (VmRSS, VmHWM): kilobytes
  awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"
}

perf_raw_drops() {  # sum of the drops column of raw sockets in namespace NS
  lab_exec "$1" awk 'NR > 1 {d += $NF} END {print d + 0}' /proc/net/raw
}

perf_load() { cut -d' ' -f1-3 /proc/loadavg; }

perf_machine() {
  echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), nproc $(nproc)"
  echo "- kernel: $(uname -r)"
  echo "- build: RelWithDebInfo, no sanitizers ($PERF_BIN)"
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), load average at start: $(perf_load)"
}

now_ns() { date +%s%N; }
