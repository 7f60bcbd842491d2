// The IP envelopes: IPv4 header with the Router Alert option (RFC 2113) for
// IGMP, IPv6 with the hop-by-hop Router Alert (RFC 2711) for MLD.
#include "tests/unit/codec/test_support.hpp"

#include <gtest/gtest.h>

namespace mcproxy::codec::test {
namespace {

Packet v2_report_packet(bool router_alert = true) {
  return packet(v4("192.0.2.11"), v4("239.1.1.2"), 1, router_alert, MembershipReport{Version::IGMPv2, v4("239.1.1.2")});
}

Packet mld_report_packet(bool router_alert = true) {
  return packet(v6("fe80::1"), v6("ff02::16"), 1, router_alert,
                V3Report{Version::MLDv2, {GroupRecord{RecordType::ChangeToExcludeMode, v6("ff3e::1"), {}, {}}}});
}

// What Linux puts on IGMP (and the fixtures show): IHL 6 with Router Alert,
// TOS 0xc0, DF, protocol 2, a valid header checksum.
TEST(Ipv4Envelope, EncodeLikeLinux) {
  const Bytes b = encode_ipv4(v2_report_packet());
  ASSERT_EQ(b.size(), 24u + 8u);
  EXPECT_EQ(b[0], 0x46);
  EXPECT_EQ(b[1], 0xc0);
  EXPECT_EQ((b[2] << 8) | b[3], 32);
  EXPECT_EQ(b[6], 0x40);  // DF
  EXPECT_EQ(b[7], 0x00);
  EXPECT_EQ(b[8], 1);     // TTL
  EXPECT_EQ(b[9], 2);     // IGMP
  EXPECT_EQ(internet_checksum(std::span(b).first(24)), 0);
  EXPECT_EQ((Bytes{b.begin() + 12, b.begin() + 24}), (Bytes{192, 0, 2, 11, 239, 1, 1, 2, 0x94, 0x04, 0, 0}));
  EXPECT_EQ(Bytes(b.begin() + 24, b.end()), encode_igmp(MembershipReport{Version::IGMPv2, v4("239.1.1.2")}));
}

TEST(Ipv4Envelope, WithoutRouterAlertTheHeaderIsTwentyOctets) {
  const Bytes b = encode_ipv4(v2_report_packet(false));
  EXPECT_EQ(b[0], 0x45);
  EXPECT_EQ(b.size(), 28u);
  const auto p = decode_ipv4(b);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->router_alert);
}

TEST(Ipv4Envelope, TtlIsCarriedBothWays) {
  Packet p = v2_report_packet();
  p.ttl = 64;
  const auto d = decode_ipv4(encode_ipv4(p));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->ttl, 64);
}

// RFC 791 §3.1: NOPs may precede an option; End of Option List ends the list.
TEST(Ipv4Envelope, Rfc791_RouterAlertAfterNopAndBeforeEnd) {
  Bytes b = encode_ipv4(v2_report_packet(false));
  const Bytes options = {0x01, 0x94, 0x04, 0x00, 0x00, 0x00, 0xaa, 0xbb};  // NOP, RA, EOL, junk after EOL
  b.insert(b.begin() + 20, options.begin(), options.end());
  b[0] = 0x47;
  b[3] = static_cast<std::uint8_t>(b.size());
  fix_ipv4_checksum(b);
  const auto p = decode_ipv4(b);
  ASSERT_TRUE(p) << to_string(p.error());
  EXPECT_TRUE(p->router_alert);
}

// RFC 2113 §2.1: values other than 0 are reserved; such an option is not the
// alert MLD/IGMP asks for.
TEST(Ipv4Envelope, Rfc2113_RouterAlertWithReservedValueDoesNotCount) {
  Bytes b = encode_ipv4(v2_report_packet());
  b[23] = 1;
  fix_ipv4_checksum(b);
  const auto p = decode_ipv4(b);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->router_alert);
}

// Link-layer padding after Total Length is not part of the datagram.
TEST(Ipv4Envelope, BytesAfterTotalLengthAreIgnored) {
  Bytes b = encode_ipv4(v2_report_packet());
  b.resize(60, 0);
  const auto p = decode_ipv4(b);
  ASSERT_TRUE(p) << to_string(p.error());
  EXPECT_EQ(*p, v2_report_packet());
}

// RFC 3810 §5 / RFC 2711: a hop-by-hop header with Router Alert value 0 (MLD),
// padded with PadN as Linux does.
TEST(Ipv6Envelope, EncodeLikeLinux) {
  const Packet p = mld_report_packet();
  const Bytes b = encode_ipv6(p);
  const Bytes icmp = encode_mld(p.message, p.source, p.destination);
  ASSERT_EQ(b.size(), 40u + 8u + icmp.size());
  EXPECT_EQ(b[0], 0x60);
  EXPECT_EQ((b[4] << 8) | b[5], static_cast<int>(8 + icmp.size()));
  EXPECT_EQ(b[6], 0);  // hop-by-hop
  EXPECT_EQ(b[7], 1);  // hop limit
  EXPECT_EQ(Bytes(b.begin() + 40, b.begin() + 48), (Bytes{58, 0, 5, 2, 0, 0, 1, 0}));
  EXPECT_EQ(Bytes(b.begin() + 48, b.end()), icmp);
}

TEST(Ipv6Envelope, WithoutRouterAlertIcmpv6FollowsTheFixedHeader) {
  const Bytes b = encode_ipv6(mld_report_packet(false));
  EXPECT_EQ(b[6], 58);
  const auto p = decode_ipv6(b);
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, mld_report_packet(false));
}

// The Linux bridge pads its hop-by-hop header with two Pad1 options.
TEST(Ipv6Envelope, Pad1PaddingIsAccepted) {
  Bytes b = encode_ipv6(mld_report_packet());
  b[46] = 0;
  b[47] = 0;
  const auto p = decode_ipv6(b);
  ASSERT_TRUE(p) << to_string(p.error());
  EXPECT_TRUE(p->router_alert);
}

// RFC 2711 §2.1: value 0 is MLD; another value (1 = RSVP) is not MLD's alert.
TEST(Ipv6Envelope, Rfc2711_RouterAlertForAnotherProtocolDoesNotCount) {
  Bytes b = encode_ipv6(mld_report_packet());
  b[45] = 1;
  const auto p = decode_ipv6(b);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->router_alert);
}

// RFC 8200 §4: destination options and routing headers are skipped on the
// way to the ICMPv6 header.
TEST(Ipv6Envelope, Rfc8200_4_OtherExtensionHeadersAreSkipped) {
  Bytes b = encode_ipv6(mld_report_packet());
  b[40] = 60;  // hop-by-hop -> destination options
  const Bytes dest_opts = {43, 0, 1, 4, 0, 0, 0, 0};       // -> routing, PadN(4)
  const Bytes routing = {58, 0, 0, 0, 0, 0, 0, 0};         // type 0, segments left 0
  b.insert(b.begin() + 48, routing.begin(), routing.end());
  b.insert(b.begin() + 48, dest_opts.begin(), dest_opts.end());
  b[5] = static_cast<std::uint8_t>(b[5] + 16);
  const auto p = decode_ipv6(b);
  ASSERT_TRUE(p) << to_string(p.error());
  EXPECT_EQ(*p, mld_report_packet());
}

TEST(Ipv6Envelope, BytesAfterPayloadLengthAreIgnored) {
  Bytes b = encode_ipv6(mld_report_packet());
  b.resize(b.size() + 7, 0xee);
  const auto p = decode_ipv6(b);
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, mld_report_packet());
}

}  // namespace
}  // namespace mcproxy::codec::test
