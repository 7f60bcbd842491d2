#!/usr/bin/env python3
# Derives the expected decode of every frame in tests/fixtures/*.pcap from
# tshark's dissection and prints it as a C++ table (fixture_expectations.inc).
# Run once by hand when fixtures change:
#   tests/unit/codec/gen_fixture_expectations.py > tests/unit/codec/fixture_expectations.inc
import glob
import os
import subprocess
import sys

FIELDS = [
    "frame.number", "eth.type",
    "ip.src", "ip.dst", "ip.ttl", "ip.opt.ra", "ip.checksum.status",
    "ipv6.src", "ipv6.dst", "ipv6.hlim", "ipv6.opt.router_alert",
    "igmp.version", "igmp.type", "igmp.checksum.status", "igmp.maddr", "igmp.max_resp",
    "igmp.s", "igmp.qrv", "igmp.qqic", "igmp.num_src", "igmp.saddr",
    "igmp.record_type", "igmp.aux_data_len",
    "icmpv6.type", "icmpv6.checksum.status",
    "icmpv6.mld.maximum_response_delay", "icmpv6.mld.maximum_response_code",
    "icmpv6.mld.multicast_address", "icmpv6.mld.flag.s", "icmpv6.mld.flag.qrv", "icmpv6.mld.qqi",
    "icmpv6.mld.nb_sources", "icmpv6.mld.source_address",
    "icmpv6.mldr.mar.record_type", "icmpv6.mldr.mar.aux_data_len", "icmpv6.mldr.mar.multicast_address",
    "icmpv6.mldr.mar.nb_sources", "icmpv6.mldr.mar.source_address",
]


def tshark(path):
    cmd = ["tshark", "-r", path, "-o", "ip.check_checksum:TRUE", "-T", "fields",
           "-E", "separator=|", "-E", "aggregator=;", "-E", "occurrence=a"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        yield dict(zip(FIELDS, line.split("|")))


RECORD_TYPES = {1: "ModeIsInclude", 2: "ModeIsExclude", 3: "ChangeToIncludeMode",
                4: "ChangeToExcludeMode", 5: "AllowNewSources", 6: "BlockOldSources"}


def lst(v):
    return [x for x in v.split(";") if x != ""]


def addrs(fn, items):
    return "{" + ", ".join(f'{fn}("{a}")' for a in items) + "}"


def records(fn, types, groups, counts, sources, aux):
    out, pos = [], 0
    for t, g, n, a in zip(types, groups, counts, aux):
        n = int(n)
        assert int(a) == 0, "aux data in fixtures is not expected"
        src = sources[pos:pos + n]
        pos += n
        out.append(f"GroupRecord{{.type = RecordType::{RECORD_TYPES[int(t)]}, .group = {fn}(\"{g}\"), .sources = {addrs(fn, src)}}}")
    assert pos == len(sources)
    return "{" + ", ".join(out) + "}"


def igmp_message(r):
    t = int(r["igmp.type"], 16)
    ver = int(r["igmp.version"])
    group = lst(r["igmp.maddr"])
    if t == 0x11:
        code = int(r["igmp.max_resp"] or 0)
        if ver == 3:
            assert code < 128 and int(r["igmp.qqic"]) < 128  # literal codes: value == code
            return (f'Query{{.version = Version::IGMPv3, .group = v4("{group[0]}"), '
                    f'.max_response_time = {code * 100}ms, .suppress_router_side_processing = {"true" if r["igmp.s"] == "1" else "false"}, '
                    f'.qrv = {int(r["igmp.qrv"])}, .qqi = {int(r["igmp.qqic"])}s, .sources = {addrs("v4", lst(r["igmp.saddr"]))}}}')
        return (f'Query{{.version = Version::IGMPv{ver}, .group = v4("{group[0]}"), '
                f'.max_response_time = {code * 100}ms}}')
    if t in (0x12, 0x16):
        return f'MembershipReport{{Version::IGMPv{1 if t == 0x12 else 2}, v4("{group[0]}")}}'
    if t == 0x17:
        return f'LeaveGroup{{Version::IGMPv2, v4("{group[0]}")}}'
    if t == 0x22:
        recs = records("v4", lst(r["igmp.record_type"]), group, lst(r["igmp.num_src"]),
                       lst(r["igmp.saddr"]), lst(r["igmp.aux_data_len"]))
        return f"V3Report{{Version::IGMPv3, {recs}}}"
    return None


def mld_message(r):
    t = int(r["icmpv6.type"])
    group = lst(r["icmpv6.mld.multicast_address"])
    if t == 130:
        if r["icmpv6.mld.maximum_response_delay"]:
            return (f'Query{{.version = Version::MLDv1, .group = v6("{group[0]}"), '
                    f'.max_response_time = {int(r["icmpv6.mld.maximum_response_delay"])}ms}}')
        code = int(r["icmpv6.mld.maximum_response_code"])
        assert code < 32768 and int(r["icmpv6.mld.qqi"]) < 128  # literal codes
        return (f'Query{{.version = Version::MLDv2, .group = v6("{group[0]}"), '
                f'.max_response_time = {code}ms, .suppress_router_side_processing = {"true" if r["icmpv6.mld.flag.s"] in ("1", "True") else "false"}, '
                f'.qrv = {int(r["icmpv6.mld.flag.qrv"])}, .qqi = {int(r["icmpv6.mld.qqi"])}s, '
                f'.sources = {addrs("v6", lst(r["icmpv6.mld.source_address"]))}}}')
    if t == 131:
        return f'MembershipReport{{Version::MLDv1, v6("{group[0]}")}}'
    if t == 132:
        return f'LeaveGroup{{Version::MLDv1, v6("{group[0]}")}}'
    if t == 143:
        recs = records("v6", lst(r["icmpv6.mldr.mar.record_type"]), lst(r["icmpv6.mldr.mar.multicast_address"]),
                       lst(r["icmpv6.mldr.mar.nb_sources"]), lst(r["icmpv6.mldr.mar.source_address"]),
                       lst(r["icmpv6.mldr.mar.aux_data_len"]))
        return f"V3Report{{Version::MLDv2, {recs}}}"
    return None


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    fixtures = os.path.join(here, "..", "..", "fixtures")
    print("// Generated by gen_fixture_expectations.py from `tshark -r FILE -T fields` (TShark 4.0):")
    print("// the expected decode of every frame of tests/fixtures/*.pcap. Do not edit by hand.")
    for path in sorted(glob.glob(os.path.join(fixtures, "*.pcap"))):
        name = os.path.basename(path)
        for r in tshark(path):
            frame = r["frame.number"]
            if r["igmp.type"]:
                assert r["igmp.checksum.status"] == "1" and r["ip.checksum.status"] == "1"
                msg = igmp_message(r)
                env = f'v4("{r["ip.src"]}"), v4("{r["ip.dst"]}"), {r["ip.ttl"]}, {"true" if r["ip.opt.ra"] != "" else "false"}'
            elif r["icmpv6.type"]:
                assert r["icmpv6.checksum.status"] == "1"
                msg = mld_message(r)
                env = f'v6("{r["ipv6.src"]}"), v6("{r["ipv6.dst"]}"), {r["ipv6.hlim"]}, {"true" if r["ipv6.opt.router_alert"] == "0" else "false"}'
            else:
                sys.exit(f"{name} frame {frame}: neither IGMP nor ICMPv6")
            if msg is None:  # ICMPv6 but not MLD (e.g. Router Solicitation)
                print(f'{{"{name}", {frame}, std::unexpected(DecodeError::UnknownType)}},  // ICMPv6 type {r["icmpv6.type"]}')
            else:
                print(f'{{"{name}", {frame}, packet({env}, {msg})}},')


main()
