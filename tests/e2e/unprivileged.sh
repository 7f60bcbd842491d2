#!/usr/bin/env bash
# The daemon without root (issue 9): as an unprivileged user holding only
# CAP_NET_ADMIN and CAP_NET_RAW it forwards (the membership scenario), both
#   - started the systemd way: setpriv gives the user the two capabilities
#     as ambient ones (User= + AmbientCapabilities= in the unit), and
#   - started as root with `--user NAME`, dropping root itself.
# Without the capabilities it refuses to start (exit 77). The user is
# $MCPROXY_TEST_USER (default: mcproxy if it exists, else nobody).
# Usage: unprivileged.sh MCPROXY MCPROXYCTL [ambient|user]  (no mode: both)
mode=${3:-}
if [ -z "$mode" ]; then
  # Both modes; skipped (77) only if both were.
  rc=0 skipped=0
  for m in ambient user; do
    r=0
    bash "$0" "$1" "$2" "$m" || r=$?
    if [ "$r" = 77 ]; then skipped=$((skipped + 1)); elif [ "$r" != 0 ]; then rc=1; fi
  done
  [ "$rc" = 0 ] && [ "$skipped" = 2 ] && exit 77
  exit "$rc"
fi
source "$(dirname "$0")/common.sh"
e2e_init "unpriv-$mode" "$1" "$2"
source "$(dirname "$0")/membership.inc.sh"
user=${MCPROXY_TEST_USER:-$(getent passwd mcproxy >/dev/null && echo mcproxy || echo nobody)}
uid=$(id -u "$user")
command -v setpriv >/dev/null || { echo "setpriv (util-linux) is missing: skipped"; exit 77; }

# The control socket in a directory the user may write; the configuration and
# the work directory readable (e2e_init made it 0755).
mkdir -p "$E2E_WORK/run"
chown "$user:" "$E2E_WORK/run"
E2E_SOCK=$E2E_WORK/run/mcproxy.sock
real_mcproxy=$E2E_MCPROXY
if [ "$mode" = ambient ]; then
  # exec: the PID `ip netns exec` reports stays the daemon's.
  cat >"$E2E_WORK/as-user.sh" <<EOS
#!/bin/sh
exec setpriv --reuid=$uid --regid=$(id -g "$user") --init-groups --inh-caps=-all,+net_admin,+net_raw \
  --ambient-caps=-all,+net_admin,+net_raw --bounding-set=-all,+net_admin,+net_raw "$real_mcproxy" "\$@"
EOS
  chmod 755 "$E2E_WORK/as-user.sh"
  E2E_MCPROXY=$E2E_WORK/as-user.sh
else
  E2E_DAEMON_ARGS="--user $user"
fi

# What the running daemon is: its ids and capabilities from /proc.
eval "original_$(declare -f e2e_start_daemon)"
e2e_start_daemon() {
  original_e2e_start_daemon "$@"
  grep -E '^(Uid|Gid|CapInh|CapPrm|CapEff|CapBnd|CapAmb):' "/proc/$E2E_DAEMON_PID/status" >"$E2E_WORK/status"
  echo "SocketOwner: $(stat -c %u "$E2E_SOCK")" >>"$E2E_WORK/status"
  cat "$E2E_WORK/status"
}
proc_field() { awk -v k="$1:" '$1 == k {print $2}' "$E2E_WORK/status"; }
# CAP_NET_ADMIN is bit 12, CAP_NET_RAW bit 13.
kCaps=0000000000003000

membership_scenario_v4() {
  M_FAMILY=4 M_PROTOCOL=IGMPv3 M_IGMP_HOST=0
  M_REPORT_RE='10\.1\.0\.1 > 224\.0\.0\.22: igmp v3 report.*gaddr 239\.1\.1\.1 (to_ex|is_ex) \{ \}'
  M_LEAVE_RE='10\.1\.0\.1 > 224\.0\.0\.22: igmp v3 report.*gaddr 239\.1\.1\.1 (to_in|is_in) \{ \}'
  membership_scenario
}
membership_scenario_v4

check "the daemon ran as $user (uid $uid), not root" eq "$(proc_field Uid)" "$uid"
check "its effective capabilities were CAP_NET_ADMIN and CAP_NET_RAW only" eq "$(proc_field CapEff)" "$kCaps"
check "its permitted capabilities too" eq "$(proc_field CapPrm)" "$kCaps"
check "and its bounding set" eq "$(proc_field CapBnd)" "$kCaps"
check "the control socket belonged to $user" eq "$(proc_field SocketOwner)" "$uid"

note "without the capabilities the daemon refuses to start (exit 77)"
set +e
lab_exec proxy setpriv --reuid="$uid" --regid="$(id -g "$user")" --init-groups --inh-caps=-all \
  --bounding-set=-all "$real_mcproxy" -f "$E2E_WORK/m.conf" --control-socket "$E2E_SOCK" >"$E2E_WORK/nocaps.log" 2>&1
code=$?
set -e
cat "$E2E_WORK/nocaps.log"
check "exit status 77 (EX_NOPERM) without capabilities" eq "$code" 77
check "the message names the two capabilities" grep -q "CAP_NET_ADMIN and CAP_NET_RAW" "$E2E_WORK/nocaps.log"
if [ "$mode" = user ]; then
  note "--user as a non-root user is refused"
  set +e
  lab_exec proxy setpriv --reuid="$uid" --regid="$(id -g "$user")" --init-groups "$real_mcproxy" -f "$E2E_WORK/m.conf" \
    --user "$user" --control-socket "$E2E_SOCK" >"$E2E_WORK/notroot.log" 2>&1
  code=$?
  set -e
  check "--user without root: exit 77 with a reason" \
    sh -c "[ $code = 77 ] && grep -q 'needs mcproxy to be started as root' '$E2E_WORK/notroot.log'"
  set +e
  lab_exec proxy "$real_mcproxy" -f "$E2E_WORK/m.conf" --user no-such-user-$$ >"$E2E_WORK/nouser.log" 2>&1
  code=$?
  set -e
  check "--user with an unknown user: exit 77" sh -c "[ $code = 77 ] && grep -q 'no such user' '$E2E_WORK/nouser.log'"
fi
e2e_finish
