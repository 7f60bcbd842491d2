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
exit $fail
