# shellcheck shell=bash
# The membership scenario shared by igmpv3.sh, igmpv2.sh and mld.sh (issues 1-3):
#
#   src --up0-- [mcproxy] --lan0-- sw0 -- rx1, rx2      (quick leave off)
#                         --lan1-- rx3                  (quick leave on)
#
# rx1 and rx2 join G1 on lan0, rx3 joins G2 on lan1 (kernel sockets), src streams
# both. Checks: the receivers get the stream; the proxy reports G1 upstream (seen
# on the upstream wire); rx3 leaves (last host, quick leave): forwarding to lan1
# stops at once; rx1 leaves: rx2 keeps receiving without a gap; rx2 leaves (last
# host, no quick leave): forwarding continues for a moment (last member queries)
# and stops within Last Member Query Time + slack; the upstream sees the leave.
# The test makes each receiver leave (recv_stop) once the checks before it are
# done, so a slow machine stretches the scenario instead of reordering it.
#
# Parameters (set before calling membership_scenario):
#   M_FAMILY 4|6, M_PROTOCOL (instance protocol), M_IGMP_HOST / M_MLD_HOST
#   (force_igmp_version / force_mld_version of the receivers, 0 = default),
#   M_REPORT_RE / M_LEAVE_RE (regexes for the proxy's report and leave for G1
#   on the upstream wire, as tcpdump -vv prints them).

membership_scenario() {
  lab_proxy_topology || fatal "cannot build the lab"
  local r
  for r in rx1 rx2 rx3; do lab_host_version "$r" eth0 "${M_IGMP_HOST:-0}" "${M_MLD_HOST:-0}"; done
  local g1 g2 src fam=
  if [ "$M_FAMILY" = 6 ]; then
    g1=ff0e::8000:1 g2=ff0e::8000:2 src=2001:db8:1::2 fam=-6
  else
    g1=239.1.1.1 g2=239.2.2.2 src=10.1.0.2
  fi
  cat >"$E2E_WORK/m.conf" <<EOF
protocol $M_PROTOCOL;
pinstance m: up0 ==> lan0 lan1;
pinstance m query-interval 10s query-response-interval 2s robustness 2;
pinstance m last-member-query-interval 500ms last-member-query-count 2;
pinstance m downstream lan1 quick-leave on;
EOF
  local lmqt_ms=1000
  [ -n "${M_PROXY_SYSCTL:-}" ] && lab_exec proxy sysctl -qw "$M_PROXY_SYSCTL"
  capture_start src eth0 up "igmp or (ip6 and not udp)"
  e2e_start_daemon "$E2E_WORK/m.conf"
  if [ -n "${E2E_JOIN_ALLROUTERS:-}" ]; then
    # Diagnosis only: join 224.0.0.2 (IGMPv2 Leave destination) on the
    # downstreams from outside the daemon, to tell a missing join from other causes.
    lab_bg proxy python3 -c "
import socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for a in ('10.2.0.1', '10.3.0.1'):
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton('224.0.0.2') + socket.inet_aton(a))
time.sleep(60)"
  fi
  # Give the interfaces a moment to be activated (the querier starts at once).
  wait_until 5 interfaces_up 3 || note "not all interfaces are up"

  note "rx1, rx2 join $g1 on lan0; rx3 joins $g2 on lan1"
  recv_bg rx3 rx3 "$g2" 5002 60
  recv_bg rx1 rx1 "$g1" 5001 60
  recv_bg rx2 rx2 "$g1" 5001 60
  # The proxy's answer is timed from the hosts' joins, not from the start of
  # the receivers (Python in three namespaces at once).
  wait_until 10 host_joined rx1 "$g1" || note "rx1 has not joined $g1 after 10 s"
  check "the proxy reports $g1 upstream within 5 s of the join (from its upstream address)" \
    wait_until 5 capture_has up "$M_REPORT_RE"
  note "src streams $g1 and $g2 at 50 packets/s"
  local sopt=()
  [ "$M_FAMILY" = 6 ] && sopt=(--iface eth0)
  send_bg src "$g1" 5001 50 1500 "${sopt[@]}"
  send_bg src "$g2" 5002 50 1500 "${sopt[@]}"
  check "forwarding $g1 to lan0 is installed" wait_until 5 has_route $fam "$src" "$g1" lan0
  local installed
  installed=$(now_ms)
  check "forwarding $g2 to lan1 is installed" wait_until 5 has_route $fam "$src" "$g2" lan1

  # rx3 (the only host on lan1, quick leave on) leaves after two seconds of stream.
  sleep 2
  recv_stop rx3
  check "quick leave: forwarding $g2 to lan1 stops within 1 s of rx3's leave" within 1000 no_route $fam "$src" "$g2" lan1
  check "rx3 received $g2 ($(field rx3 received) packets)" ge "$(field rx3 received)" 20

  # rx1 leaves; rx2 (same link) stays.
  recv_stop rx1
  check "rx1 received $g1 ($(field rx1 received) packets)" ge "$(field rx1 received)" 40
  check "after rx1 left, $g1 is still forwarded to lan0 (rx2 is there)" still_after 1500 has_route $fam "$src" "$g1" lan0

  # rx2, the last host on lan0 (quick leave off), leaves.
  local left
  left=$(now_ms)
  recv_stop rx2
  check "without quick leave, forwarding to lan0 goes on for a moment after the last leave (last member queries)" \
    still_after 300 has_route $fam "$src" "$g1" lan0
  check "forwarding $g1 to lan0 stops within LMQT ($lmqt_ms ms) + 1.5 s of the last leave" \
    within $((lmqt_ms + 1500 - ($(now_ms) - left))) no_route $fam "$src" "$g1" lan0
  check "rx2 received $g1 ($(field rx2 received) packets)" ge "$(field rx2 received)" 120
  # Until the entry is installed the kernel holds 4 datagrams of the unresolved
  # (S,G) and drops the rest; a slow machine loses some there. After it, none.
  local early
  early=$(missing_since rx2 "$installed" before)
  [ "$early" = 0 ] || note "rx2 missed $early datagram(s) of the stream's start, before the entry was installed"
  check "rx2 saw no gap while rx1 left ($(missing_since rx2 "$installed") missing after the entry was installed, seq $(field rx2 seq_min)-$(field rx2 seq_max))" \
    eq "$(missing_since rx2 "$installed")" 0
  check "the upstream saw the proxy leave $g1" wait_until 3 capture_has up "$M_LEAVE_RE"
  capture_stop up
  [ "$E2E_FAILURES" = 0 ] || { echo "--- upstream capture ---"; capture_text up | tail -40; }
  e2e_stop_daemon
  check "mcproxy exits 0 after SIGTERM" eq "$E2E_DAEMON_EXIT" 0
}
