#!/usr/bin/env bash
# Installs what mcproxy needs to build and test on Debian 12 (run as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
  build-essential cmake pkg-config \
  libboost-dev libboost-thread-dev libtclap-dev liblog4cplus-dev \
  libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev libmnl-dev \
  libsystemd-dev dpkg-dev fakeroot lintian adduser man-db \
  iproute2 procps tshark tcpdump python3 python3-scapy gcovr \
  clang-16 libc++-16-dev libc++abi-16-dev libclang-rt-16-dev  # tests/fuzz: libFuzzer, libc++ (<expected>)
# tests/vm/run.sh: on a kernel without multicast routing, the namespace tests
# run in a qemu guest booting Debian's kernel (downloaded by the script itself).
if [ "$(uname -m)" = x86_64 ]; then
  apt-get install -y --no-install-recommends qemu-system-x86 busybox-static cpio kmod
fi
# tests/perf/compare.sh measures igmpproxy side by side (its smoke run is in ctest); it is
# only started inside the lab namespaces. (smcroute, optional, gives the data-path floor.)
# Its package would start its init script on this machine's own interfaces: a
# policy-rc.d (invoke-rc.d(8)) refuses every start during the install, and
# the service is disabled after it.
if ! dpkg -s igmpproxy >/dev/null 2>&1; then
  policy=/usr/sbin/policy-rc.d
  saved=
  if [ -e "$policy" ]; then saved=$(mktemp); cp -p "$policy" "$saved"; fi
  restore_policy() { if [ -n "$saved" ]; then mv "$saved" "$policy"; else rm -f "$policy"; fi; }
  trap restore_policy EXIT
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  apt-get install -y --no-install-recommends igmpproxy
  restore_policy
  trap - EXIT
fi
update-rc.d igmpproxy disable >/dev/null 2>&1 || true
if [ -d /run/systemd/system ]; then systemctl disable --now igmpproxy >/dev/null 2>&1 || true; fi
