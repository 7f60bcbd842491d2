// MLD messages (ICMPv6 without the IPv6 header): version detection (RFC 3810
// §8.1), MLDv1 (RFC 2710 §3) and MLDv2 (RFC 3810 §5) fields, the checksum over
// the pseudo-header, and the encoder's layout.
#include "tests/unit/codec/test_support.hpp"

#include <gtest/gtest.h>

namespace mcproxy::codec::test {
namespace {

const Address kSource = v6("fe80::431:edff:fe8a:75ec");
const Address kAllNodes = v6("ff02::1");

void put_address(Bytes& b, const char* a) {
  const auto bytes = boost::asio::ip::make_address_v6(a).to_bytes();
  b.insert(b.end(), bytes.begin(), bytes.end());
}

// type, code, checksum, max resp (16), reserved (16), address.
Bytes mld_v1(std::uint8_t type, std::uint16_t max_resp, const char* group) {
  Bytes b = {type, 0, 0, 0, static_cast<std::uint8_t>(max_resp >> 8), static_cast<std::uint8_t>(max_resp), 0, 0};
  put_address(b, group);
  return b;
}

Bytes mld_v2_query(std::uint16_t code, const char* group, std::uint8_t flags, std::uint8_t qqic,
                   std::vector<const char*> sources) {
  Bytes b = mld_v1(130, code, group);
  b.insert(b.end(), {flags, qqic, 0, static_cast<std::uint8_t>(sources.size())});
  for (const char* s : sources) put_address(b, s);
  return b;
}

Result<Message> decode(Bytes b, const Address& dst = kAllNodes) {
  fix_icmpv6_checksum(b, kSource, dst);
  return decode_mld(b, kSource, dst);
}

Query query_of(const Result<Message>& r) {
  EXPECT_TRUE(r.has_value()) << (r ? "" : to_string(r.error()));
  if (!r || !std::holds_alternative<Query>(*r)) return {};
  return std::get<Query>(*r);
}

// RFC 3810 §8.1: a 24-octet query is MLDv1; RFC 2710 §3.4: Maximum Response
// Delay is plain milliseconds, even with the top bit set.
TEST(Mld, Rfc3810_8_1_TwentyFourOctetsIsMldv1Query) {
  const Query q = query_of(decode(mld_v1(130, 10000, "::")));
  EXPECT_EQ(q.version, Version::MLDv1);
  EXPECT_EQ(q.group, v6("::"));
  EXPECT_EQ(q.max_response_time, 10000ms);
  EXPECT_EQ(query_of(decode(mld_v1(130, 0x9000, "ff3e::1"))).max_response_time, 36864ms);
}

// RFC 3810 §8.1: 28 octets or more is MLDv2; §5.1.3 its code is floating point.
TEST(Mld, Rfc3810_8_1_TwentyEightOrMoreOctetsIsMldv2Query) {
  const Query q = query_of(decode(mld_v2_query(0x9000, "::", 0x02, 125, {})));
  EXPECT_EQ(q.version, Version::MLDv2);
  EXPECT_EQ(q.max_response_time, 65536ms);
  EXPECT_EQ(q.qrv, 2);
  EXPECT_EQ(q.qqi, 125s);
  EXPECT_FALSE(q.suppress_router_side_processing);
}

// RFC 3810 §8.1: other query lengths MUST be silently ignored.
TEST(Mld, Rfc3810_8_1_QueryOfTwentyFiveToTwentySevenOctetsIsRefused) {
  for (std::size_t extra : {1u, 2u, 3u}) {
    Bytes b = mld_v1(130, 1000, "::");
    b.resize(b.size() + extra);
    EXPECT_EQ(decode(b).error(), DecodeError::BadLength) << extra;
  }
}

// RFC 3810 §5.1.7-5.1.10: S flag, QRV, QQIC (same float as IGMPv3) and sources.
TEST(Mld, Rfc3810_5_1_SFlagQrvQqicAndSources) {
  const Query q = query_of(decode(mld_v2_query(1000, "ff3e::8000:1", 0xfd, 0x8f, {"2001:db8::7", "2001:db8::8"})));
  EXPECT_TRUE(q.suppress_router_side_processing);
  EXPECT_EQ(q.qrv, 5);
  EXPECT_EQ(q.qqi, 248s);
  EXPECT_EQ(q.group, v6("ff3e::8000:1"));
  EXPECT_EQ(q.sources, (std::vector{v6("2001:db8::7"), v6("2001:db8::8")}));
}

TEST(Mld, Rfc2710_3_ReportAndDone) {
  const auto r = decode(mld_v1(131, 0, "ff3e::8000:2"), v6("ff3e::8000:2"));
  ASSERT_TRUE(r);
  EXPECT_EQ(std::get<MembershipReport>(*r), (MembershipReport{Version::MLDv1, v6("ff3e::8000:2")}));
  const auto d = decode(mld_v1(132, 0, "ff3e::8000:2"), v6("ff02::2"));
  ASSERT_TRUE(d);
  EXPECT_EQ(std::get<LeaveGroup>(*d), (LeaveGroup{Version::MLDv1, v6("ff3e::8000:2")}));
}

// RFC 3810 §5.2: records with sources and auxiliary data.
TEST(Mld, Rfc3810_5_2_V2ReportWithSourcesAndAuxData) {
  Bytes b = {143, 0, 0, 0, 0, 0, 0, 2};
  b.insert(b.end(), {5, 1, 0, 2});
  put_address(b, "ff3e::1");
  put_address(b, "2001:db8::1");
  put_address(b, "2001:db8::2");
  b.insert(b.end(), {1, 2, 3, 4});
  b.insert(b.end(), {4, 0, 0, 0});
  put_address(b, "ff3e::2");
  const auto r = decode(b, v6("ff02::16"));
  ASSERT_TRUE(r) << to_string(r.error());
  const auto& report = std::get<V3Report>(*r);
  EXPECT_EQ(report.version, Version::MLDv2);
  ASSERT_EQ(report.records.size(), 2u);
  EXPECT_EQ(report.records[0], (GroupRecord{RecordType::AllowNewSources, v6("ff3e::1"),
                                            {v6("2001:db8::1"), v6("2001:db8::2")}, {1, 2, 3, 4}}));
  EXPECT_EQ(report.records[1], (GroupRecord{RecordType::ChangeToExcludeMode, v6("ff3e::2"), {}, {}}));
}

// RFC 4443 §2.3 / RFC 8200 §8.1: the checksum covers the pseudo-header.
TEST(Mld, Rfc4443_2_3_ChecksumCoversThePseudoHeader) {
  Bytes b = mld_v1(131, 0, "ff3e::1");
  fix_icmpv6_checksum(b, kSource, v6("ff3e::1"));
  EXPECT_TRUE(decode_mld(b, kSource, v6("ff3e::1")));
  EXPECT_EQ(decode_mld(b, kSource, v6("ff02::2")).error(), DecodeError::BadChecksum);
  EXPECT_EQ(decode_mld(b, v6("fe80::1"), v6("ff3e::1")).error(), DecodeError::BadChecksum);
}

// --- Encoding -------------------------------------------------------------------

TEST(MldEncode, V1Layout) {
  const Bytes b = encode_mld(Query{.version = Version::MLDv1, .group = v6("::"), .max_response_time = 10s},
                             kSource, kAllNodes);
  ASSERT_EQ(b.size(), 24u);
  EXPECT_EQ(b[0], 130);
  EXPECT_EQ((b[4] << 8) | b[5], 10000);
  EXPECT_EQ(icmpv6_checksum(kSource, kAllNodes, b), 0);
  EXPECT_EQ(encode_mld(MembershipReport{Version::MLDv1, v6("ff3e::1")}, kSource, kAllNodes)[0], 131);
  EXPECT_EQ(encode_mld(LeaveGroup{Version::MLDv1, v6("ff3e::1")}, kSource, kAllNodes)[0], 132);
  // MLDv1's 16-bit delay saturates instead of wrapping.
  const Bytes big = encode_mld(Query{.version = Version::MLDv1, .group = v6("::"), .max_response_time = 100s},
                               kSource, kAllNodes);
  EXPECT_EQ((big[4] << 8) | big[5], 0xffff);
}

TEST(MldEncode, V2QueryLayout) {
  const Query q{.version = Version::MLDv2, .group = v6("ff3e::1"), .max_response_time = 65536ms,
                .suppress_router_side_processing = true, .qrv = 2, .qqi = 125s, .sources = {v6("2001:db8::1")}};
  const Bytes b = encode_mld(q, kSource, kAllNodes);
  ASSERT_EQ(b.size(), 28u + 16u);
  EXPECT_EQ(b[4], 0x90);
  EXPECT_EQ(b[5], 0x00);
  EXPECT_EQ(b[24], 0x0a);
  EXPECT_EQ(b[25], 125);
  EXPECT_EQ(b[27], 1);
  EXPECT_EQ(icmpv6_checksum(kSource, kAllNodes, b), 0);
}

TEST(MldEncode, V2ReportLayout) {
  const V3Report r{Version::MLDv2, {GroupRecord{RecordType::ChangeToExcludeMode, v6("ff3e::8000:1"), {}, {}}}};
  const Bytes b = encode_mld(r, kSource, v6("ff02::16"));
  ASSERT_EQ(b.size(), 8u + 20u);
  EXPECT_EQ(b[0], 143);
  EXPECT_EQ(b[7], 1);
  EXPECT_EQ(b[8], 4);
  EXPECT_EQ(icmpv6_checksum(kSource, v6("ff02::16"), b), 0);
}

}  // namespace
}  // namespace mcproxy::codec::test
