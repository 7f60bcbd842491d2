#!/usr/bin/env python3
"""Multicast traffic for the namespace labs: a sender and a receiver that use the
kernel's own host stack (so joins are real IGMP/MLD reports from Linux).

  mcast.py send GROUP PORT --rate PPS --count N [--ttl T] [--iface IF] [--source ADDR]
  mcast.py recv GROUP PORT --seconds S [--source SRC] [--iface IF] [--out FILE]
  mcast.py joinmany FIRST COUNT --seconds S [--iface IF]
  mcast.py query --iface IF [--version 2|3] [--max-resp-ms MS]

send --source sends from that local address (a second sender on one host).
recv joins GROUP (source-specific when --source is given), counts datagrams for
S seconds, then prints one JSON line {"received": n, "first": t, "last": t,
"sources": [...], "per_source": {src: n}, "first_per_source": {src: t}, "seq_min": i, "seq_max": i,
"missing": m, "gaps": [[from, to, t], ...]} (times in seconds since the epoch;
`missing` counts the sequence numbers absent between seq_min and seq_max of the
busiest source: a gap in the stream; `gaps` lists every run of absent
numbers, each with the arrival time t of the datagram after it) and, with
--out, writes it.
joinmany joins COUNT consecutive IPv4 groups from FIRST on one socket and holds
them for S seconds (raise net.ipv4.igmp_max_memberships beyond 20 first).
query sends one IPv4 IGMP General Query (IGMPv3, or IGMPv2 with --version 2)
to 224.0.0.1 on IF with TTL 1 and the Router Alert option, like a querier.
Every wait is bounded; nothing here runs without --seconds / --count.
"""
import argparse
import ipaddress
import json
import os
import select
import signal
import socket
import struct
import sys
import time


def ifindex(name):
    return socket.if_nametoindex(name) if name else 0


def send(a):
    fam = socket.AF_INET6 if ipaddress.ip_address(a.group).version == 6 else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if a.source:
        s.bind((a.source, 0))
    if fam == socket.AF_INET:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, a.ttl)
        if a.source:
            s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(a.source))
        if a.iface:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.iface.encode())
    else:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, a.ttl)
        if a.iface:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex(a.iface))
    interval = 1.0 / a.rate
    start = time.monotonic()
    for i in range(a.count):
        payload = struct.pack("!Id", i, time.time())
        try:
            s.sendto(payload, (a.group, a.port))
        except OSError as e:  # e.g. no route yet: keep the pace, report at the end
            print(f"send error: {e}", file=sys.stderr)
        delay = start + (i + 1) * interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)


def recv(a):
    v6 = ipaddress.ip_address(a.group).version == 6
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::" if v6 else "0.0.0.0", a.port))
    idx = ifindex(a.iface)
    if v6:
        if a.source:
            MCAST_JOIN_SOURCE_GROUP = 46
            req = struct.pack("I4x", idx) + sockaddr_storage6(a.group) + sockaddr_storage6(a.source)
            s.setsockopt(socket.IPPROTO_IPV6, MCAST_JOIN_SOURCE_GROUP, req)
        else:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
                         socket.inet_pton(socket.AF_INET6, a.group) + struct.pack("I", idx))
    else:
        local = "0.0.0.0"
        if a.iface:
            import fcntl
            SIOCGIFADDR = 0x8915
            res = fcntl.ioctl(s.fileno(), SIOCGIFADDR, struct.pack("256s", a.iface.encode()))
            local = socket.inet_ntoa(res[20:24])
        if a.source:
            IP_ADD_SOURCE_MEMBERSHIP = 39
            req = socket.inet_aton(a.group) + socket.inet_aton(local) + socket.inet_aton(a.source)
            s.setsockopt(socket.IPPROTO_IP, IP_ADD_SOURCE_MEMBERSHIP, req)
        else:
            req = socket.inet_aton(a.group) + socket.inet_aton(local)
            s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, req)
    deadline = time.monotonic() + a.seconds
    n, first, last, sources = 0, None, None, set()
    per_source, seqs, first_per_source = {}, {}, {}

    # SIGTERM ends the wait early and the summary is still written: the
    # signal only wakes the select below (through the wakeup pipe), so it can
    # never cut the counting of a datagram short.
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGTERM, lambda *_: None)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([s, wake_r], [], [], left)
        if wake_r in r:
            break
        if not r:
            continue
        data, addr = s.recvfrom(2048)
        now = time.time()
        per_source[addr[0]] = per_source.get(addr[0], 0) + 1
        first_per_source.setdefault(addr[0], now)
        if len(data) >= 4:
            seqs.setdefault(addr[0], {}).setdefault(struct.unpack("!I", data[:4])[0], now)
        n += 1
        first = first or now
        last = now
        sources.add(addr[0])
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the summary is written whole
    first_seqs = seqs[max(seqs, key=lambda k: len(seqs[k]))] if seqs else {}
    lo, hi = (min(first_seqs), max(first_seqs)) if first_seqs else (None, None)
    missing = (hi - lo + 1 - len(first_seqs)) if first_seqs else 0
    ordered = sorted(first_seqs)
    gaps = [[p + 1, q - 1, first_seqs[q]] for p, q in zip(ordered, ordered[1:]) if q > p + 1]
    out = json.dumps({"received": n, "first": first, "last": last, "sources": sorted(sources),
                      "per_source": per_source, "first_per_source": first_per_source, "seq_min": lo, "seq_max": hi, "missing": missing,
                      "gaps": gaps})
    print(out, flush=True)
    if a.out:
        with open(a.out, "w") as f:
            f.write(out + "\n")


def joinmany(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    local = "0.0.0.0"
    if a.iface:
        import fcntl
        SIOCGIFADDR = 0x8915
        res = fcntl.ioctl(s.fileno(), SIOCGIFADDR, struct.pack("256s", a.iface.encode()))
        local = socket.inet_ntoa(res[20:24])
    first = int(ipaddress.ip_address(a.first))
    for i in range(a.count):
        req = socket.inet_aton(str(ipaddress.ip_address(first + i))) + socket.inet_aton(local)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, req)
    time.sleep(a.seconds)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def query(a):
    code = min(255, a.max_resp_ms // 100)  # tenths of a second; linear below 128 (RFC 3376 §4.1.1)
    if a.version == 2:
        msg = struct.pack("!BBH4s", 0x11, code, 0, socket.inet_aton("0.0.0.0"))
    else:  # QRV 2, QQIC 125 s, no sources
        msg = struct.pack("!BBH4sBBH", 0x11, min(code, 127), 0, socket.inet_aton("0.0.0.0"), 2, 125, 0)
    msg = msg[:2] + struct.pack("!H", checksum(msg)) + msg[4:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IGMP)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.iface.encode())
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, b"\x94\x04\x00\x00")  # Router Alert (RFC 2113)
    s.sendto(msg, ("224.0.0.1", 0))


def sockaddr_storage6(addr):
    sa = struct.pack("HH4x", socket.AF_INET6, 0) + socket.inet_pton(socket.AF_INET6, addr) + struct.pack("I", 0)
    return sa + b"\0" * (128 - len(sa))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    ps = sub.add_parser("send")
    ps.add_argument("group"); ps.add_argument("port", type=int)
    ps.add_argument("--rate", type=float, default=50); ps.add_argument("--count", type=int, required=True)
    ps.add_argument("--ttl", type=int, default=16); ps.add_argument("--iface")
    ps.add_argument("--source")
    pr = sub.add_parser("recv")
    pr.add_argument("group"); pr.add_argument("port", type=int)
    pr.add_argument("--seconds", type=float, required=True); pr.add_argument("--source")
    pr.add_argument("--iface"); pr.add_argument("--out")
    pj = sub.add_parser("joinmany")
    pj.add_argument("first"); pj.add_argument("count", type=int)
    pj.add_argument("--seconds", type=float, required=True); pj.add_argument("--iface")
    pq = sub.add_parser("query")
    pq.add_argument("--iface", required=True); pq.add_argument("--version", type=int, default=3)
    pq.add_argument("--max-resp-ms", type=int, default=1000)
    a = p.parse_args()
    {"send": send, "recv": recv, "joinmany": joinmany, "query": query}[a.cmd](a)


if __name__ == "__main__":
    main()
