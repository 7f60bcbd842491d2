#!/usr/bin/env bash
# Issue 3: an MLDv2 instance over IPv6 with Linux MLDv2 hosts, then with MLDv1
# hosts (force_mld_version 1); groups ff0e::8000:1/2 from 2001:db8:1::2. Same
# checks as igmpv3.sh (membership.inc.sh); the upstream sees MLDv2 reports.
source "$(dirname "$0")/common.sh"
e2e_init mld "$@"
source "$(dirname "$0")/membership.inc.sh"
M_FAMILY=6 M_PROTOCOL=MLDv2
M_REPORT_RE='fe80::[0-9a-f:]+ > ff02::16: .*multicast listener report v2.*gaddr ff0e::8000:1 (to_ex|is_ex) \{ \}'
M_LEAVE_RE='fe80::[0-9a-f:]+ > ff02::16: .*multicast listener report v2.*gaddr ff0e::8000:1 (to_in|is_in) \{ \}'
note "=== MLDv2 hosts"
M_MLD_HOST=0
membership_scenario
lab_teardown
lab_init "mcpx-mldb-$$"
trap e2e_teardown EXIT
E2E_DAEMON_PID=
note "=== MLDv1 hosts"
M_MLD_HOST=1
# MLDv1 Done messages go to ff02::2 (RFC 2710 §4): the daemon joins it itself,
# so IPv6 forwarding stays off here (with it on, the kernel would join too).
membership_scenario
e2e_finish
