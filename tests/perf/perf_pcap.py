#!/usr/bin/env python3
"""Reads the captures of the performance labs (tcpdump -w, nanosecond or
microsecond pcap, Ethernet or Linux cooked) and computes what the scripts
report. Standard library only.

  perf_pcap.py join  LAN.pcap GROUP_BASE GROUPS
      per group: first host report joining it on the downstream wire, first
      UDP packet to it forwarded there afterwards; latency = difference.
  perf_pcap.py leave LAN.pcap GROUP_BASE GROUPS [UP.pcap]
      per group: the host's leave (IGMPv3 TO_IN({}) / IGMPv2 leave) and the
      last UDP packet to it forwarded afterwards; latency = difference. With
      UP.pcap, groups whose stream ended before forwarding did are left out.
  perf_pcap.py scale LAN.pcap UP.pcap GROUP_BASE GROUPS
      reports sent downstream (hosts) vs. distinct groups the proxy reported
      upstream, and when the last new group appeared upstream.

Prints one JSON object: latencies in milliseconds with median/p90/max.
"""
import ipaddress
import json
import struct
import sys

IGMP_V2_REPORT, IGMP_V2_LEAVE, IGMP_V3_REPORT, IGMP_V1_REPORT = 0x16, 0x17, 0x22, 0x12
JOIN_TYPES = {2, 4}   # MODE_IS_EXCLUDE, CHANGE_TO_EXCLUDE_MODE
LEAVE_TYPE = 3        # CHANGE_TO_INCLUDE_MODE (with no sources: leave)


def packets(path):
    """Yields (time_seconds, ipv4_bytes) for every IPv4 packet in the capture."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        endian = "<"
    else:
        endian = ">"
        magic = struct.unpack(">I", data[:4])[0]
    scale = 1e-9 if magic == 0xA1B23C4D else 1e-6
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(endian + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        t = sec + frac * scale
        if linktype == 1:  # Ethernet
            etype, ip = struct.unpack("!H", frame[12:14])[0], frame[14:]
            if etype == 0x8100:
                etype, ip = struct.unpack("!H", frame[16:18])[0], frame[18:]
        elif linktype == 113:  # Linux cooked v1
            etype, ip = struct.unpack("!H", frame[14:16])[0], frame[16:]
        elif linktype == 276:  # Linux cooked v2
            etype, ip = struct.unpack("!H", frame[0:2])[0], frame[20:]
        else:
            continue
        if etype == 0x0800 and len(ip) >= 20:
            yield t, ip


def classify(ip):
    """('udp', group) | ('join'|'leave', group) per record | () for anything else."""
    ihl = (ip[0] & 0x0F) * 4
    proto = ip[9]
    src = str(ipaddress.IPv4Address(ip[12:16]))
    dst = ipaddress.IPv4Address(ip[16:20])
    body = ip[ihl:]
    if proto == 17 and dst.is_multicast:
        return [("udp", int(dst), src)]
    if proto != 2 or not body:
        return []
    t = body[0]
    out = []
    if t in (IGMP_V1_REPORT, IGMP_V2_REPORT) and len(body) >= 8:
        out.append(("join", int(ipaddress.IPv4Address(body[4:8])), src))
    elif t == IGMP_V2_LEAVE and len(body) >= 8:
        out.append(("leave", int(ipaddress.IPv4Address(body[4:8])), src))
    elif t == IGMP_V3_REPORT and len(body) >= 8:
        n = struct.unpack("!H", body[6:8])[0]
        p = 8
        for _ in range(n):
            if p + 8 > len(body):
                break
            rtype, aux, nsrc = body[p], body[p + 1], struct.unpack("!H", body[p + 2:p + 4])[0]
            group = int(ipaddress.IPv4Address(body[p + 4:p + 8]))
            if rtype in JOIN_TYPES:
                out.append(("join", group, src))
            elif rtype == LEAVE_TYPE and nsrc == 0:
                out.append(("leave", group, src))
            p += 8 + 4 * nsrc + 4 * aux
    return out


def stats(values):
    v = sorted(values)
    if not v:
        return {"n": 0}
    def pct(p):
        return v[min(len(v) - 1, int(round(p * (len(v) - 1))))]
    return {"n": len(v), "min": round(v[0], 3), "median": round(pct(0.5), 3), "p90": round(pct(0.9), 3),
            "max": round(v[-1], 3)}


def events(path, base, count):
    lo = int(ipaddress.IPv4Address(base))
    for t, ip in packets(path):
        for kind, group, src in classify(ip):
            if lo <= group < lo + count:
                yield t, kind, group - lo, src


def join(path, base, count):
    report, first = {}, {}
    for t, kind, g, _src in events(path, base, count):
        if kind == "join" and g not in report:
            report[g] = t
        elif kind == "udp" and g in report and g not in first:
            first[g] = t
    lat = [(first[g] - report[g]) * 1e3 for g in first]
    return {"groups": count, "joins_seen": len(report), "forwarded": len(first), "latency_ms": stats(lat)}


def leave(path, base, count, up_path=None):
    """With the upstream capture, a sample counts only if the stream still
    arrived upstream 10 ms after the last forwarded packet (forwarding
    stopped, not the stream)."""
    joined, leave_at, last = set(), {}, {}
    for t, kind, g, _src in events(path, base, count):
        if kind == "join":
            joined.add(g)
        elif kind == "leave" and g in joined and g not in leave_at:
            leave_at[g] = t
        elif kind == "udp":
            last[g] = t
    up_last = {}
    if up_path:
        for t, kind, g, _src in events(up_path, base, count):
            if kind == "udp":
                up_last[g] = t
    valid = [g for g in leave_at if g in last and (not up_path or up_last.get(g, 0) > last[g] + 0.010)]
    lat = [(last[g] - leave_at[g]) * 1e3 for g in valid]
    return {"groups": count, "leaves_seen": len(leave_at), "invalid_stream_ended": len(leave_at) - len(valid),
            "latency_ms": stats(lat)}


def scale(lan, up, base, count):
    host_reports, last_down = 0, None
    first_down = None
    for t, kind, _g, _src in events(lan, base, count):
        if kind == "join":
            host_reports += 1
            first_down = t if first_down is None else first_down
            last_down = t
    seen, last_new, up_reports = set(), None, 0
    up_packets = 0
    for t, ip in packets(up):
        recs = [r for r in classify(ip) if r[0] == "join"]
        if not recs:
            continue
        up_packets += 1
        for _kind, group, _src in recs:
            g = group - int(ipaddress.IPv4Address(base))
            if 0 <= g < count and g not in seen:
                seen.add(g)
                last_new = t
        up_reports += len(recs)
    return {
        "groups": count,
        "host_reports_seen_downstream": host_reports,
        "downstream_duration_ms": round((last_down - first_down) * 1e3, 1) if last_down else None,
        "distinct_groups_reported_upstream": len(seen),
        "upstream_report_packets": up_packets,
        "upstream_records": up_reports,
        "last_upstream_after_last_downstream_ms": round((last_new - last_down) * 1e3, 2) if last_new and last_down else None,
        # From the first host report to the last group that appeared upstream:
        # groups joined upstream per second = distinct groups / this span.
        "first_downstream_to_last_new_upstream_ms":
            round((last_new - first_down) * 1e3, 2) if last_new and first_down else None,
    }


def udp_key(ip):
    """(group, first 8 payload bytes) of a UDP packet to a group, else None."""
    ihl = (ip[0] & 0x0F) * 4
    if ip[9] != 17 or not ipaddress.IPv4Address(ip[16:20]).is_multicast or len(ip) < ihl + 16:
        return None
    return int(ipaddress.IPv4Address(ip[16:20])), bytes(ip[ihl + 8:ihl + 16])


def forward(up, lan, base, count):
    lo = int(ipaddress.IPv4Address(base))
    seen = {}
    for t, ip in packets(up):
        k = udp_key(ip)
        if k and lo <= k[0] < lo + count and k not in seen:
            seen[k] = t
    lat = []
    for t, ip in packets(lan):
        k = udp_key(ip)
        if k in seen:
            lat.append((t - seen.pop(k)) * 1e3)
    return {"groups": count, "forwarded": len(lat), "latency_ms": stats(lat)}


def main(argv):
    if len(argv) == 5 and argv[1] == "join":
        print(json.dumps(join(argv[2], argv[3], int(argv[4]))))
    elif len(argv) in (5, 6) and argv[1] == "leave":
        print(json.dumps(leave(argv[2], argv[3], int(argv[4]), argv[5] if len(argv) == 6 else None)))
    elif len(argv) == 6 and argv[1] == "forward":
        print(json.dumps(forward(argv[2], argv[3], argv[4], int(argv[5]))))
    elif len(argv) >= 6 and argv[1] == "scale":
        print(json.dumps(scale(argv[2], argv[3], argv[4], int(argv[5]))))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
