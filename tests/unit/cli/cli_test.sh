#!/usr/bin/env bash
# cli_test.sh MCPROXY SOURCE_DIR: the command line's contract (sysexits(3)).
set -u
mcproxy=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
expect() {  # expect CODE DESCRIPTION CMD...
  local want=$1 what=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" = "$want" ]; then echo "ok   - $what"; else echo "FAIL - $what: exit $got, want $want"; cat "$tmp/err"; fail=1; fi
}
for f in "$src"/conf/*.conf; do
  expect 0 "--check-config $(basename "$f")" "$mcproxy" --check-config -f "$f"
done
printf 'protocol IGMPv3;\npinstance a: up0 ==> lan0;\npinstance a query-interval 0s;\npinstance b: lan0 ==> lan9;\n' >"$tmp/bad.conf"
expect 78 "--check-config on a broken file is EX_CONFIG" "$mcproxy" --check-config -f "$tmp/bad.conf"
grep -qE "^$tmp/bad.conf:3:[0-9]+: " "$tmp/err" && echo "ok   - errors carry FILE:LINE:COL" || { echo "FAIL - no FILE:LINE:COL in:"; cat "$tmp/err"; fail=1; }
[ "$(grep -c "^$tmp/bad.conf:[0-9]*:[0-9]*: " "$tmp/err")" -ge 2 ] && echo "ok   - every error of the file is reported" || { echo "FAIL - expected several errors"; fail=1; }
expect 66 "--check-config on a missing file is EX_NOINPUT" "$mcproxy" --check-config -f "$tmp/none.conf"
expect 64 "an unknown option is EX_USAGE" "$mcproxy" --no-such-option
expect 0 "--version" "$mcproxy" --version
expect 0 "--help" "$mcproxy" --help

# The original mcproxy's command line (its README and `mcproxy -h`):
#   mcproxy -c | mcproxy -h | mcproxy [-r] [-d] [-s] [-v [-v]] [-f <config file>]
# The README's configuration (protocol IGMPv3; pinstance myProxy: vlan2 ==> vlan100;)
# and a disabled one, so that nothing starts even when the test runs as root.
printf 'protocol IGMPv3; #IPv4\n\npinstance myProxy: vlan2 ==> vlan100;\n' >"$tmp/readme.conf"
printf 'disable;\nprotocol IGMPv3;\npinstance myProxy: vlan2 ==> vlan100;\n' >"$tmp/disabled.conf"
expect 0 "mcproxy -h" "$mcproxy" -h
for flag in -c -r -d -s -v -f; do
  grep -q -- "$flag" "$tmp/out" && echo "ok   - -h lists $flag" || { echo "FAIL - -h does not list $flag"; fail=1; }
done
"$mcproxy" -c >"$tmp/out" 2>"$tmp/err"; got=$?
if { [ $got = 0 ] || [ $got = 69 ]; } && grep -qi "multicast routing" "$tmp/out"; then echo "ok   - mcproxy -c reports the kernel's features (exit $got)"
else echo "FAIL - mcproxy -c: exit $got"; cat "$tmp/out" "$tmp/err"; fail=1; fi
expect 78 "mcproxy -dsvv -f FILE parses (a disabled file stops before anything runs)" "$mcproxy" -dsvv -f "$tmp/disabled.conf"
grep -q "disable" "$tmp/err" && echo "ok   - ... and says why" || { echo "FAIL - no word of disable"; cat "$tmp/err"; fail=1; }
expect 78 "mcproxy -r -d -s -v -v -f FILE (separate flags)" "$mcproxy" -r -d -s -v -v -f "$tmp/disabled.conf"
expect 0 "mcproxy -dsvv --check-config -f README's file" "$mcproxy" -dsvv --check-config -f "$tmp/readme.conf"
expect 64 "mcproxy -x (unknown flag) is EX_USAGE" "$mcproxy" -x

# Migration from igmpproxy: the translation passes --check-config; exit codes
# 0 (complete), 1 (printed, some settings without equivalent), 65, 66.
for f in "$src"/tests/fixtures/igmpproxy/*.conf; do
  expect 0 "--from-igmpproxy $(basename "$f")" "$mcproxy" --from-igmpproxy "$f"
  cp "$tmp/out" "$tmp/imported.conf"
  expect 0 "... its output passes --check-config" "$mcproxy" --check-config -f "$tmp/imported.conf"
done
printf 'phyint eth0 upstream\nphyint eth1 downstream ratelimit 10\n' >"$tmp/rate.conf"
expect 1 "--from-igmpproxy with a setting without equivalent exits 1" "$mcproxy" --from-igmpproxy "$tmp/rate.conf"
grep -q "^$tmp/rate.conf:2: not translated: ratelimit 10" "$tmp/err" && echo "ok   - ... and names it as FILE:LINE:" || { echo "FAIL - no FILE:LINE: for ratelimit"; cat "$tmp/err"; fail=1; }
cp "$tmp/out" "$tmp/imported.conf"
expect 0 "... its output still passes --check-config" "$mcproxy" --check-config -f "$tmp/imported.conf"
printf 'phyint eth0 upstream\nfastleave\n' >"$tmp/bad-igmpproxy.conf"
expect 65 "--from-igmpproxy on a file igmpproxy refuses is EX_DATAERR" "$mcproxy" --from-igmpproxy "$tmp/bad-igmpproxy.conf"
[ ! -s "$tmp/out" ] && echo "ok   - ... and prints nothing on stdout" || { echo "FAIL - output on a refused file"; fail=1; }
expect 66 "--from-igmpproxy on a missing file is EX_NOINPUT" "$mcproxy" --from-igmpproxy "$tmp/none.conf"
if [ -r /etc/igmpproxy.conf ]; then  # igmpproxy installed: its example as the package has it
  "$mcproxy" --from-igmpproxy /etc/igmpproxy.conf >"$tmp/etc.conf" 2>/dev/null
  expect 0 "--from-igmpproxy /etc/igmpproxy.conf passes --check-config" "$mcproxy" --check-config -f "$tmp/etc.conf"
fi
exit $fail
