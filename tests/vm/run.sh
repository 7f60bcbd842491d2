#!/usr/bin/env bash
# Runs a command as root in a virtual machine that boots Debian's own kernel,
# for machines whose kernel has no multicast routing (containers, microVMs,
# some CI runners: `mcproxy --check-kernel` exits 69 there and the namespace
# tests skip themselves). Debian's linux-image-amd64 has CONFIG_IP_MROUTE and
# CONFIG_IPV6_MROUTE with multiple tables, and VLAN, dummy, GRE, ip6gre and
# ip6tnl as modules, so in the guest every namespace test runs.
#
#   tests/vm/run.sh CMD [ARG...]   runs CMD in the guest, in this directory;
#                                  exits with CMD's status (125: the guest did
#                                  not run it; 77: no VM possible here)
#   tests/vm/run.sh --check        exits 0 when a VM can run here
#
# The guest's root file system is this machine's, shared over virtio-9p: the
# guest runs the binaries built here and writes its results (logs, coverage
# data) into the build tree. /tmp, /run and /dev/shm are the guest's own; the
# guest has no network interface (the tests make their namespaces inside it).
# The guest runs under qemu's TCG emulation (VM_ACCEL=kvm uses KVM where
# it works): the namespace tests take about as long as on a machine of their
# own, their waits being bounded polls rather than tight timings; CPU-bound
# benchmarks are several times slower there and their figures are not the
# machine's. The kernel package is fetched with
# `apt-get download` and unpacked into build/vm/kernel: nothing is installed
# on this machine, and the host's kernel and modules are not touched.
#
# Needs (tests/install-deps.sh installs them on x86_64): qemu-system-x86,
# busybox-static, cpio, kmod. VM_MEM (8G), VM_CPUS (the machine's), VM_TIMEOUT
# (seconds, 5400), VM_ACCEL (tcg). The variables MCPROXY_*, CI, PERF_*, OVERLOAD_*, and the
# sanitizers' *SAN_OPTIONS reach CMD. Guest console: build/vm/JOB/console.log.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd -P)
vm=$repo/build/vm

unavailable() { echo "tests/vm: $*" >&2; exit 77; }

check_host() {
  [ "$(uname -m)" = x86_64 ] || unavailable "x86_64 only (this machine: $(uname -m))"
  [ "$(id -u)" = 0 ] || unavailable "needs root (the guest shares this machine's root file system)"
  local c
  for c in qemu-system-x86_64 cpio modprobe depmod dpkg-deb apt-get apt-cache; do
    command -v "$c" >/dev/null || unavailable "$c is missing (tests/install-deps.sh installs it)"
  done
  [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 ||
    unavailable "a static /bin/busybox is missing (Debian: busybox-static)"
  case "$repo" in *[[:space:]]*) unavailable "the repository's path has a blank: $repo";; esac
}

# Debian's current kernel image, unpacked; prints its release (e.g. 6.1.0-57-amd64).
prepare_kernel() {
  local image
  image=$(ls "$vm"/kernel/boot/vmlinuz-* 2>/dev/null | head -n 1 || true)
  if [ -z "$image" ]; then
    local pkg
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ {print $2; exit}')
    [ -n "$pkg" ] || unavailable "apt knows no linux-image-amd64 (run apt-get update)"
    rm -rf "$vm/download" "$vm/kernel"
    mkdir -p "$vm/download"
    (cd "$vm/download" && apt-get download "$pkg" >/dev/null 2>&1) || unavailable "apt-get download $pkg failed"
    dpkg-deb -x "$vm"/download/"$pkg"_*.deb "$vm/kernel"
    rm -rf "$vm/download"
    image=$(ls "$vm"/kernel/boot/vmlinuz-* | head -n 1)
  fi
  local release=${image##*/vmlinuz-}
  grep -q '^CONFIG_IP_MROUTE_MULTIPLE_TABLES=y' "$vm/kernel/boot/config-$release" ||
    unavailable "the guest kernel $release has no multicast routing with tables"
  [ -e "$vm/kernel/lib/modules/$release/modules.dep" ] || depmod -b "$vm/kernel" "$release"
  echo "$release"
}

# The initramfs: busybox, the modules that mount the shared root (virtio PCI,
# 9p) and an /init that mounts it and hands over to tests/vm/guest-init.sh.
prepare_initramfs() {  # RELEASE
  local release=$1 out=$vm/initrd-$1.gz
  [ -s "$out" ] && [ "$out" -nt tests/vm/run.sh ] && return 0
  local dir
  dir=$(mktemp -d "$vm/initramfs.XXXXXX")
  mkdir -p "$dir"/{bin,mod,proc,dev,newroot}
  cp /bin/busybox "$dir/bin/"
  local m f
  for m in virtio_pci 9pnet_virtio 9p; do
    modprobe -d "$vm/kernel" -S "$release" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
  done | awk '!seen[$0]++' | while read -r f; do
    cp "$f" "$dir/mod/"
    basename "$f" >>"$dir/mod/order"
  done
  cat >"$dir/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs dev /dev
for m in $(/bin/busybox cat /mod/order); do /bin/busybox insmod "/mod/$m" || echo "initramfs: insmod $m failed"; done
repo=
for word in $(/bin/busybox cat /proc/cmdline); do
  case "$word" in mcproxy_vm_repo=*) repo=${word#mcproxy_vm_repo=};; esac
done
/bin/busybox mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose hostroot /newroot ||
  { echo "initramfs: cannot mount the shared root"; /bin/busybox poweroff -f; }
/bin/busybox umount /proc
/bin/busybox umount /dev
exec /bin/busybox switch_root /newroot /bin/bash "$repo/tests/vm/guest-init.sh"
INIT
  chmod 755 "$dir/init"
  (cd "$dir" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$out.tmp"
  mv "$out.tmp" "$out"
  rm -rf "$dir"
}

check_host
mkdir -p "$vm"
release=$(prepare_kernel)
prepare_initramfs "$release"
[ "${1:-}" = --check ] && exit 0
[ $# -gt 0 ] || { echo "usage: tests/vm/run.sh CMD [ARG...] | --check" >&2; exit 2; }

job=$(mktemp -d "$vm/job.XXXXXX")
{
  echo "cd $(printf '%q' "$repo")"
  # The caller's test settings; everything else is the guest's own.
  declare -px | grep -E '^declare -x (MCPROXY_[A-Z0-9_]*|CI|PERF_[A-Z0-9_]*|OVERLOAD_[A-Z0-9_]*|[A-Z]*SAN_OPTIONS)=' || true
  printf 'exec'; printf ' %q' "$@"; echo
} >"$job/cmd"
: >"$job/log"

# TCG unless told: a /dev/kvm inside a VM may open and still not run a guest
# (nested virtualisation off: the guest hangs or qemu aborts on an MSR).
accel=(-accel tcg,thread=multi -cpu max)
[ "${VM_ACCEL:-tcg}" = kvm ] && accel=(-accel kvm -cpu host)
cpus=${VM_CPUS:-$(nproc)}
echo "== tests/vm: Debian kernel $release in qemu (${accel[1]%%,*}, $cpus CPUs, ${VM_MEM:-8G}): $* =="
qemu-system-x86_64 -machine q35 "${accel[@]}" -smp "$cpus" -m "${VM_MEM:-8G}" \
  -kernel "$vm/kernel/boot/vmlinuz-$release" -initrd "$vm/initrd-$release.gz" \
  -append "console=ttyS0 loglevel=4 panic=-1 mcproxy_vm_repo=$repo mcproxy_vm_job=$job" \
  -display none -monitor none -serial "file:$job/console.log" -no-reboot -nic none \
  -virtfs local,path=/,mount_tag=hostroot,security_model=passthrough,multidevs=remap,id=hostroot \
  </dev/null >"$job/qemu.log" 2>&1 &
qemu=$!
tail --pid="$qemu" -n +1 -F "$job/log" 2>/dev/null &
tailer=$!
deadline=$((SECONDS + ${VM_TIMEOUT:-5400}))
while kill -0 "$qemu" 2>/dev/null; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "tests/vm: the guest did not finish within ${VM_TIMEOUT:-5400} s; stopping it"
    kill "$qemu" 2>/dev/null || true
    break
  fi
  sleep 1
done
wait "$qemu" 2>/dev/null || true
wait "$tailer" 2>/dev/null || true
if [ -s "$job/rc" ]; then
  rc=$(cat "$job/rc")
  [ "$rc" = 0 ] && rm -rf "$job"
  exit "$rc"
fi
echo "tests/vm: the guest did not run the command to its end; qemu and console output ($job):"
tail -n 20 "$job/qemu.log" "$job/console.log" || true
exit 125
