// One packet of every IGMP and MLD message kind, with times the wire can
// represent exactly; shared by the round-trip and tshark tests.
#pragma once

#include "tests/unit/codec/test_support.hpp"

#include <set>
#include <string>
#include <typeinfo>

namespace mcproxy::codec::test {

inline std::vector<std::uint8_t> aux(std::initializer_list<std::uint8_t> b) { return b; }

inline std::vector<Packet> igmp_samples() {
  const Address host = v4("192.0.2.11");
  const Address querier = v4("192.0.2.1");
  const Address all_hosts = v4("224.0.0.1");
  const Address v3_reports = v4("224.0.0.22");
  return {
      packet(querier, all_hosts, 1, true, Query{.version = Version::IGMPv1, .group = v4("0.0.0.0")}),
      packet(querier, all_hosts, 1, true, Query{.version = Version::IGMPv2, .group = v4("0.0.0.0"), .max_response_time = 10s}),
      packet(querier, v4("239.1.1.2"), 1, true, Query{.version = Version::IGMPv2, .group = v4("239.1.1.2"), .max_response_time = 25500ms}),
      packet(querier, all_hosts, 1, true,
             Query{.version = Version::IGMPv3, .group = v4("0.0.0.0"), .max_response_time = 10s, .qrv = 2, .qqi = 125s}),
      packet(querier, v4("232.1.1.1"), 1, true,
             Query{.version = Version::IGMPv3, .group = v4("232.1.1.1"), .max_response_time = 3174400ms,  // code 0xff
                   .suppress_router_side_processing = true, .qrv = 7, .qqi = 31744s,
                   .sources = {v4("198.51.100.7"), v4("198.51.100.8")}}),
      packet(host, v4("239.1.1.3"), 1, true, MembershipReport{Version::IGMPv1, v4("239.1.1.3")}),
      packet(host, v4("239.1.1.2"), 1, true, MembershipReport{Version::IGMPv2, v4("239.1.1.2")}),
      packet(host, v4("224.0.0.2"), 1, true, LeaveGroup{Version::IGMPv2, v4("239.1.1.2")}),
      packet(host, v3_reports, 1, true,
             V3Report{Version::IGMPv3,
                      {
                          GroupRecord{RecordType::ModeIsInclude, v4("232.1.1.1"), {v4("198.51.100.7")}, {}},
                          GroupRecord{RecordType::ModeIsExclude, v4("239.1.1.1"), {}, {}},
                          GroupRecord{RecordType::ChangeToIncludeMode, v4("239.1.1.2"), {v4("198.51.100.9")}, {}},
                          GroupRecord{RecordType::ChangeToExcludeMode, v4("239.1.1.3"), {v4("10.0.0.1"), v4("10.0.0.2")}, {}},
                          GroupRecord{RecordType::AllowNewSources, v4("232.1.1.2"), {v4("198.51.100.7")}, aux({1, 2, 3, 4})},
                          GroupRecord{RecordType::BlockOldSources, v4("232.1.1.3"), {v4("198.51.100.7")}, aux({5, 6, 7, 8, 9, 10, 11, 12})},
                      }}),
  };
}

inline std::vector<Packet> mld_samples() {
  const Address host = v6("fe80::431:edff:fe8a:75ec");
  const Address querier = v6("fe80::d090:f6ff:fe82:afe8");
  return {
      packet(querier, v6("ff02::1"), 1, true, Query{.version = Version::MLDv1, .group = v6("::"), .max_response_time = 10s}),
      packet(querier, v6("ff3e::1"), 1, true, Query{.version = Version::MLDv1, .group = v6("ff3e::1"), .max_response_time = 65535ms}),
      packet(querier, v6("ff02::1"), 1, true,
             Query{.version = Version::MLDv2, .group = v6("::"), .max_response_time = 10s, .qrv = 2, .qqi = 125s}),
      packet(querier, v6("ff3e::8000:1"), 1, true,
             Query{.version = Version::MLDv2, .group = v6("ff3e::8000:1"), .max_response_time = 8387584ms,  // code 0xffff
                   .suppress_router_side_processing = true, .qrv = 3, .qqi = 248s,
                   .sources = {v6("2001:db8::7"), v6("2001:db8::8")}}),
      packet(host, v6("ff3e::8000:2"), 1, true, MembershipReport{Version::MLDv1, v6("ff3e::8000:2")}),
      packet(host, v6("ff02::2"), 1, true, LeaveGroup{Version::MLDv1, v6("ff3e::8000:2")}),
      packet(host, v6("ff02::16"), 1, true,
             V3Report{Version::MLDv2,
                      {
                          GroupRecord{RecordType::ModeIsInclude, v6("ff3e::1"), {v6("2001:db8::1")}, {}},
                          GroupRecord{RecordType::ModeIsExclude, v6("ff3e::2"), {}, {}},
                          GroupRecord{RecordType::ChangeToIncludeMode, v6("ff3e::3"), {}, {}},
                          GroupRecord{RecordType::ChangeToExcludeMode, v6("ff3e::4"), {v6("2001:db8::2")}, {}},
                          GroupRecord{RecordType::AllowNewSources, v6("ff3e::5"), {v6("2001:db8::3"), v6("2001:db8::4")}, aux({1, 2, 3, 4})},
                          GroupRecord{RecordType::BlockOldSources, v6("ff3e::6"), {v6("2001:db8::3")}, {}},
                      }}),
  };
}

}  // namespace mcproxy::codec::test
