#!/usr/bin/env python3
"""A point-to-point layer-3 link between two network namespaces, made of two
tun devices and this process copying packets between them: the shape of a
GRE, ip6tnl or PPP link (no link-layer header, no ARP) on kernels that lack
those link types. Usage: tun_wire.py NETNS_A IFNAME_A NETNS_B IFNAME_B
Runs until killed; the devices go with it."""
import ctypes
import fcntl
import os
import select
import struct
import sys

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
CLONE_NEWNET = 0x40000000

libc = ctypes.CDLL(None, use_errno=True)


def enter(netns: str) -> None:
    fd = os.open(f"/run/netns/{netns}", os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {netns}")
    finally:
        os.close(fd)


def tun(name: str) -> int:
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def main() -> int:
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    enter(sys.argv[1])
    a = tun(sys.argv[2])
    enter(sys.argv[3])
    b = tun(sys.argv[4])
    peer = {a: b, b: a}
    print("ready", flush=True)
    while True:
        readable, _, _ = select.select([a, b], [], [])
        for fd in readable:
            try:
                os.write(peer[fd], os.read(fd, 65535))
            except OSError:
                pass  # the other side is down: the packet is lost, as on a wire


if __name__ == "__main__":
    sys.exit(main())
