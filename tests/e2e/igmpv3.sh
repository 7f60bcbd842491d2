#!/usr/bin/env bash
# Issue 1: an IGMPv3 instance with Linux IGMPv3 hosts (membership.inc.sh):
# receive, upstream report, quick leave, no gap for the remaining host, LMQT.
source "$(dirname "$0")/common.sh"
e2e_init v3 "$@"
source "$(dirname "$0")/membership.inc.sh"
M_FAMILY=4 M_PROTOCOL=IGMPv3 M_IGMP_HOST=0
M_REPORT_RE='10\.1\.0\.1 > 224\.0\.0\.22: igmp v3 report.*gaddr 239\.1\.1\.1 (to_ex|is_ex) \{ \}'
M_LEAVE_RE='10\.1\.0\.1 > 224\.0\.0\.22: igmp v3 report.*gaddr 239\.1\.1\.1 (to_in|is_in) \{ \}'
membership_scenario
e2e_finish
