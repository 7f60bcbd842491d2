#!/usr/bin/env bash
# systemd's notification protocol (issue 9), with a stand-in for systemd: a
# Unix datagram socket as NOTIFY_SOCKET and a short WATCHDOG_USEC. The daemon
# says READY=1 with a STATUS= line once every thread runs, pings WATCHDOG=1
# while its threads answer, updates STATUS= as groups come, says RELOADING=1
# then READY=1 around a reload (SIGHUP and mcproxyctl reload) and STOPPING=1
# when it stops. (A stuck thread stopping the pings: tests/unit/daemon_threaded.)
# Its stderr stands in for the journal stream (JOURNAL_STREAM names it), so
# every log line carries its syslog priority as sd-daemon(3)'s "<N>" prefix.
source "$(dirname "$0")/common.sh"
e2e_init notify "$@"
if ! grep -q sd_notify "$E2E_MCPROXY"; then
  echo "e2e_notify: mcproxy was built without libsystemd: skipped"
  exit 77
fi
lab_proxy_topology || fatal "cannot build the lab"

notes=$E2E_WORK/notifications
: >"$notes"
timeout 120 python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as out:
    while True:
        out.write(s.recv(4096).decode().replace("\n", " | ") + "\n")
        out.flush()
' "$E2E_WORK/notify.sock" "$notes" &
LAB_PIDS+=("$!")
wait_until 5 test -S "$E2E_WORK/notify.sock" || fatal "the stand-in for systemd did not start"

cat >"$E2E_WORK/n.conf" <<EOF
protocol IGMPv3;
pinstance n: up0 ==> lan0 lan1;
pinstance n query-interval 10s query-response-interval 2s;
EOF
# 0.6 s: a round of probes every 0.2 s.
touch "$E2E_LOG"
log_start=$(($(wc -l <"$E2E_LOG") + 1))
NOTIFY_SOCKET=$E2E_WORK/notify.sock WATCHDOG_USEC=600000 JOURNAL_STREAM=$(stat -c '%d:%i' "$E2E_LOG") \
  e2e_start_daemon "$E2E_WORK/n.conf"

seen() { grep -qE "$1" "$notes"; }
count() { grep -cE "$1" "$notes" || true; }
check "READY=1 with a status line" wait_until 10 seen '^READY=1 \| STATUS=1 instance, [0-9]+ interfaces?, 0 groups$'
check "the watchdog is pinged while every thread answers" wait_until 10 sh -c "[ \$(grep -c '^WATCHDOG=1$' '$notes') -ge 5 ]"
check "STATUS= counts the two downstreams and the upstream as interfaces" \
  wait_until 10 seen '^STATUS=1 instance, 3 interfaces, 0 groups$'

note "rx1 joins 239.1.1.1"
recv_bg rx1 rx1 239.1.1.1 5001 4
check "STATUS= counts the group" wait_until 10 seen '^STATUS=1 instance, 3 interfaces, 1 group$'

note "SIGHUP"
kill -HUP "$E2E_DAEMON_PID"
check "RELOADING=1 then READY=1 around the SIGHUP reload" \
  wait_until 10 sh -c "grep -A50 '^RELOADING=1' '$notes' | grep -q '^READY=1'"
before=$(count '^RELOADING=1')
ctl reload >/dev/null
check "mcproxyctl reload says RELOADING=1 as well" wait_until 10 sh -c "[ \$(grep -c '^RELOADING=1' '$notes') -gt $before ]"
check "and READY=1 after it" wait_until 10 sh -c "[ \$(grep -c '^READY=1' '$notes') -ge 3 ]"

e2e_stop_daemon
check "STOPPING=1 on SIGTERM" seen '^STOPPING=1$'
check "mcproxy exits 0" eq "$E2E_DAEMON_EXIT" 0

daemon_log=$(tail -n +"$log_start" "$E2E_LOG")
journal_lines() { grep -cE "^<$1>mcproxy[a-z.0-9_]*: " <<<"$daemon_log" || true; }
check "info lines go to the journal at priority 6" test "$(journal_lines 6)" -gt 0
check "debug lines (-vv) at priority 7" test "$(journal_lines 7)" -gt 0
check "every log line has a priority and no time stamp of its own" \
  test -z "$(grep -vE '^<[0-7]>mcproxy[a-z.0-9_]*: ' <<<"$daemon_log" | grep -vE '^$' || true)"
echo "--- notifications (first 8 of $(wc -l <"$notes")) ---"
head -n 8 "$notes"
e2e_finish
