// Every DecodeError value, each produced by a crafted packet: malformed input
// yields a typed reason, never a crash (RFC 3376 §4 / RFC 3810 §5 layouts).
#include "tests/unit/codec/test_support.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>

namespace mcproxy::codec::test {
namespace {

const Address kV6Source = v6("fe80::1");
const Address kV6Destination = v6("ff02::16");

enum class Decoder { Ipv4, Igmp, Ipv6, Mld };

Result<Message> run(Decoder d, const Bytes& b) {
  switch (d) {
    case Decoder::Ipv4: {
      auto p = decode_ipv4(b);
      if (!p) return std::unexpected(p.error());
      return p->message;
    }
    case Decoder::Ipv6: {
      auto p = decode_ipv6(b);
      if (!p) return std::unexpected(p.error());
      return p->message;
    }
    case Decoder::Igmp:
      return decode_igmp(b);
    case Decoder::Mld:
      return decode_mld(b, kV6Source, kV6Destination);
  }
  return std::unexpected(DecodeError::Count_);
}

// --- builders -------------------------------------------------------------------

Bytes igmp_v2_report() { return encode_igmp(MembershipReport{Version::IGMPv2, v4("239.1.1.2")}); }

// One IGMPv3 record: ALLOW(232.1.1.1, {198.51.100.7}).
Bytes igmp_v3_report() {
  return encode_igmp(V3Report{Version::IGMPv3, {GroupRecord{RecordType::AllowNewSources, v4("232.1.1.1"), {v4("198.51.100.7")}, {}}}});
}

Bytes igmp_v3_query() {
  return encode_igmp(Query{.version = Version::IGMPv3, .group = v4("232.1.1.1"), .max_response_time = 1s, .qrv = 2,
                           .qqi = 125s, .sources = {v4("198.51.100.7")}});
}

Bytes mld_v2_report() {
  return encode_mld(V3Report{Version::MLDv2, {GroupRecord{RecordType::AllowNewSources, v6("ff3e::1"), {v6("2001:db8::7")}, {}}}},
                    kV6Source, kV6Destination);
}

Bytes mld_v2_query() {
  return encode_mld(Query{.version = Version::MLDv2, .group = v6("ff3e::1"), .max_response_time = 1s, .qrv = 2,
                          .qqi = 125s, .sources = {v6("2001:db8::7")}},
                    kV6Source, kV6Destination);
}

Bytes igmp(Bytes b) {
  fix_igmp_checksum(b);
  return b;
}

Bytes mld(Bytes b) {
  fix_icmpv6_checksum(b, kV6Source, kV6Destination);
  return b;
}

// An IPv4 datagram (IHL 6, Router Alert) around arbitrary IGMP bytes.
Bytes ipv4(const Bytes& igmp_bytes) {
  Bytes b = encode_ipv4(packet(v4("192.0.2.11"), v4("224.0.0.22"), 1, true, MembershipReport{Version::IGMPv2, v4("239.1.1.2")}));
  b.resize(24);
  b.insert(b.end(), igmp_bytes.begin(), igmp_bytes.end());
  b[2] = static_cast<std::uint8_t>(b.size() >> 8);
  b[3] = static_cast<std::uint8_t>(b.size());
  fix_ipv4_checksum(b);
  return b;
}

Bytes ipv4_changed(std::size_t at, std::uint8_t value, bool fix = true) {
  Bytes b = ipv4(igmp_v2_report());
  b[at] = value;
  if (fix) fix_ipv4_checksum(b);
  return b;
}

Bytes ipv6() {
  Packet p;
  p.source = kV6Source;
  p.destination = kV6Destination;
  p.message = V3Report{Version::MLDv2, {}};
  return encode_ipv6(p);
}

Bytes ipv6_changed(std::size_t at, std::uint8_t value) {
  Bytes b = ipv6();
  b[at] = value;
  return b;
}

Bytes changed(Bytes b, std::size_t at, std::uint8_t value) {
  b[at] = value;
  return b;
}

Bytes resized(Bytes b, std::size_t n) {
  b.resize(n);
  return b;
}

struct Case {
  std::string name;
  Decoder decoder;
  std::function<Bytes()> make;
  DecodeError expected;
};

std::vector<Case> cases() {
  using D = Decoder;
  using E = DecodeError;
  return {
      // Truncated: shorter than the headers or fixed fields say.
      {"igmp_empty", D::Igmp, [] { return Bytes{}; }, E::Truncated},
      {"igmp_v2_report_7_octets", D::Igmp, [] { return resized(igmp_v2_report(), 7); }, E::Truncated},
      {"ipv4_19_octets", D::Ipv4, [] { return resized(ipv4(igmp_v2_report()), 19); }, E::Truncated},
      {"ipv4_options_cut", D::Ipv4, [] { return resized(ipv4(igmp_v2_report()), 22); }, E::Truncated},
      {"ipv4_total_length_beyond_buffer", D::Ipv4, [] { return resized(ipv4(igmp_v2_report()), 31); }, E::Truncated},
      {"ipv4_igmp_part_short", D::Ipv4, [] { return ipv4(resized(igmp_v2_report(), 6)); }, E::Truncated},
      {"ipv6_39_octets", D::Ipv6, [] { return resized(ipv6(), 39); }, E::Truncated},
      {"ipv6_payload_beyond_buffer", D::Ipv6, [] { return resized(ipv6(), ipv6().size() - 1); }, E::Truncated},
      {"ipv6_hop_by_hop_beyond_payload", D::Ipv6, [] { return ipv6_changed(41, 3); }, E::Truncated},
      {"mld_v1_23_octets", D::Mld, [] { return mld(resized(encode_mld(MembershipReport{Version::MLDv1, v6("ff3e::1")}, kV6Source, kV6Destination), 23)); }, E::Truncated},
      {"mld_v2_report_7_octets", D::Mld, [] { return resized(mld_v2_report(), 7); }, E::Truncated},
      // BadIpVersion.
      {"ipv4_decoder_given_ipv6", D::Ipv4, [] { return ipv6(); }, E::BadIpVersion},
      {"ipv6_decoder_given_ipv4", D::Ipv6, [] { return ipv4(igmp_v2_report()); }, E::BadIpVersion},
      // BadIpHeader.
      {"ipv4_ihl_4", D::Ipv4, [] { return ipv4_changed(0, 0x44); }, E::BadIpHeader},
      {"ipv4_total_length_below_header", D::Ipv4, [] { return ipv4_changed(3, 20); }, E::BadIpHeader},
      {"ipv4_header_checksum", D::Ipv4, [] { return ipv4_changed(8, 2, false); }, E::BadIpHeader},
      {"ipv4_router_alert_length_3", D::Ipv4, [] { return ipv4_changed(21, 3); }, E::BadIpHeader},
      {"ipv4_option_beyond_header", D::Ipv4, [] { return ipv4_changed(21, 8); }, E::BadIpHeader},
      {"ipv4_option_length_1", D::Ipv4, [] { return ipv4_changed(21, 1); }, E::BadIpHeader},
      {"ipv6_jumbo_payload_length_0", D::Ipv6, [] { return changed(ipv6_changed(4, 0), 5, 0); }, E::BadIpHeader},
      {"ipv6_router_alert_length_4", D::Ipv6, [] { return ipv6_changed(43, 4); }, E::BadIpHeader},
      {"ipv6_unknown_option_must_discard", D::Ipv6, [] { return ipv6_changed(46, 0x45); }, E::BadIpHeader},
      {"ipv6_option_beyond_header", D::Ipv6, [] { return ipv6_changed(47, 5); }, E::BadIpHeader},
      {"ipv6_hop_by_hop_not_first", D::Ipv6,
       [] {
         Bytes b = ipv6();
         b[6] = 60;  // destination options first, then hop-by-hop
         b[40] = 0;
         const Bytes hbh = {58, 0, 1, 4, 0, 0, 0, 0};
         b.insert(b.begin() + 48, hbh.begin(), hbh.end());
         b[5] = static_cast<std::uint8_t>(b[5] + 8);
         return b;
       },
       E::BadIpHeader},
      // NotIgmp / NotIcmpv6.
      {"ipv4_protocol_udp", D::Ipv4, [] { return ipv4_changed(9, 17); }, E::NotIgmp},
      {"ipv6_hop_by_hop_then_udp", D::Ipv6, [] { return ipv6_changed(40, 17); }, E::NotIcmpv6},
      {"ipv6_no_next_header", D::Ipv6, [] { return ipv6_changed(6, 59); }, E::NotIcmpv6},
      // Fragmented.
      {"ipv4_more_fragments", D::Ipv4, [] { return ipv4_changed(6, 0x20); }, E::Fragmented},
      {"ipv4_fragment_offset", D::Ipv4, [] { return ipv4_changed(7, 0x01); }, E::Fragmented},
      {"ipv6_fragment_header", D::Ipv6, [] { return ipv6_changed(40, 44); }, E::Fragmented},
      // BadChecksum.
      {"igmp_checksum", D::Igmp, [] { return changed(igmp_v2_report(), 7, 3); }, E::BadChecksum},
      {"igmp_checksum_in_ipv4", D::Ipv4, [] { return ipv4(changed(igmp_v3_report(), 3, 0)); }, E::BadChecksum},
      {"mld_checksum", D::Mld, [] { return changed(mld_v2_report(), 9, 9); }, E::BadChecksum},
      {"mld_checksum_in_ipv6", D::Ipv6, [] { return ipv6_changed(20, 0x20); }, E::BadChecksum},  // source changed
      // UnknownType.
      {"igmp_dvmrp_0x13", D::Igmp, [] { return igmp(changed(igmp_v2_report(), 0, 0x13)); }, E::UnknownType},
      {"igmp_mtrace_0x1f", D::Igmp, [] { return igmp(changed(igmp_v2_report(), 0, 0x1f)); }, E::UnknownType},
      {"icmpv6_router_solicitation", D::Mld, [] { return mld(Bytes{133, 0, 0, 0, 0, 0, 0, 0}); }, E::UnknownType},
      {"icmpv6_echo_request_in_ipv6", D::Ipv6,
       [] {
         Bytes b = ipv6();
         b[48] = 128;
         fix_icmpv6_checksum(b, kV6Source, kV6Destination, 48);
         return b;
       },
       E::UnknownType},
      // BadLength.
      {"igmp_query_10_octets", D::Igmp, [] { return igmp(resized(igmp_v3_query(), 10)); }, E::BadLength},
      {"mld_query_26_octets", D::Mld, [] { return mld(resized(mld_v2_query(), 26)); }, E::BadLength},
      // SourceCountBeyondPacket.
      {"igmp_v3_query_sources", D::Igmp, [] { return igmp(changed(igmp_v3_query(), 11, 2)); }, E::SourceCountBeyondPacket},
      {"igmp_v3_record_sources", D::Igmp, [] { return igmp(changed(igmp_v3_report(), 11, 2)); }, E::SourceCountBeyondPacket},
      {"igmp_v3_record_sources_max", D::Igmp, [] { return igmp(changed(changed(igmp_v3_report(), 10, 0xff), 11, 0xff)); }, E::SourceCountBeyondPacket},
      {"mld_v2_query_sources", D::Mld, [] { return mld(changed(mld_v2_query(), 27, 2)); }, E::SourceCountBeyondPacket},
      {"mld_v2_record_sources", D::Mld, [] { return mld(changed(mld_v2_report(), 11, 2)); }, E::SourceCountBeyondPacket},
      // RecordCountBeyondPacket.
      {"igmp_v3_report_records", D::Igmp, [] { return igmp(changed(igmp_v3_report(), 7, 2)); }, E::RecordCountBeyondPacket},
      {"igmp_v3_report_records_max", D::Igmp, [] { return igmp(changed(changed(igmp_v3_report(), 6, 0xff), 7, 0xff)); }, E::RecordCountBeyondPacket},
      {"mld_v2_report_records", D::Mld, [] { return mld(changed(mld_v2_report(), 7, 2)); }, E::RecordCountBeyondPacket},
      // AuxDataBeyondPacket.
      {"igmp_v3_record_aux", D::Igmp, [] { return igmp(changed(igmp_v3_report(), 9, 1)); }, E::AuxDataBeyondPacket},
      {"mld_v2_record_aux", D::Mld, [] { return mld(changed(mld_v2_report(), 9, 1)); }, E::AuxDataBeyondPacket},
      // BadRecordType.
      {"igmp_v3_record_type_0", D::Igmp, [] { return igmp(changed(igmp_v3_report(), 8, 0)); }, E::BadRecordType},
      {"igmp_v3_record_type_7", D::Igmp, [] { return igmp(changed(igmp_v3_report(), 8, 7)); }, E::BadRecordType},
      {"mld_v2_record_type_255", D::Mld, [] { return mld(changed(mld_v2_report(), 8, 255)); }, E::BadRecordType},
      // NotMulticastGroup.
      {"igmp_v2_report_unicast_group", D::Igmp, [] { return igmp(changed(igmp_v2_report(), 4, 10)); }, E::NotMulticastGroup},
      {"igmp_v1_report_zero_group", D::Igmp, [] { return igmp(Bytes{0x12, 0, 0, 0, 0, 0, 0, 0}); }, E::NotMulticastGroup},
      {"igmp_leave_unicast_group", D::Igmp, [] { return igmp(Bytes{0x17, 0, 0, 0, 192, 0, 2, 1}); }, E::NotMulticastGroup},
      {"igmp_v2_query_unicast_group", D::Igmp, [] { return igmp(Bytes{0x11, 100, 0, 0, 192, 0, 2, 1}); }, E::NotMulticastGroup},
      {"igmp_v3_general_query_with_sources", D::Igmp,
       [] {
         Bytes b = igmp_v3_query();
         for (std::size_t i = 4; i < 8; ++i) b[i] = 0;  // group 0.0.0.0 but one source
         return igmp(b);
       },
       E::NotMulticastGroup},
      {"igmp_v3_record_unicast_group", D::Igmp, [] { return igmp(changed(igmp_v3_report(), 12, 10)); }, E::NotMulticastGroup},
      {"mld_v1_report_unicast_group", D::Mld, [] { return mld(changed(encode_mld(MembershipReport{Version::MLDv1, v6("ff3e::1")}, kV6Source, kV6Destination), 8, 0x20)); }, E::NotMulticastGroup},
      {"mld_done_unspecified_group", D::Mld, [] { return mld(changed(encode_mld(LeaveGroup{Version::MLDv1, v6("ff00::")}, kV6Source, kV6Destination), 8, 0)); }, E::NotMulticastGroup},
      {"mld_v2_record_unicast_group", D::Mld, [] { return mld(changed(mld_v2_report(), 12, 0x20)); }, E::NotMulticastGroup},
      // BadSourceAddress.
      {"igmp_v3_query_multicast_source", D::Igmp, [] { return igmp(changed(igmp_v3_query(), 12, 224)); }, E::BadSourceAddress},
      {"igmp_v3_record_zero_source", D::Igmp,
       [] {
         Bytes b = igmp_v3_report();
         for (std::size_t i = 16; i < 20; ++i) b[i] = 0;
         return igmp(b);
       },
       E::BadSourceAddress},
      {"mld_v2_query_multicast_source", D::Mld, [] { return mld(changed(mld_v2_query(), 28, 0xff)); }, E::BadSourceAddress},
      {"mld_v2_record_unspecified_source", D::Mld,
       [] {
         Bytes b = mld_v2_report();
         for (std::size_t i = 28; i < 44; ++i) b[i] = 0;
         return mld(b);
       },
       E::BadSourceAddress},
  };
}

TEST(DecodeErrors, EachCraftedPacketYieldsItsReason) {
  for (const Case& c : cases()) {
    const Bytes b = c.make();
    const auto r = run(c.decoder, b);
    ASSERT_FALSE(r.has_value()) << c.name << " decoded";
    EXPECT_EQ(r.error(), c.expected) << c.name << ": got " << to_string(r.error()) << ", want "
                                     << to_string(c.expected);
  }
}

// The crafted cases start from valid packets: make sure the unmutated bases
// decode, so each case fails for the reason it names.
TEST(DecodeErrors, BasesOfTheCraftedPacketsAreValid) {
  EXPECT_TRUE(decode_igmp(igmp_v2_report()));
  EXPECT_TRUE(decode_igmp(igmp_v3_report()));
  EXPECT_TRUE(decode_igmp(igmp_v3_query()));
  EXPECT_TRUE(decode_ipv4(ipv4(igmp_v2_report())));
  EXPECT_TRUE(decode_ipv4(ipv4(igmp_v3_report())));
  EXPECT_TRUE(decode_ipv6(ipv6()));
  EXPECT_TRUE(decode_mld(mld_v2_report(), kV6Source, kV6Destination));
  EXPECT_TRUE(decode_mld(mld_v2_query(), kV6Source, kV6Destination));
}

TEST(DecodeErrors, EveryReasonIsCoveredByACase) {
  std::set<DecodeError> covered;
  for (const Case& c : cases()) covered.insert(c.expected);
  for (std::size_t i = 0; i < static_cast<std::size_t>(DecodeError::Count_); ++i) {
    EXPECT_TRUE(covered.contains(static_cast<DecodeError>(i))) << to_string(static_cast<DecodeError>(i));
  }
}

TEST(DecodeErrors, EveryReasonHasADistinctName) {
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < static_cast<std::size_t>(DecodeError::Count_); ++i) {
    const auto name = to_string(static_cast<DecodeError>(i));
    EXPECT_FALSE(name.empty());
    EXPECT_TRUE(names.insert(name).second) << name;
  }
}

}  // namespace
}  // namespace mcproxy::codec::test
