#!/usr/bin/env bash
# Issue 5 (runtime control through mcproxyctl) on a running daemon:
#   a(1): up0 ==> lan0        b(2): up1 ==> lan2   (lan1 unused at first)
# - `interface add a downstream lan1`: rx3 (already joined) starts receiving
# - `set a downstream lan1 quick-leave on` takes effect on rx3's leave
# - SIGHUP and `mcproxyctl reload` with a changed instance a: b's stream to rx4
#   loses no packet once its entry is installed (sent == received)
# - a reload of a broken file changes nothing and answers FILE:LINE:COL errors
# - `instance remove a` removes its MFC entries and policy rules
# - a non-root user cannot use the socket, a member of --control-group can;
#   garbage gets an error, the daemon lives on
source "$(dirname "$0")/common.sh"
e2e_init rtc "$@"
two_upstream_topology || fatal "cannot build the lab"
conf=$E2E_WORK/rt.conf
write_conf() {  # write_conf QUERY_INTERVAL_OF_A
  cat >"$conf" <<EOF2
protocol IGMPv3;
pinstance a(1): up0 ==> lan0;
pinstance b(2): up1 ==> lan2;
pinstance a query-interval $1 query-response-interval 1s;
pinstance a last-member-query-interval 500ms last-member-query-count 2;
pinstance b query-interval 10s query-response-interval 1s;
EOF2
}
write_conf 10s
E2E_DAEMON_ARGS="--control-group 4242" e2e_start_daemon "$conf"
wait_until 5 interfaces_up 4 || note "not all interfaces are up"

note "b's stream: src2 -> rx4 (239.9.9.9), 300 packets at 50/s, counted through every reload"
recv_bg rx4 rx4 239.9.9.9 5010 9
sleep 0.5
send_bg src2 239.9.9.9 5010 50 300
b_sender=$E2E_LAST_SENDER
wait_until 5 has_route 10.4.0.2 239.9.9.9 lan2 || note "b's entry for 239.9.9.9 is not installed"
b_installed=$(now_ms)

note "rx3 joins 239.1.1.1 on lan1, which no instance has yet"
recv_bg rx3 rx3 239.1.1.1 5001 60
send_bg src 239.1.1.1 5001 50 400
sleep 1
check "lan1 is not forwarded to before it is added" no_route 10.1.0.2 239.1.1.1 lan1
check "mcproxyctl interface add a downstream lan1" ctl interface add a downstream lan1
# The new downstream's startup query makes rx3 report (response within 1 s).
check "rx3's stream is forwarded to lan1 within 3 s" wait_until 5 has_route 10.1.0.2 239.1.1.1 lan1
check "mcproxyctl set a downstream lan1 quick-leave on" ctl set a downstream lan1 quick-leave on
sleep 1
recv_stop rx3  # rx3 leaves once quick leave is set
check "quick leave (set at runtime): forwarding to lan1 stops within 1 s of rx3's leave" \
  within 1000 no_route 10.1.0.2 239.1.1.1 lan1
check "rx3 received the stream after the interface was added ($(field rx3 received) packets)" ge "$(field rx3 received)" 30
# The interface added at runtime in metrics (doc/operations.md, "Metrics").
metrics=$(ctl metrics 2>&1)
check "metrics: lan1 of a is up" \
  matches "$metrics" '^mcproxy_interface_up\{instance="a",interface="lan1",role="downstream"\} 1$'
check "metrics: lan1 is a's querier" matches "$metrics" '^mcproxy_interface_querier\{instance="a",interface="lan1"\} 1$'
check "metrics: lan1's general queries are counted" \
  matches "$metrics" '^mcproxy_interface_sent_total\{instance="a",interface="lan1",message="igmpv[23]-general-query"\} [1-9][0-9]*$'
check "metrics: rx3's reports on lan1 are counted" \
  matches "$metrics" '^mcproxy_interface_received_total\{instance="a",interface="lan1",message="igmpv[23]-report"\} [1-9][0-9]*$'
check "metrics: the stream left through lan1's VIF" \
  matches "$metrics" '^mcproxy_interface_data_packets_total\{instance="a",interface="lan1",direction="out"\} [1-9][0-9]*$'

note "reloads while b streams: SIGHUP, then mcproxyctl reload, each with a changed instance a"
write_conf 12s
kill -HUP "$E2E_DAEMON_PID"
sleep 0.5
write_conf 14s
check "mcproxyctl reload" ctl reload
check "instance a runs the new configuration" sh -c "ctl() { '$E2E_CTL' --socket '$E2E_SOCK' \"\$@\"; }; ctl show instances | grep -q '^a '"
echo 'pinstance a query-interval;' >>"$conf"
echo 'pinstance b: up1 ==> ;' >>"$conf"
out=$(ctl reload 2>&1); rc=$?
check "a reload of a broken file fails (exit $rc)" eq "$rc" 1
check "... and names FILE:LINE:COL ($out)" matches "$out" "$conf:[0-9]+:[0-9]+: "
kill -HUP "$E2E_DAEMON_PID"
sleep 0.3
check "the daemon survives a SIGHUP with a broken file" kill -0 "$E2E_DAEMON_PID"
check "both instances still run" sh -c "[ \$('$E2E_CTL' --socket '$E2E_SOCK' --json show instances | grep -c '\"name\"') = 2 ]"
write_conf 10s
wait_until 10 gone "$b_sender"
wait_result rx4 10
# Before b's entry is installed the kernel holds 4 datagrams of the unresolved
# (S,G) (membership.inc.sh); the reloads come after it.
early=$(missing_since rx4 "$b_installed" before)
[ "$early" = 0 ] || note "rx4 missed $early datagram(s) of the stream's start, before the entry was installed"
check "b's stream lost nothing during the reloads: sent 300, received $(field rx4 received), $(missing_since rx4 "$b_installed") missing after the entry was installed" \
  eq "$(field rx4 received)" $((300 - early))

note "a non-root user and garbage on the socket"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$E2E_CTL" --socket "$E2E_SOCK" show instances 2>&1); rc=$?
check "uid 65534 cannot use the control socket (exit $rc: $out)" sh -c "[ $rc != 0 ]"
check "... and sees nothing" lacks "$out" running
check "the socket is 0660, group 4242 (--control-group)" eq "$(stat -c '%a %g' "$E2E_SOCK")" "660 4242"
out=$(setpriv --reuid=65534 --regid=4242 --clear-groups "$E2E_CTL" --socket "$E2E_SOCK" show instances 2>&1); rc=$?
check "a member of the control group may use the socket (exit $rc)" eq "$rc" 0
chmod 0666 "$E2E_SOCK"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 - "$E2E_SOCK" <<'PY' 2>&1
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(3)
s.connect(sys.argv[1])
try:  # the server may answer and close before the request is written
    s.sendall(b'{"cmd":"show","what":"instances"}\n')
except OSError:
    pass
print(s.recv(4096).decode(errors="replace"))
PY
)
chmod 0600 "$E2E_SOCK"
check "uid 65534 is refused by the peer-credential check even with an open socket file ($out)" \
  matches "$out" '"ok": ?false.*permission denied'
check "... and sees nothing" lacks "$out" running
out=$(python3 - "$E2E_SOCK" <<'PY' 2>&1
import socket, sys
for junk in (b"garbage\n", b"\x00\xff\xfe{{{{\n", b'{"cmd":"nope"}\n', b"[" * 5000 + b"\n"):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(3)
    s.connect(sys.argv[1])
    s.sendall(junk)
    try:
        print(s.recv(4096).decode(errors="replace").strip())
    except Exception as e:
        print("no answer:", e)
    s.close()
PY
)
echo "$out" | sed 's/^/     garbage -> /'
check "garbage gets error answers" ge "$(grep -c '"ok":false' <<<"$out")" 3
check "the daemon still answers after the garbage" ctl show instances
# ... and is counted (show stats, scope control; doc/operations.md "Counters").
control=$(ctl --json show stats | python3 -c "import json,sys
c={s['scope']: s['counters'] for s in json.load(sys.stdin)['stats']}.get('control',{})
print(c.get('error_invalid_json',0), c.get('error_bad_request',0), c.get('refused_permission',0))")
read -r invalid_json bad_request refused <<<"$control"
note "control counters: invalid JSON $invalid_json, bad request $bad_request, refused (permission) $refused"
check "the garbage is counted: 3 lines of invalid JSON ($invalid_json)" ge "$invalid_json" 3
check "... and 1 unknown command ($bad_request)" ge "$bad_request" 1
check "... and the refused peer ($refused)" ge "$refused" 1

note "instance remove a"
check "mcproxyctl instance remove a" ctl instance remove a
check "table 1 has no MFC entries" sh -c "[ -z \"\$(ip netns exec $LAB_PREFIX-proxy ip mroute show table 1 2>/dev/null)\" ]"
check "no policy rule points at table 1" sh -c "! ip netns exec $LAB_PREFIX-proxy ip mrule show | grep -q 'lookup 1\b'"
check "instance b is untouched" sh -c "ip netns exec $LAB_PREFIX-proxy ip mrule show | grep -q 'lookup 2\b'"
e2e_stop_daemon
e2e_finish
