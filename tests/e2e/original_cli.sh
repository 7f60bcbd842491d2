#!/usr/bin/env bash
# Issue 13: the original mcproxy's command line runs the daemon with its
# meaning: `mcproxy -r -dsvv -f FILE` turns rp_filter off on the configured
# interfaces (and "all") and back at exit, logs at trace level, and prints
# the status tables on stdout repeatedly (-s).
source "$(dirname "$0")/common.sh"
e2e_init ocli "$@"
lab_proxy_topology || fatal "cannot build the lab"
cat >"$E2E_WORK/o.conf" <<EOF2
protocol IGMPv3;
pinstance myProxy: up0 ==> lan0;
EOF2
rp() { lab_exec proxy cat "/proc/sys/net/ipv4/conf/$1/rp_filter"; }
lab_exec proxy sysctl -qw net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.up0.rp_filter=2 net.ipv4.conf.lan0.rp_filter=1
E2E_DAEMON_ARGS="-r -dsvv"
e2e_start_daemon "$E2E_WORK/o.conf"
check "rp_filter of up0 is 0 while running" eq "$(rp up0)" 0
check "rp_filter of lan0 is 0 while running" eq "$(rp lan0)" 0
check "rp_filter of all is 0 while running" eq "$(rp all)" 0
check "rp_filter of lan1 (not configured) is untouched" eq "$(rp lan1)" "$(lab_exec proxy sysctl -n net.ipv4.conf.default.rp_filter)"
check "-s prints the interfaces table" wait_until 10 grep -q "^## interfaces" "$E2E_LOG"
check "-s prints the groups table" wait_until 10 grep -q "^## groups" "$E2E_LOG"
check "-s names the instance's interfaces" grep -qE "myProxy.*up0|up0.*myProxy" "$E2E_LOG"
e2e_stop_daemon
check "mcproxy exits 0 after SIGTERM" eq "$E2E_DAEMON_EXIT" 0
check "rp_filter of up0 is restored (2)" eq "$(rp up0)" 2
check "rp_filter of lan0 is restored (1)" eq "$(rp lan0)" 1
check "rp_filter of all is restored (1)" eq "$(rp all)" 1
e2e_finish
