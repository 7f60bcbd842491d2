#!/usr/bin/env bash
# The main job: installs the dependencies (Debian 12, root), builds, and runs
# a self-contained demo in network namespaces:
#
#   src --up0-- [mcproxy] --lan0-- switch -- rx1, rx2
#                         --lan1-- rx3
#
# rx1 and rx2 join 239.1.1.1, rx3 joins 232.1.1.1 from 10.1.0.2 only (SSM);
# src streams to both groups, rx2 leaves during the stream; the script prints
# what each receiver got, the daemon's view (mcproxyctl show ...), and tears
# the lab down.
# MCPROXY_DEMO_NO_INSTALL=1 skips the package installation. On a kernel
# without multicast routing the demo runs in a VM booting Debian's kernel
# (tests/vm/run.sh; MCPROXY_VM=0 turns that off).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
[ "$(id -u)" = 0 ] || { echo "demo.sh: run as root (network namespaces, multicast routing)"; exit 77; }
if [ "${MCPROXY_DEMO_BUILT:-0}" != 1 ]; then
  [ "${MCPROXY_DEMO_NO_INSTALL:-0}" = 1 ] || bash tests/install-deps.sh >/dev/null
  cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMCPROXY_TESTS=OFF >/dev/null
  cmake --build build/release -j"$(nproc)" --target mcproxy mcproxyctl >/dev/null
fi
bin=$root/build/release/bin

source tests/lab/lab.sh
if ! lab_kernel_has_mroute; then
  if [ "${MCPROXY_VM:-1}" != 0 ] && bash tests/vm/run.sh --check; then
    echo "demo.sh: $LAB_NO_MROUTE; the demo runs in a VM booting Debian's kernel (tests/vm/run.sh)"
    exec bash tests/vm/run.sh env MCPROXY_DEMO_BUILT=1 bash tests/demo.sh
  fi
  echo "demo.sh: built build/release/bin/mcproxy, but $LAB_NO_MROUTE: the demo cannot run on this machine" >&2
  exit 77
fi
lab_init "mcpx-demo$$"
work=$(mktemp -d)
trap 'lab_teardown; rm -rf "$work"' EXIT
lab_proxy_topology
sock=$work/mcproxy.sock
ctl() { "$bin/mcproxyctl" --socket "$sock" "$@"; }

echo "== starting mcproxy with conf/demo.conf in namespace $LAB_PREFIX-proxy"
lab_bg proxy "$bin/mcproxy" -f conf/demo.conf --control-socket "$sock" -v
daemon=$LAB_LAST_PID
wait_until 5 test -S "$sock" || { echo "mcproxy did not start"; exit 1; }
ctl show instances

echo "== receivers join: rx1, rx2 -> 239.1.1.1; rx3 -> (10.1.0.2, 232.1.1.1)"
py="python3 $root/tests/lab/mcast.py"
# Each receiver listens until it is told to stop (SIGTERM) or 60 s have passed.
lab_bg rx1 $py recv 239.1.1.1 5001 --seconds 60 --iface eth0 --out "$work/rx1" >/dev/null
rx1=$LAB_LAST_PID
lab_bg rx2 $py recv 239.1.1.1 5001 --seconds 60 --iface eth0 --out "$work/rx2" >/dev/null
rx2=$LAB_LAST_PID
lab_bg rx3 $py recv 232.1.1.1 5002 --seconds 60 --iface eth0 --source 10.1.0.2 --out "$work/rx3" >/dev/null
rx3=$LAB_LAST_PID
knows_groups() { local g; g=$(ctl show groups); [[ $g == *239.1.1.1* && $g == *232.1.1.1* ]]; }
wait_until 15 knows_groups || echo "(the daemon does not know both groups yet)"
echo "== src streams 50 packets/s for 5 s to each group (rx2 leaves after about 2 s)"
lab_bg src $py send 239.1.1.1 5001 --rate 50 --count 250
send1=$LAB_LAST_PID
lab_bg src $py send 232.1.1.1 5002 --rate 50 --count 250
send2=$LAB_LAST_PID
forwarding() { local m; m=$(ctl show mfc); [[ $m == *239.1.1.1* && $m == *232.1.1.1* ]]; }
wait_until 15 forwarding || echo "(no forwarding entries yet)"
sleep 1
echo "== the daemon's view while streaming"
ctl show interfaces
ctl show groups
ctl show mfc
kill -TERM "$rx2"
wait_until 30 sh -c "! kill -0 $send1 && ! kill -0 $send2" || echo "(the senders did not finish in 30 s)"
sleep 0.5
kill -TERM "$rx1" "$rx3" 2>/dev/null || true
wait_until 10 test -s "$work/rx1" -a -s "$work/rx2" -a -s "$work/rx3"
echo "== what the receivers got (250 sent per group)"
for r in rx1 rx2 rx3; do printf '%s: %s\n' "$r" "$(cat "$work/$r")"; done
echo "== rx1 stayed after rx2 left (explicit tracking): $(python3 -c "import json;print('yes' if json.load(open('$work/rx1'))['received']>=240 else 'NO')")"
echo "== stopping mcproxy; the kernel tables are empty afterwards"
kill -TERM "$daemon"
wait_until 5 sh -c "! kill -0 $daemon" || echo "mcproxy did not stop in 5 s"
lab_exec proxy ip mroute show table all || true
lab_exec proxy ip mrule show
