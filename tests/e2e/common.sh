# shellcheck shell=bash
# Shared helpers of the end-to-end scenarios (tests/e2e/*.sh): the real daemon in
# a namespace lab, real hosts (kernel sockets), checks on the wire and in the kernel.
#
# A scenario script is called as  SCRIPT MCPROXY MCPROXYCTL  and does:
#   source "$(dirname "$0")/common.sh"; e2e_init SHORTNAME "$@"
#   ...build a topology (tests/lab/lab.sh), write "$E2E_WORK/x.conf"...
#   e2e_start_daemon "$E2E_WORK/x.conf"
#   check "what must hold" COMMAND...     (records a failure, goes on)
#   e2e_finish                            (exit status: 0 pass, 1 fail)
# Teardown (daemon, namespaces, temp dir) runs on every exit; on failure the
# daemon's log is printed. Every wait is bounded (wait_until). Exit 77 = skipped.

E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$E2E_ROOT/tests/lab/lab.sh"
E2E_FAILURES=0
E2E_DAEMON_PID=
E2E_PY="python3 $E2E_ROOT/tests/lab/mcast.py"
E2E_CAPTURES=()

e2e_init() {  # e2e_init SHORT MCPROXY MCPROXYCTL
  local short=$1
  E2E_MCPROXY=$2
  E2E_CTL=$3
  E2E_NAME=$short
  if [ "$(id -u)" != 0 ]; then
    echo "e2e_$short: needs root (network namespaces, multicast routing): skipped"
    exit 77
  fi
  if ! lab_kernel_has_mroute; then
    echo "e2e_$short: $LAB_NO_MROUTE: skipped"
    exit 77
  fi
  if [ ! -x "$E2E_MCPROXY" ] || [ ! -x "$E2E_CTL" ]; then
    echo "e2e_$short: usage: $0 MCPROXY MCPROXYCTL"
    exit 2
  fi
  lab_init "mcpx-$short-$$"
  E2E_WORK=$(mktemp -d "/tmp/mcpx-e2e-$short.XXXXXX")
  chmod 755 "$E2E_WORK"
  E2E_SOCK=$E2E_WORK/mcproxy.sock
  E2E_LOG=$E2E_WORK/daemon.log
  trap e2e_teardown EXIT
  E2E_T0=$SECONDS
}

e2e_teardown() {
  local rc=$?
  set +e
  local pid
  for pid in "${E2E_CAPTURES[@]}"; do kill "$pid" 2>/dev/null; done
  if [ -n "$E2E_DAEMON_PID" ] && kill -0 "$E2E_DAEMON_PID" 2>/dev/null; then
    kill -TERM "$E2E_DAEMON_PID"
    wait_until 10 e2e_daemon_gone || kill -9 "$E2E_DAEMON_PID"
  fi
  if [ -f "$E2E_LOG" ] && grep -qE "runtime error|AddressSanitizer|LeakSanitizer|ThreadSanitizer" "$E2E_LOG"; then
    echo "FAIL: the daemon's log has a sanitizer report"
    rc=1
  fi
  if [ "$rc" != 0 ] || [ "$E2E_FAILURES" != 0 ]; then
    [ "$rc" = 0 ] && rc=1
    if [ -f "$E2E_LOG" ]; then
      echo "----- daemon log ($E2E_LOG) -----"
      tail -n 200 "$E2E_LOG"
      echo "----- end of daemon log -----"
    fi
  fi
  lab_teardown
  if [ -z "${E2E_KEEP:-}" ]; then rm -rf "$E2E_WORK"; else echo "kept $E2E_WORK"; fi
  echo "e2e_$E2E_NAME: $([ "$rc" = 0 ] && echo PASS || echo FAIL) ($((SECONDS - E2E_T0)) s)"
  exit "$rc"
}

e2e_finish() {  # ends the scenario: exit 0 if no check failed
  [ "$E2E_FAILURES" = 0 ] && exit 0
  echo "$E2E_FAILURES check(s) failed"
  exit 1
}

note() { echo "[$((SECONDS - E2E_T0))s] $*"; }

check() {  # check "MESSAGE" CMD...: records a failure when CMD fails
  local msg=$1; shift
  if "$@"; then
    echo "ok   - $msg"
  else
    echo "FAIL - $msg"
    E2E_FAILURES=$((E2E_FAILURES + 1))
  fi
}

fatal() {  # fatal MESSAGE: nothing further makes sense
  echo "FAIL - $*"
  E2E_FAILURES=$((E2E_FAILURES + 1))
  exit 1
}

# --- the daemon ------------------------------------------------------------------

e2e_daemon_gone() { ! kill -0 "$E2E_DAEMON_PID" 2>/dev/null; }

# e2e_start_daemon CONF [NAMESPACE]: starts mcproxy (plus $E2E_DAEMON_ARGS), waits for its control socket
e2e_start_daemon() {
  local conf=$1 ns=${2:-proxy}
  rm -f "$E2E_SOCK"
  # `ip netns exec` execs the daemon: $! is mcproxy itself (signals reach it).
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} ip netns exec "$LAB_PREFIX-$ns" "$E2E_MCPROXY" -f "$conf" \
    --control-socket "$E2E_SOCK" -vv ${E2E_DAEMON_ARGS:-} >>"$E2E_LOG" 2>&1 &
  E2E_DAEMON_PID=$!
  LAB_PIDS+=("$E2E_DAEMON_PID")
  # Bounded, and generous: the first start of an ASan build in the emulated
  # guest of tests/vm/run.sh reads a binary of 200+ MB over 9p.
  wait_until 30 e2e_ready || fatal "mcproxy did not start within 30 s (control socket $E2E_SOCK)"
}

e2e_ready() { [ -S "$E2E_SOCK" ] && "$E2E_CTL" --socket "$E2E_SOCK" --timeout 2 show instances >/dev/null 2>&1; }

e2e_stop_daemon() {  # SIGTERM and wait (bounded); fails the test if it does not exit
  kill -TERM "$E2E_DAEMON_PID" 2>/dev/null
  wait_until 10 e2e_daemon_gone || fatal "mcproxy did not stop within 10 s after SIGTERM"
  wait "$E2E_DAEMON_PID" 2>/dev/null
  E2E_DAEMON_EXIT=$?
  [ "$E2E_DAEMON_EXIT" = 0 ] || echo "     (mcproxy exit status $E2E_DAEMON_EXIT)"
}

# E2E_CTL_TIMEOUT (5 s): how long mcproxyctl waits for an answer; a scenario
# whose status answers are large (many_instances: 512 interfaces) sets more.
ctl() { "$E2E_CTL" --socket "$E2E_SOCK" --timeout "${E2E_CTL_TIMEOUT:-5}" "$@"; }

# --- traffic ----------------------------------------------------------------------

# recv_bg NS NAME GROUP PORT SECONDS [mcast.py recv options...]: a kernel-socket
# receiver in NS; its JSON result lands in $E2E_WORK/NAME.json
recv_bg() {
  local ns=$1 name=$2 group=$3 port=$4 secs=$5; shift 5
  lab_bg "$ns" $E2E_PY recv "$group" "$port" --seconds "$secs" --iface eth0 --out "$E2E_WORK/$name.json" "$@" >/dev/null
  eval "E2E_PID_$name=\$LAB_LAST_PID"
}

# recv_stop NAME: ends a receiver of recv_bg now (SIGTERM: it writes its result
# and closes its socket, so its host leaves) and waits for its result.
recv_stop() {
  local pid
  eval "pid=\$E2E_PID_$1"
  kill -TERM "$pid" 2>/dev/null
  wait_until 8 gone "$pid" || echo "     (receiver $1 did not end)"
  wait_result "$1" 5
}

send_bg() {  # send_bg NS GROUP PORT RATE COUNT [options]: a sender in NS
  local ns=$1 group=$2 port=$3 rate=$4 count=$5; shift 5
  lab_bg "$ns" $E2E_PY send "$group" "$port" --rate "$rate" --count "$count" "$@" 2>/dev/null
  E2E_LAST_SENDER=$LAB_LAST_PID
}

result_ready() { [ -s "$E2E_WORK/$1.json" ]; }

# host_joined NS GROUP: the host's kernel has joined GROUP on eth0 (a receiver
# of recv_bg is running: its start can take seconds on a loaded machine).
host_joined() { lab_exec "$1" ip maddr show dev eth0 | grep -qw "$2"; }

wait_result() {  # wait_result NAME SECONDS: waits for a receiver's result file
  wait_until "$2" result_ready "$1" || { echo "receiver $1 wrote no result"; return 1; }
}

field() {  # field NAME KEY: a value from a receiver's result (0/empty when missing)
  python3 -c "import json,sys
try: d=json.load(open('$E2E_WORK/$1.json'))
except Exception: print(0); sys.exit()
v=d.get('$2'); print(0 if v is None else v)"
}

per_source() {  # per_source NAME SOURCE: packets a receiver got from SOURCE
  python3 -c "import json,sys
try: d=json.load(open('$E2E_WORK/$1.json'))
except Exception: print(0); sys.exit()
print(d.get('per_source',{}).get('$2',0))"
}

# missing_since NAME MS: datagrams a receiver missed in gaps that ended (the next
# datagram arrived) at or after MS (epoch milliseconds, as now_ms); with
# `before` as a third word, those that ended before MS.
missing_since() {
  python3 -c "import json,sys
try: d=json.load(open('$E2E_WORK/$1.json'))
except Exception: print(0); sys.exit()
after = '${3:-}' != 'before'
print(sum(g[1] - g[0] + 1 for g in d.get('gaps', []) if (g[2] * 1000 >= $2) == after))"
}

ge() { [ "$1" -ge "$2" ]; }
le() { [ "$1" -le "$2" ]; }
eq() { [ "$1" = "$2" ]; }
float_lt() { python3 -c "import sys; sys.exit(0 if float('$1') < float('$2') else 1)"; }

# --- the kernel ------------------------------------------------------------------

mroutes() {  # mroutes [-6]: every MFC entry of every table in the proxy namespace
  lab_exec proxy ip ${1:-} mroute show table all 2>/dev/null
}

# has_route [-6] SOURCE GROUP OIF: an installed MFC entry (SOURCE,GROUP) forwards
# to OIF. A netlink dump can come back cut short while the table changes
# ("Dump was interrupted"), so "absent" needs five clean dumps in a row to agree.
has_route() {
  local fam='' out
  [ "$1" = -6 ] && { fam=-6; shift; }
  for _ in 1 2 3 4 5; do
    out=$(lab_exec proxy ip $fam mroute show table all 2>&1)
    grep -F "($1,$2)" <<<"$out" | grep -qE "Oifs:.*\b$3\b" && return 0
    grep -qi "interrupted" <<<"$out" && echo "     (mroute dump interrupted)" >&2
    sleep 0.01
  done
  # What the last dump said of the pair (still_after shows it when it fails).
  local line
  line=$(grep -F "($1,$2)" <<<"$out" | head -n 2 | tr -s ' \t' ' ')
  echo "     (last dump of ($1,$2): ${line:-none, $(wc -l <<<"$out") lines, first: $(head -n 1 <<<"$out")})" >&2
  return 1
}
no_route() { ! has_route "$@" 2>/dev/null; }

# --- captures ----------------------------------------------------------------------

# capture_start NS IF NAME [FILTER]: tcpdump into $E2E_WORK/NAME.pcap until capture_stop
capture_start() {
  local ns=$1 ifname=$2 name=$3 filter=${4:-igmp or (ip6 and not udp)}
  lab_exec "$ns" tcpdump -i "$ifname" -n -U -s "${E2E_SNAPLEN:-256}" -w "$E2E_WORK/$name.pcap" $filter \
    >"$E2E_WORK/$name.tcpdump.log" 2>&1 &
  E2E_CAPTURES+=("$!")
  eval "E2E_CAP_$name=\$!"
  wait_until 5 grep -q "listening on" "$E2E_WORK/$name.tcpdump.log" || echo "tcpdump on $ns/$ifname did not start"
}

capture_text() {  # capture_text NAME: the capture so far, decoded verbosely
  tcpdump -r "$E2E_WORK/$1.pcap" -n -vv 2>/dev/null
}

# capture_has NAME REGEX: some decoded packet (header + detail line) matches
capture_has() {
  capture_text "$1" | paste -d' ' - - 2>/dev/null | grep -qE "$2" && return 0
  capture_text "$1" | grep -qE "$2"
}

capture_stop() {
  local pid
  eval "pid=\$E2E_CAP_$1"
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

# --- fine-grained waits (wait_until counts whole seconds) ---------------------------

now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }

within() {  # within MILLISECONDS CMD...: polls CMD every 20 ms, at most that long
  local end=$(($(now_ms) + $1)); shift
  until "$@" 2>/dev/null; do
    [ "$(now_ms)" -ge "$end" ] && return 1
    sleep 0.02
  done
}

still_after() {  # still_after MILLISECONDS CMD...: CMD holds during the whole time
  local start
  start=$(now_ms)
  local end=$((start + $1)); shift
  local err
  while [ "$(now_ms)" -lt "$end" ]; do
    err=$("$@" 2>&1 >/dev/null) || { echo "     (stopped holding after $(($(now_ms) - start)) ms)"; [ -z "$err" ] || echo "$err"; return 1; }
    sleep 0.05
  done
}

gone() { ! kill -0 "$1" 2>/dev/null; }

# iface_field INSTANCE IFNAME KEY: one field of `show interfaces` (JSON) for IFNAME
iface_field() {
  ctl --json show interfaces "$1" 2>/dev/null | python3 -c "import json,sys
for e in json.load(sys.stdin).get('interfaces',[]):
    if e.get('name')=='$2': print(json.dumps(e.get('$3'))); break"
}

# interfaces_up N [INSTANCE]: at least N interfaces of the daemon are up
interfaces_up() {
  local n
  n=$(ctl --json show interfaces ${2:-} 2>/dev/null | grep -c '"state": "up"')
  [ "${n:-0}" -ge "$1" ]
}

first_from() {  # first_from NAME SOURCE: when a receiver got its first packet from SOURCE (epoch s, 0 if never)
  python3 -c "import json,sys
try: d=json.load(open('$E2E_WORK/$1.json'))
except Exception: print(0); sys.exit()
print(d.get('first_per_source',{}).get('$2',0))"
}

epoch() { echo "$EPOCHREALTIME" | tr , .; }

# count_udp NAME SOURCE: UDP packets from SOURCE in capture NAME
count_udp() { tcpdump -r "$E2E_WORK/$1.pcap" -n "udp and src $2" 2>/dev/null | wc -l; }

# The standard lab plus a second upstream and a third downstream:
#   src2(eth0 10.4.0.2) -- up1 [proxy] lan2 -- rx4(eth0 10.5.0.14)
two_upstream_topology() {
  lab_proxy_topology || return 1
  lab_ns src2 || return 1
  lab_ns rx4 || return 1
  lab_link src2 eth0 proxy up1
  lab_link proxy lan2 rx4 eth0
  lab_addr src2 eth0 10.4.0.2/24 2001:db8:4::2/64
  lab_addr proxy up1 10.4.0.1/24 2001:db8:4::1/64
  lab_addr proxy lan2 10.5.0.1/24 2001:db8:5::1/64
  lab_addr rx4 eth0 10.5.0.14/24 2001:db8:5::14/64
  lab_exec src2 ip route add default via 10.4.0.1
  lab_exec rx4 ip route add default via 10.5.0.1
}

mrules() { lab_exec proxy ip ${1:-} mrule show 2>/dev/null; }
# our_mrules [-6]: policy rules that point at a table other than the defaults
our_mrules() { mrules "${1:-}" | grep -vE "lookup (local|main|default)\s*$" | grep -c . ; }

# table_route TABLE SOURCE GROUP IIF OIF: table TABLE forwards (SOURCE,GROUP) from IIF to OIF
table_route() {
  local out
  out=$(lab_exec proxy ip mroute show table "$1" 2>&1)
  echo "$out" >"$E2E_WORK/last-table-$1.txt"
  echo "$out" | grep -F "($2,$3)" | grep -qE "Iif: $4\b.*Oifs:.*\b$5\b"
}

matches() { grep -qE "$2" <<<"$1"; }        # matches TEXT REGEX
lacks() { ! grep -qE "$2" <<<"$1"; }         # lacks TEXT REGEX

# sg_seen [-6] SOURCE GROUP: the kernel has an entry (resolved or not) for (SOURCE,GROUP):
# data is arriving at the proxy. A precondition for "is not forwarded" checks.
sg_seen() {
  local fam=''
  [ "$1" = -6 ] && { fam=-6; shift; }
  mroutes $fam | grep -qF "($1,$2)"
}

# host_reported NAME HOST: capture NAME holds an IGMP/MLD message from HOST
host_reported() { tcpdump -r "$E2E_WORK/$1.pcap" -n "src $2 and (igmp or (ip6 and not udp))" 2>/dev/null | grep -q .; }
