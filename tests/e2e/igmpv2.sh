#!/usr/bin/env bash
# Issue 2: Linux IGMPv2 hosts (force_igmp_version 2), first under an IGMPv3
# instance (the querier falls back per group, RFC 3376 §7.3.2; the upstream
# still gets IGMPv3 reports), then under an IGMPv2 instance (v2 reports and a
# v2 Leave upstream). Same checks as igmpv3.sh (membership.inc.sh).
source "$(dirname "$0")/common.sh"
e2e_init v2 "$@"
source "$(dirname "$0")/membership.inc.sh"
M_FAMILY=4 M_IGMP_HOST=2
case "${E2E_V2_INSTANCE:-both}" in
  v3|both)
    note "=== IGMPv2 hosts, IGMPv3 instance"
    M_PROTOCOL=IGMPv3
    M_REPORT_RE='10\.1\.0\.1 > 224\.0\.0\.22: igmp v3 report.*gaddr 239\.1\.1\.1 (to_ex|is_ex) \{ \}'
    M_LEAVE_RE='10\.1\.0\.1 > 224\.0\.0\.22: igmp v3 report.*gaddr 239\.1\.1\.1 (to_in|is_in) \{ \}'
    membership_scenario
    # A fresh lab for the second run.
    lab_teardown
    lab_init "mcpx-v2b-$$"
    trap e2e_teardown EXIT
    E2E_DAEMON_PID=
    ;;
esac
case "${E2E_V2_INSTANCE:-both}" in
  v2|both)
    note "=== IGMPv2 hosts, IGMPv2 instance"
    M_PROTOCOL=IGMPv2
    M_REPORT_RE='10\.1\.0\.1 > 239\.1\.1\.1: igmp v2 report 239\.1\.1\.1'
    M_LEAVE_RE='10\.1\.0\.1 > 224\.0\.0\.2: igmp leave 239\.1\.1\.1'
    membership_scenario
    ;;
esac
e2e_finish
