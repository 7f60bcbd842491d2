#!/usr/bin/env bash
# The Debian package on this machine: lintian finds no error, it installs
# with apt (user mcproxy, conffiles, unit), the installed binaries forward in
# a namespace scenario (as root, and as user mcproxy with two capabilities),
# `apt-get remove` leaves only the conffiles and `apt-get purge` nothing.
# Usage: deb.sh PACKAGE.deb   (root; exit 77 = skipped)
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/lab/lab.sh
root=$PWD
deb=$(realpath "$1")
[ "$(id -u)" = 0 ] || { echo "package: needs root (dpkg): skipped"; exit 77; }
if dpkg-query -W -f='${Status}' mcproxy 2>/dev/null | grep -q installed || [ -e /etc/mcproxy ]; then
  echo "package: mcproxy is already installed here (or /etc/mcproxy exists): skipped"; exit 77
fi
fail=0
check() {  # check "MESSAGE" CMD...
  local msg=$1; shift
  if "$@"; then echo "ok   - $msg"; else echo "FAIL - $msg"; fail=1; fi
}
work=$(mktemp -d /tmp/mcpx-deb.XXXXXX)
cleanup() {
  set +e
  dpkg-query -W -f='${Status}' mcproxy 2>/dev/null | grep -qv not-installed &&
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -q mcproxy >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

echo "== $(basename "$deb")"
check "file name is mcproxy_VERSION_ARCH.deb" \
  grep -qE "^mcproxy_[0-9.]+_$(dpkg --print-architecture)\.deb$" <<<"$(basename "$deb")"
dpkg-deb -f "$deb" Depends | tee "$work/depends"
check "dependencies come from shlibdeps (libc6, liblog4cplus)" grep -q "libc6 .*liblog4cplus" "$work/depends"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles >"$work/conffiles"
check "the files in /etc are conffiles" diff <(printf '%s\n' /etc/mcproxy/log4cplus.properties /etc/mcproxy/mcproxy.conf) \
  <(sort "$work/conffiles")
if command -v lintian >/dev/null; then
  lintian --allow-root "$deb" >"$work/lintian" 2>&1 || true
  cat "$work/lintian"
  check "lintian reports no error" sh -c "! grep -q '^E:' '$work/lintian'"
else
  echo "lintian not installed: not run"
fi

echo "== install"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$deb" >"$work/apt.log" 2>&1 ||
  { cat "$work/apt.log"; echo "FAIL - apt-get install"; exit 1; }
dpkg-query -L mcproxy | sort >"$work/files"
check "user mcproxy exists (system user, no login)" sh -c 'getent passwd mcproxy | grep -q ":/nonexistent:/usr/sbin/nologin$"'
check "group mcproxy exists" getent group mcproxy
for f in /usr/sbin/mcproxy /usr/bin/mcproxyctl /etc/mcproxy/mcproxy.conf /etc/mcproxy/log4cplus.properties \
  /lib/systemd/system/mcproxy.service /usr/share/bash-completion/completions/mcproxyctl \
  /usr/share/man/man8/mcproxy.8.gz /usr/share/man/man8/mcproxyctl.8.gz /usr/share/man/man5/mcproxy.conf.5.gz; do
  check "installed: $f" test -e "$f"
done
check "mcproxy --version runs" /usr/sbin/mcproxy --version
check "the packaged configuration is valid but disabled (exit 78)" \
  sh -c '/usr/sbin/mcproxy --check-config >/dev/null 2>&1; [ $? = 78 ]'
check "man finds the installed pages" sh -c 'man -w mcproxy.conf >/dev/null && man -w mcproxyctl >/dev/null'
if command -v systemd-analyze >/dev/null; then
  check "systemd-analyze verify accepts the unit" systemd-analyze verify /lib/systemd/system/mcproxy.service
fi
check "bash completion offers the commands" bash -c \
  'source /usr/share/bash-completion/completions/mcproxyctl; COMP_WORDS=(mcproxyctl sh); COMP_CWORD=1; _mcproxyctl; [ "${COMPREPLY[*]}" = show ]'

echo "== the installed binaries in a namespace scenario"
if lab_kernel_has_mroute; then
  check "e2e igmpv3 with /usr/sbin/mcproxy" bash tests/e2e/igmpv3.sh /usr/sbin/mcproxy /usr/bin/mcproxyctl
  check "e2e unprivileged with /usr/sbin/mcproxy as user mcproxy" \
    bash tests/e2e/unprivileged.sh /usr/sbin/mcproxy /usr/bin/mcproxyctl
else
  echo "   SKIPPED: $LAB_NO_MROUTE"
fi

echo "== remove: only the conffiles stay"
DEBIAN_FRONTEND=noninteractive apt-get remove -y -q mcproxy >"$work/apt.log" 2>&1 ||
  { cat "$work/apt.log"; echo "FAIL - apt-get remove"; exit 1; }
check "status is config-files" sh -c "dpkg-query -W -f='\${Status}' mcproxy | grep -q config-files"
left=$(while read -r f; do [ -e "$f" ] && [ ! -d "$f" ] && echo "$f"; done <"$work/files" || true)
check "left after remove: exactly the conffiles ($(echo $left))" \
  diff <(sort "$work/conffiles") <(printf '%s\n' $left | sort)

echo "== purge: nothing stays"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q mcproxy >"$work/apt.log" 2>&1 ||
  { cat "$work/apt.log"; echo "FAIL - apt-get purge"; exit 1; }
left=$(while read -r f; do [ -e "$f" ] && case $f in /etc/mcproxy* | /usr/share/doc/mcproxy* | *mcproxy*) echo "$f" ;; esac; done <"$work/files" || true)
check "no file of the package left after purge ($(echo $left))" test -z "$left"
check "/etc/mcproxy is gone" test ! -e /etc/mcproxy
check "user mcproxy is gone" sh -c '! getent passwd mcproxy'
check "group mcproxy is gone" sh -c '! getent group mcproxy'
check "dpkg forgot the package" sh -c "! dpkg-query -W -f='\${Status}' mcproxy 2>/dev/null | grep -q ."

[ "$fail" = 0 ] && echo "package: PASS" || echo "package: FAIL"
exit "$fail"
