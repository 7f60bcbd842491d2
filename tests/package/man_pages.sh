#!/usr/bin/env bash
# The manual pages render without a single warning, and name every option of
# `mcproxy --help`, every mcproxyctl command and every configuration option.
# Usage: man_pages.sh MCPROXY MCPROXYCTL  (no root needed)
set -euo pipefail
cd "$(dirname "$0")/../.."
mcproxy=$1 mcproxyctl=$2
fail=0

render() {  # render PAGE: plain text, or fail on any warning
  local warnings
  warnings=$(LC_ALL=C.UTF-8 MANWIDTH=200 man --warnings -E UTF-8 -l "$1" 2>&1 >/dev/null) || true
  if [ -n "$warnings" ]; then
    echo "FAIL $1 renders with warnings:"; echo "$warnings"; fail=1
  fi
  LC_ALL=C.UTF-8 MANWIDTH=200 man -E UTF-8 -l "$1" 2>/dev/null | sed "s/.\x08//g"
}

expect() {  # expect PAGE TEXT WHAT
  if ! grep -qF -- "$2" <<<"$page"; then echo "FAIL $1 does not mention $3 '$2'"; fail=1; fi
}

page=$(render doc/man/mcproxy.8)
for option in $("$mcproxy" --help | grep -oE -- '(^|[ ,[])--[a-z][a-z_-]*' | grep -oE -- '--[a-z_-]+' | sort -u); do
  expect mcproxy.8 "$option" option
done
for word in SIGNALS 'EXIT STATUS' FILES EXAMPLES SIGHUP SIGTERM; do expect mcproxy.8 "$word" section; done

page=$(render doc/man/mcproxyctl.8)
for option in $("$mcproxyctl" --help | grep -oE -- '(^|[ ,[])--[a-z][a-z_-]*' | grep -oE -- '--[a-z_-]+' | sort -u); do
  expect mcproxyctl.8 "$option" option
done
# The commands as `mcproxyctl --help` lists them (after "Commands:").
while read -r first second _; do
  case $second in add|remove|move) expect mcproxyctl.8 "$first $second" command ;; *) expect mcproxyctl.8 "$first" command ;; esac
done < <("$mcproxyctl" --help | sed -n '/Commands:/,$p' | tail -n +2 | grep -v '^[[:space:]]*$')
for what in instances interfaces groups mfc stats; do expect mcproxyctl.8 "$what" "show target"; done
for word in 'EXIT STATUS' FILES EXAMPLES; do expect mcproxyctl.8 "$word" section; done

page=$(render doc/man/mcproxy.conf.5)
# Every option of the grammar in doc/configuration.md (option = "..." | ...).
for option in $(sed -n '/^option  *=/,/;$/p' doc/configuration.md | grep -oE '"[a-z-]+"' | tr -d '"' | sort -u); do
  expect mcproxy.conf.5 "$option" option
done
for word in disable protocol pinstance table whitelist blacklist rulematching static set IGMPv1 MLDv2 \
  FILES EXAMPLES ERRORS; do
  expect mcproxy.conf.5 "$word" statement
done

[ "$fail" = 0 ] && echo "man pages: rendered without warnings, complete"
exit "$fail"
