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
  if ! lab_kernel_has_mroute; then echo "perf_$1: $LAB_NO_MROUTE"; exit 77; fi
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
  lab_bg proxy ${PERF_CHRT:+chrt $PERF_CHRT} igmpproxy -n "$1" >"$PERF_WORK/daemon.log" 2>&1
  local p
  wait_until 5 sh -c "ip netns pids $LAB_PREFIX-proxy | xargs -r -I{} cat /proc/{}/comm | grep -qx igmpproxy"
  for p in $(ip netns pids "$LAB_PREFIX-proxy"); do
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = igmpproxy ] && PERF_DAEMON_PID=$p
  done
  [ -n "$PERF_DAEMON_PID" ] || { echo "igmpproxy did not start"; cat "$PERF_WORK/daemon.log"; return 1; }
}

perf_ctl() { "$PERF_BIN/mcproxyctl" --socket "$PERF_SOCK" "$@"; }

perf_stop_daemon() {  # SIGTERM, bounded wait, SIGKILL as the last resort
  [ -n "$PERF_DAEMON_PID" ] || return 0
  kill -TERM "$PERF_DAEMON_PID" 2>/dev/null
  wait_until 10 perf_daemon_gone || kill -9 "$PERF_DAEMON_PID" 2>/dev/null
  PERF_DAEMON_PID=
}

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

# --- Join and leave latency, one scenario (tests/perf/latency.sh, compare.sh) ----
#
# perf_latency_run DAEMON NAME HOST_IGMP_VERSION QUICK_LEAVE LMQI_MS LMQC PHASE_MS JOIN_MS LEAVE_MS GROUP_BASE
# DAEMON is mcproxy or igmpproxy (which has no downstream quick leave and no
# configurable Last Member Query Interval: QUICK_LEAVE maps to its `quickleave`,
# the upstream leave, and LMQI/LMQC are ignored). A fresh daemon per scenario;
# src streams to group i at PERF_RATE packets/s during phase i, rx1 (the
# kernel's host stack) joins group i JOIN ms into the phase and leaves LEAVE ms
# in. Needs lab_proxy_topology and PERF_GROUPS. Writes $PERF_WORK/NAME.join.json,
# NAME.leave.json (perf_pcap.py) and NAME.load (load average at the start).
perf_latency_run() {
  local daemon=$1 name=$2 hostv=$3 quick=$4 lmqi=$5 lmqc=$6 phase=$7 join=$8 leave=$9 base=${10}
  local groups=${PERF_GROUPS:-30} rate=${PERF_RATE:-10000}
  local conf=$PERF_WORK/$name.conf pcap=$PERF_WORK/$name-lan0.pcap
  lab_host_version rx1 eth0 "$hostv" 0
  if [ "$daemon" = igmpproxy ]; then
    { [ "$quick" = on ] && echo quickleave
      echo "phyint up0 upstream ratelimit 0 threshold 1"
      echo "phyint lan0 downstream ratelimit 0 threshold 1"
      echo "phyint lan1 disabled"; } >"$conf"
    perf_start_igmpproxy "$conf"
  else
    cat >"$conf" <<CONF
protocol IGMPv3;
pinstance perf: up0 ==> lan0;
pinstance perf quick-leave $quick;
pinstance perf last-member-query-interval ${lmqi}ms last-member-query-count $lmqc;
CONF
    # PERF_HOST_REPORT_RATE=N: the hosts' report rate (0 = unlimited, the
    # behaviour before host-report-rate); unset = the daemon's default.
    [ -n "${PERF_HOST_REPORT_RATE:-}" ] && echo "pinstance perf host-report-rate $PERF_HOST_REPORT_RATE;" >>"$conf"
    perf_start_daemon "$conf"
  fi
  sleep 1  # startup queries, VIFs
  local filter="igmp or udp"
  [ -n "${PERF_FLOOD_RATE:-}" ] && filter="(igmp or udp) and not src host 10.2.0.150"
  perf_capture proxy lan0 "$pcap" "$filter"
  perf_capture proxy up0 "$PERF_WORK/$name-up0.pcap" "$filter"
  # PERF_TRACE=DIR: the daemon's system calls and context switches into
  # DIR/NAME.perf.data (perf script; CLOCK_MONOTONIC, DIR/NAME.clock holds
  # CLOCK_REALTIME - CLOCK_MONOTONIC in seconds, to line it up with the captures).
  local tracer=
  if [ -n "${PERF_TRACE:-}" ]; then
    python3 -c "import time; print(time.time() - time.monotonic())" >"$PERF_TRACE/$name.clock"
    perf record -q -k CLOCK_MONOTONIC -e raw_syscalls:sys_enter -e raw_syscalls:sys_exit -e sched:sched_switch \
      -e sched:sched_wakeup -p "$PERF_DAEMON_PID" -o "$PERF_TRACE/$name.perf.data" >"$PERF_WORK/$name.perf.log" 2>&1 &
    tracer=$!
    sleep 0.5
  fi
  local start=$(( $(now_ns) + 1500000000 ))
  perf_load >"$PERF_WORK/$name.load"
  local cpu0; cpu0=$(perf_cpu_ticks "$PERF_DAEMON_PID")
  lab_bg src timeout 300 "$PERF_BIN/perf_traffic" stream eth0 "$base" "$groups" "$rate" "$phase" "$start" 5001 \
    >"$PERF_WORK/$name-stream.json"
  local stream=$LAB_LAST_PID
  lab_bg rx1 timeout 300 "$PERF_BIN/perf_traffic" members eth0 "$base" "$groups" "$phase" "$start" "$join" "$leave" \
    >"$PERF_WORK/$name-members.json"
  local members=$LAB_LAST_PID
  # PERF_FLOOD_RATE (tests/perf/latency.sh): a hostile host on rx2 (source
  # 10.2.0.150) floods reports of random groups and sources (perf_traffic
  # flood, sendmmsg) over PERF_FLOOD_PROCS (2) processes; NAME.flood.txt gets
  # the rate reached, the daemon's memory and its refusal and drop counters.
  local flooders=() rss_max=0
  if [ -n "${PERF_FLOOD_RATE:-}" ]; then
    local procs=${PERF_FLOOD_PROCS:-2} k
    local flood_ms=$(( (start - $(now_ns)) / 1000000 + groups * phase + 500 ))
    for k in $(seq 1 "$procs"); do
      lab_bg rx2 timeout 300 "$PERF_BIN/perf_traffic" flood eth0 10.2.0.150 $((PERF_FLOOD_RATE / procs)) \
        "$flood_ms" "$k" >"$PERF_WORK/$name-flood-$k.json"
      flooders+=("$LAB_LAST_PID")
    done
  fi
  # The daemon's resident memory while it runs (a flood must not grow it
  # beyond what its limits allow).
  while kill -0 "$stream" 2>/dev/null || kill -0 "$members" 2>/dev/null; do
    local rss; rss=$(perf_status_kb "$PERF_DAEMON_PID" VmRSS)
    [ "${rss:-0}" -gt "$rss_max" ] && rss_max=$rss
    sleep 1
  done
  wait "$stream" "$members"
  if [ "${#flooders[@]}" -gt 0 ]; then
    local hwm; hwm=$(perf_status_kb "$PERF_DAEMON_PID" VmHWM)
    wait "${flooders[@]}" || true
    local reached
    reached=$(cat "$PERF_WORK/$name"-flood-*.json | python3 -c "import json,sys
r=[json.loads(l) for l in sys.stdin if l.strip()]
print(sum(x['flood_reports'] for x in r), round(sum(x['achieved_rate'] for x in r)), sum(x['errors'] for x in r))")
    local fsent frate ferr; read -r fsent frate ferr <<<"$reached"
    local counters; counters=$(perf_ctl --json show stats | python3 -c "import json,sys
d={s['scope']: s['counters'] for s in json.load(sys.stdin)['stats']}
i=d.get('instance perf',{}); r=d.get('receiver',{})
print('groups downstream %d, refused max-groups-per-host %d max-sources %d max-groups-instance %d, '
      'receiver: read %d delivered %d, kernel queue overflow %d, backpressure pauses %d, mailbox full %d' % (
  i.get('groups_downstream',0), i.get('refused_max-groups-per-host',0), i.get('refused_max-sources',0),
  i.get('refused_max-groups-instance',0), r.get('datagrams_read',0), r.get('delivered',0),
  r.get('drop_socket queue overflow',0), r.get('backpressure_pauses',0), r.get('drop_instance mailbox full',0)))")
    echo "flood: asked $PERF_FLOOD_RATE/s, reached $frate/s ($fsent reports, ${#flooders[@]} senders, $ferr send errors); daemon VmRSS max $((rss_max / 1024)) MB, VmHWM $((hwm / 1024)) MB; $counters" \
      >"$PERF_WORK/$name.flood.txt"
  fi
  sleep 0.3
  echo "$(perf_cpu_ticks "$PERF_DAEMON_PID") $cpu0 $(perf_status_kb "$PERF_DAEMON_PID" VmHWM)" >"$PERF_WORK/$name.cpu"
  perf_stop_captures
  if [ -n "$tracer" ]; then kill -INT "$tracer" 2>/dev/null; wait "$tracer" || true; fi
  if [ "$daemon" = mcproxy ]; then
    perf_ctl show stats >"$PERF_WORK/$name-stats.txt" 2>&1 || true
    perf_ctl show interfaces >"$PERF_WORK/$name-interfaces.txt" 2>&1 || true
  fi
  perf_stop_daemon
  python3 "$PERF_ROOT/tests/perf/perf_pcap.py" join "$pcap" "$base" "$groups" >"$PERF_WORK/$name.join.json"
  python3 "$PERF_ROOT/tests/perf/perf_pcap.py" leave "$pcap" "$base" "$groups" "$PERF_WORK/$name-up0.pcap" \
    >"$PERF_WORK/$name.leave.json"
  echo "$name ($daemon, load $(cat "$PERF_WORK/$name.load")): join $(cat "$PERF_WORK/$name.join.json")"
  echo "$name: leave $(cat "$PERF_WORK/$name.leave.json")"
  echo "$name: stream $(cat "$PERF_WORK/$name-stream.json") members $(cat "$PERF_WORK/$name-members.json")"
}

# --- Scale, one run (tests/perf/scale.sh, compare.sh) ---------------------------
#
# perf_scale_run DAEMON NAME: PERF_GROUPS (10 000) groups announced by PERF_HOSTS
# (100) hosts at PERF_RATE (10 000) reports/s from rx1 (raw IGMPv3 reports, one
# TO_EX({}) record each). Needs lab_proxy_topology and perf_scale_hosts. Writes
# $PERF_WORK/NAME.json: the perf_pcap.py scale result plus the daemon's CPU
# seconds (during the reports + 0.5 s, and 2.5 s more), VmRSS before and after,
# VmHWM, kernel drops on the raw sockets, the sender's figures and the load.
perf_scale_hosts() {  # secondary addresses 10.2.0.100.. on rx1, the group limit raised
  local hosts=${PERF_HOSTS:-100} groups=${PERF_GROUPS:-10000} i
  [ "$hosts" -le 150 ] || { echo "PERF_HOSTS: at most 150 (10.2.0.100-249 on the downstream /24)"; return 2; }
  for i in $(seq 0 $((hosts - 1))); do
    ip -n "$LAB_PREFIX-rx1" addr add "10.2.0.$((100 + i))/24" dev eth0
  done
  # igmpproxy joins upstream through the kernel: raised for both daemons.
  lab_exec proxy sysctl -qw net.ipv4.igmp_max_memberships=$((groups + 100))
}

perf_scale_run() {
  local daemon=$1 name=$2 groups=${PERF_GROUPS:-10000} hosts=${PERF_HOSTS:-100} rate=${PERF_RATE:-10000}
  local base=${PERF_SCALE_BASE:-239.30.0.0} conf=$PERF_WORK/$2.conf
  if [ "$daemon" = igmpproxy ]; then
    printf '%s\n' "phyint up0 upstream ratelimit 0 threshold 1" "phyint lan0 downstream ratelimit 0 threshold 1" \
      "phyint lan1 disabled" >"$conf"
    perf_start_igmpproxy "$conf"
  else
    printf '%s\n' "protocol IGMPv3;" "pinstance perf: up0 ==> lan0;" >"$conf"
    perf_start_daemon "$conf"
  fi
  sleep 1
  local rss0 drops0 cpu0 cpu1 cpu2 rss hwm drops1 load
  rss0=$(perf_status_kb "$PERF_DAEMON_PID" VmRSS)
  perf_capture proxy lan0 "$PERF_WORK/$name-lan0.pcap"
  perf_capture proxy up0 "$PERF_WORK/$name-up0.pcap"
  drops0=$(perf_raw_drops proxy)
  cpu0=$(perf_cpu_ticks "$PERF_DAEMON_PID")
  load=$(perf_load)
  lab_exec rx1 timeout 120 "$PERF_BIN/perf_traffic" reports eth0 10.2.0.100 "$hosts" "$base" "$groups" "$rate" to_ex \
    >"$PERF_WORK/$name-sender.json"
  sleep 0.5
  cpu1=$(perf_cpu_ticks "$PERF_DAEMON_PID")
  sleep 2.5  # the upstream retransmissions (Robustness Variable - 1, within 1 s)
  cpu2=$(perf_cpu_ticks "$PERF_DAEMON_PID")
  rss=$(perf_status_kb "$PERF_DAEMON_PID" VmRSS)
  hwm=$(perf_status_kb "$PERF_DAEMON_PID" VmHWM)
  drops1=$(perf_raw_drops proxy)
  perf_stop_captures
  if [ "$daemon" = mcproxy ]; then
    perf_ctl show stats >"$PERF_WORK/$name-stats.txt" 2>&1 || true
    perf_ctl show interfaces >"$PERF_WORK/$name-interfaces.txt" 2>&1 || true
  else
    echo "(igmpproxy has no counters; its log: $(grep -ci warn "$PERF_WORK/daemon.log") warnings)" >"$PERF_WORK/$name-stats.txt"
    : >"$PERF_WORK/$name-interfaces.txt"
  fi
  perf_stop_daemon
  local result; result=$(python3 "$PERF_ROOT/tests/perf/perf_pcap.py" scale "$PERF_WORK/$name-lan0.pcap" \
    "$PERF_WORK/$name-up0.pcap" "$base" "$groups")
  python3 - "$result" "$(cat "$PERF_WORK/$name-sender.json")" "$cpu0" "$cpu1" "$cpu2" "$(getconf CLK_TCK)" \
    "$rss0" "$rss" "$hwm" "$drops0" "$drops1" "$load" >"$PERF_WORK/$name.json" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); r["sender"] = json.loads(sys.argv[2])
c0, c1, c2, hz = (float(x) for x in sys.argv[3:7])
r["cpu_run_s"] = round((c1 - c0) / hz, 3); r["cpu_all_s"] = round((c2 - c0) / hz, 3)
r["rss_start_kb"], r["rss_kb"], r["hwm_kb"] = (int(x) for x in sys.argv[7:10])
r["kernel_drops"] = int(sys.argv[11]) - int(sys.argv[10]); r["load"] = sys.argv[12]
print(json.dumps(r))
PY
  echo "$name ($daemon): $(cat "$PERF_WORK/$name.json")"
  echo "captures: $(grep -h "dropped by kernel" "$PERF_WORK/$name"-*.pcap.log | tr '\n' ' ')"
}
