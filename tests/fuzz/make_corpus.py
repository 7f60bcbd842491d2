#!/usr/bin/env python3
# Writes the seed corpora of the libFuzzer harnesses to tests/fuzz/corpus/NAME/:
# datagrams from the captures in tests/fixtures, the example configurations,
# the control requests of doc/control-protocol.md and rtnetlink messages.
# Rerun after adding a fixture or an example; files found by fuzzing that
# reproduced a bug are kept (they are named after the bug, not generated).
import hashlib
import json
import pathlib
import re
import struct

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "fuzz" / "corpus"


def write(name, stem, data):
    folder = CORPUS / name
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(data).hexdigest()[:8]
    (folder / f"{stem}-{digest}").write_bytes(data)


# --- codec: IP datagrams of the Linux captures ---------------------------------

def pcap_frames(path):
    data = path.read_bytes()
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    pos = 24
    while pos + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(endian + "IIII", data[pos:pos + 16])
        yield data[pos + 16:pos + 16 + caplen]
        pos += 16 + caplen


def ip_payload(frame):
    ethertype = struct.unpack("!H", frame[12:14])[0]
    pos = 14
    while ethertype in (0x8100, 0x88A8):
        ethertype = struct.unpack("!H", frame[pos + 2:pos + 4])[0]
        pos += 4
    packet = frame[pos:]
    if ethertype == 0x0800:  # cut the link padding: a raw socket delivers Total Length bytes
        return "codec_ipv4", packet[:struct.unpack("!H", packet[2:4])[0]]
    if ethertype == 0x86DD:
        return "codec_ipv6", packet[:40 + struct.unpack("!H", packet[4:6])[0]]
    return None, None


def codec_seeds():
    seen = set()
    for pcap in sorted((ROOT / "tests" / "fixtures").glob("*.pcap")):
        for frame in pcap_frames(pcap):
            name, packet = ip_payload(frame)
            if name and packet not in seen:
                seen.add(packet)
                write(name, pcap.stem, packet)


# --- configuration: the example files -------------------------------------------

def config_seeds():
    # Without their comment lines: the examples explain a lot, and short seeds
    # make many more executions per second. One file keeps its comments.
    files = sorted((ROOT / "conf").glob("*.conf")) + sorted(
        (ROOT / "tests" / "unit" / "config" / "mcproxy_examples").glob("*.conf"))
    for conf in files:
        text = conf.read_text()
        if conf.name != "demo.conf":
            text = "".join(line for line in text.splitlines(keepends=True)
                           if line.strip() and not line.lstrip().startswith("#"))
        write("config", conf.stem, text.encode())


# --- control: the requests of the protocol document ------------------------------

def control_seeds():
    text = (ROOT / "doc" / "control-protocol.md").read_text()
    lines = []
    for line in re.findall(r'^(\{"cmd".*\})\s*$', text, re.MULTILINE):
        json.loads(line)  # the document's examples are valid JSON
        if line not in lines:
            lines.append(line)
    for line in lines:
        write("control", json.loads(line)["cmd"], (line + "\n").encode())
    # Pipelined requests with ids, a CRLF line and an unterminated last line.
    piped = "".join(f'{{"id":{i},{line[1:]}\r\n' if i % 2 else f'{{"id":"r{i}",{line[1:]}\n'
                    for i, line in enumerate(lines[:6]))
    write("control", "pipelined", (piped + '{"cmd":"metrics"}').encode())
    write("control", "invalid", b'{"cmd":"show","what":"groups","bogus":1}\nnot json\n\n[1,2]\n')


# --- igmpproxy: files for mcproxy --from-igmpproxy --------------------------------

IGMPPROXY_CASES = [
    # One statement or option each, as in tests/unit/config/igmpproxy_import_test.cpp.
    "phyint eth0 upstream\nphyint eth1 downstream\n",
    "quickleave\nphyint eth0 upstream ratelimit 0 threshold 1\nphyint eth1 downstream ratelimit 100 threshold 8\n",
    "phyint eth0 upstream altnet 10.0.0.0/8 whitelist 239.0.0.0/8\n"
    "phyint eth1 downstream altnet 10.2.0.0/16 altnet 10.9.9.9\n whitelist 0.0.0.0/0\n whitelist 10.0.0.0/8\n"
    "phyint eth2 disabled\n",
    "hashtablesize 1024\ndefaultdown\nrescanvif\nchroot /var/empty\nuser nobody\n"
    "phyint up0 upstream\nphyint up1 upstream\nphyint lan0 downstream\nphyint lan0 downstream\n",
    "phyint eth1 downstream\n",
    "phyint\n",
    "phyint eth0 upstream threshold 0\nphyint eth1 downstream ratelimit -1 altnet 10.1/33\n",
    "phyint a-very-long-interface-name upstream\nphyint eth1 downstream\nbogus\n",
    "",
]


def igmpproxy_seeds():
    for conf in sorted((ROOT / "tests" / "fixtures" / "igmpproxy").glob("*.conf")):
        write("igmpproxy", conf.stem, conf.read_bytes())
    for i, text in enumerate(IGMPPROXY_CASES):
        write("igmpproxy", f"case{i}", text.encode())


# --- netlink: link, address and rule messages ------------------------------------

NLMSG_HDR = "=IHHII"
RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR, RTM_DELADDR, RTM_NEWRULE = 16, 17, 20, 21, 32
IFLA_IFNAME = 3
IFA_ADDRESS, IFA_LOCAL, IFA_LABEL = 1, 2, 3
FRA_IIFNAME, FRA_PRIORITY, FRA_TABLE, FRA_OIFNAME = 3, 6, 15, 17
AF_INET, AF_INET6 = 2, 10
RTNL_FAMILY_IPMR, RTNL_FAMILY_IP6MR = 128, 129
IFF_UP, IFF_RUNNING, IFF_MULTICAST = 0x1, 0x40, 0x1000


def align(data):
    return data + b"\0" * (-len(data) % 4)


def attr(kind, payload):
    return align(struct.pack("=HH", 4 + len(payload), kind) + payload)


def message(kind, body, flags=0, seq=1):
    return align(struct.pack(NLMSG_HDR, 16 + len(body), kind, flags, seq, 0) + body)


def link(kind, index, flags, name):
    body = struct.pack("=BxHiII", 0, 1, index, flags, 0xFFFFFFFF)  # ifinfomsg, ARPHRD_ETHER
    return message(kind, body + (attr(IFLA_IFNAME, name + b"\0") if name is not None else b""))


def address(kind, family, prefix, index, local=None, peer=None, label=None):
    body = struct.pack("=BBBBI", family, prefix, 0, 0, index)  # ifaddrmsg
    if peer is not None:
        body += attr(IFA_ADDRESS, peer)
    if local is not None:
        body += attr(IFA_LOCAL, local)
    if label is not None:
        body += attr(IFA_LABEL, label + b"\0")
    return message(kind, body)


def rule(family, table, priority, iif=None, oif=None):
    body = struct.pack("=BBBBBBBBI", family, 0, 0, 0, table if table < 256 else 0, 0, 0, 1, 0)  # fib_rule_hdr
    body += attr(FRA_TABLE, struct.pack("=I", table)) + attr(FRA_PRIORITY, struct.pack("=I", priority))
    if iif is not None:
        body += attr(FRA_IIFNAME, iif + b"\0")
    if oif is not None:
        body += attr(FRA_OIFNAME, oif + b"\0")
    return message(RTM_NEWRULE, body)


def netlink_seeds():
    v4 = bytes([192, 0, 2, 1])
    v4_peer = bytes([192, 0, 2, 2])
    v6 = bytes.fromhex("20010db8000000000000000000000001")
    ll = bytes.fromhex("fe800000000000000000000000000001")
    seeds = {
        "newlink-up": link(RTM_NEWLINK, 4, IFF_UP | IFF_RUNNING | IFF_MULTICAST, b"veth1"),
        "newlink-down": link(RTM_NEWLINK, 5, IFF_MULTICAST, b"eth0.100"),
        "dellink": link(RTM_DELLINK, 9, 0, b"gone0"),
        "newaddr-v4": address(RTM_NEWADDR, AF_INET, 24, 4, local=v4, peer=v4, label=b"veth1"),
        "newaddr-v4-ptp": address(RTM_NEWADDR, AF_INET, 32, 7, local=v4, peer=v4_peer, label=b"ppp0"),
        "deladdr-v4": address(RTM_DELADDR, AF_INET, 24, 4, local=v4, peer=v4),
        "newaddr-v6": address(RTM_NEWADDR, AF_INET6, 64, 4, peer=v6),
        "deladdr-v6-link-local": address(RTM_DELADDR, AF_INET6, 64, 4, peer=ll),
        "rule-v4": rule(RTNL_FAMILY_IPMR, 10, 30000, iif=b"veth0"),
        "rule-v6-large-table": rule(RTNL_FAMILY_IP6MR, 100000, 30000, oif=b"eth1"),
        "rule-unicast": rule(AF_INET, 254, 0, iif=b"lo"),
    }
    for stem, data in seeds.items():
        write("netlink", stem, data)
    dump = b"".join(seeds.values()) + message(3, struct.pack("=i", 0), flags=2)  # ends with NLMSG_DONE
    write("netlink", "dump", dump)


def main():
    if CORPUS.exists():
        for folder in CORPUS.iterdir():
            for f in folder.iterdir():
                if not f.name.startswith("regression-"):
                    f.unlink()
    codec_seeds()
    config_seeds()
    control_seeds()
    igmpproxy_seeds()
    netlink_seeds()
    for folder in sorted(CORPUS.iterdir()):
        files = list(folder.iterdir())
        print(f"{folder.name}: {len(files)} files, {sum(f.stat().st_size for f in files)} bytes")


if __name__ == "__main__":
    main()
