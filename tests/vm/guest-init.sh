#!/bin/bash
# The guest's first process (tests/vm/run.sh): the shared root is mounted by
# the initramfs; this makes the rest of a minimal system, runs the job and
# powers the guest off. Its arguments come on the kernel command line.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
mount -t proc proc /proc
job= repo=
for word in $(cat /proc/cmdline 2>/dev/null || true); do
  case "$word" in
    mcproxy_vm_repo=*) repo=${word#mcproxy_vm_repo=};;
    mcproxy_vm_job=*) job=${word#mcproxy_vm_job=};;
  esac
done
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
# What udev and systemd would make: process substitution needs /dev/fd.
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr
# The guest's own /run and /tmp (network namespace names, sockets, work dirs).
# A repository under one of them (a CI clone in /tmp, say) is bound back.
mkdir -p /dev/shm/.host
mount --bind / /dev/shm/.host
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
case "$repo" in
  /tmp/*|/run/*) mkdir -p "$repo"; mount --bind "/dev/shm/.host$repo" "$repo";;
esac
mkdir -p /run/netns /run/lock
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null || true
# The guest kernel's modules, over the host's /lib/modules in the shared
# root. A host without that directory (a container, a microVM) gives nothing
# to mount over: modprobe, and the kernel's module autoloading, are then
# pointed at them through a wrapper in the guest's own /run.
if [ -d /lib/modules ]; then
  mount --bind "$repo/build/vm/kernel/lib/modules" /lib/modules
else
  mkdir -p /run/vm-bin
  printf '#!/bin/sh\nexec /sbin/modprobe -d %q "$@"\n' "$repo/build/vm/kernel" >/run/vm-bin/modprobe
  chmod 755 /run/vm-bin/modprobe
  echo /run/vm-bin/modprobe >/proc/sys/kernel/modprobe
  export PATH=/run/vm-bin:$PATH
fi
modprobe tun 2>/dev/null || true
hostname mcproxy-vm
ip link set lo up
ulimit -n 65536

rc=125
if [ -n "$job" ] && [ -f "$job/cmd" ]; then
  echo "guest: $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo) MB" >>"$job/log"
  bash "$job/cmd" >>"$job/log" 2>&1 </dev/null
  rc=$?
  echo "$rc" >"$job/rc"
else
  echo "guest: no job on the kernel command line" >/dev/console
fi
sync
echo o >/proc/sysrq-trigger
sleep 60
