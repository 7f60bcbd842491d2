#!/usr/bin/env bash
# A PMIPv6 handover with mcproxyctl in a namespace lab (doc/pmipv6-handover.md):
#
#   lma1 (2001:db8:1::2) --up0-- [mag: mcproxy] --up1-- lma2 (2001:db8:4::2)
#                                      |lan0
#                                      mn (the mobile node, joins ff0e::8000:7)
#
# Both LMAs stream ff0e::8000:7. The mobile node starts under instance lma1,
# then `mcproxyctl interface move lan0 lma1 lma2` hands its link over; the
# script prints from which LMA the node received what, and when.
# Usage: doc/pmipv6-handover.sh [BINDIR]   (default build/release/bin; root)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=${1:-$root/build/release/bin}
[ "$(id -u)" = 0 ] || { echo "pmipv6-handover.sh: run as root (network namespaces)"; exit 77; }
[ -x "$bin/mcproxy" ] || { echo "no $bin/mcproxy: build first (see doc/operations.md) or pass BINDIR"; exit 1; }
source tests/lab/lab.sh
lab_init "mcpx-pmip$$"
work=$(mktemp -d)
trap 'lab_teardown; rm -rf "$work"' EXIT

for n in lma1 lma2 mag mn sw; do lab_ns "$n"; done
lab_link lma1 eth0 mag up0
lab_link lma2 eth0 mag up1
lab_link mag lan0 mn eth0
lab_link mag lan1 sw p0          # other downstreams, unused here
lab_link mag lan2 sw p1
lab_addr lma1 eth0 2001:db8:1::2/64
lab_addr lma2 eth0 2001:db8:4::2/64
lab_addr mag up0 2001:db8:1::1/64
lab_addr mag up1 2001:db8:4::1/64
lab_addr mag lan0 2001:db8:2::1/64
lab_addr mn eth0 2001:db8:2::11/64
lab_exec mag sysctl -qw net.ipv6.conf.all.forwarding=1
sleep 1   # link-local addresses

sock=$work/mcproxy.sock
ctl() { "$bin/mcproxyctl" --socket "$sock" "$@"; }
echo "== mcproxy with conf/pmipv6-demo.conf in the MAG"
ip netns exec "$LAB_PREFIX-mag" "$bin/mcproxy" -f conf/pmipv6-demo.conf --control-socket "$sock" -v 2>"$work/mcproxy.log" &
daemon=$!
LAB_PIDS+=("$daemon")
wait_until 5 test -S "$sock" || { echo "mcproxy did not start"; cat "$work/mcproxy.log"; exit 1; }
sleep 0.5
ctl show instances

py="python3 $root/tests/lab/mcast.py"
echo "== the mobile node joins ff0e::8000:7; both LMAs stream it (50 packets/s)"
lab_bg mn $py recv ff0e::8000:7 5000 --seconds 9 --iface eth0 --out "$work/mn.json" >/dev/null
sleep 0.5
lab_bg lma1 $py send ff0e::8000:7 5000 --rate 50 --count 450 --iface eth0
lab_bg lma2 $py send ff0e::8000:7 5000 --rate 50 --count 450 --iface eth0
sleep 3
ctl show groups
ctl show mfc
lab_exec mag ip -6 mroute show table all
echo "== handover: mcproxyctl interface move lan0 lma1 lma2"
moved=$(echo "$EPOCHREALTIME" | tr , .)
ctl interface move lan0 lma1 lma2
sleep 1.5
ctl show instances
ctl show groups lma2
ctl show mfc
wait_until 10 test -s "$work/mn.json"
python3 - "$work/mn.json" "$moved" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); moved = float(sys.argv[2])
names = {"2001:db8:1::2": "LMA 1", "2001:db8:4::2": "LMA 2"}
for src, n in sorted(d["per_source"].items()):
    print(f"{names.get(src, src)}: {n} packets, first at move {d['first_per_source'][src] - moved:+.3f} s")
PY
[ -n "${PMIP_DEMO_LOG:-}" ] && cat "$work/mcproxy.log"
kill -TERM "$daemon"
wait_until 5 sh -c "! kill -0 $daemon" || echo "mcproxy did not stop in 5 s"
