// IGMP messages without the IP header: version detection (RFC 3376 §7.1),
// field decoding of IGMPv1/v2/v3, and the encoder's wire layout.
#include "tests/unit/codec/test_support.hpp"

#include <gtest/gtest.h>

namespace mcproxy::codec::test {
namespace {

Bytes igmp(Bytes b) {
  fix_igmp_checksum(b);
  return b;
}

Query query_of(const Result<Message>& r) {
  EXPECT_TRUE(r.has_value()) << (r ? "" : to_string(r.error()));
  if (!r || !std::holds_alternative<Query>(*r)) return {};
  return std::get<Query>(*r);
}

// RFC 3376 §7.1: 8 octets with Max Resp Code 0 is an IGMPv1 query.
TEST(Igmp, Rfc3376_7_1_EightOctetsAndCodeZeroIsIgmpv1Query) {
  const Query q = query_of(decode_igmp(igmp({0x11, 0, 0, 0, 0, 0, 0, 0})));
  EXPECT_EQ(q.version, Version::IGMPv1);
  EXPECT_EQ(q.group, v4("0.0.0.0"));
  EXPECT_EQ(q.max_response_time, 0ms);
}

// RFC 3376 §7.1: 8 octets with a non-zero code is IGMPv2; RFC 2236 §2.2: its
// Max Resp Time is a plain count of 1/10 s, even above 127.
TEST(Igmp, Rfc3376_7_1_EightOctetsAndNonZeroCodeIsIgmpv2Query) {
  const Query q = query_of(decode_igmp(igmp({0x11, 100, 0, 0, 239, 1, 2, 3})));
  EXPECT_EQ(q.version, Version::IGMPv2);
  EXPECT_EQ(q.group, v4("239.1.2.3"));
  EXPECT_EQ(q.max_response_time, 10000ms);
  EXPECT_EQ(query_of(decode_igmp(igmp({0x11, 200, 0, 0, 0, 0, 0, 0}))).max_response_time, 20000ms);
}

// RFC 3376 §7.1: 12 octets or more is IGMPv3; §4.1.1 its code is floating point.
TEST(Igmp, Rfc3376_7_1_TwelveOrMoreOctetsIsIgmpv3Query) {
  const Query q = query_of(decode_igmp(igmp({0x11, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 125, 0, 0})));
  EXPECT_EQ(q.version, Version::IGMPv3);
  EXPECT_EQ(q.max_response_time, 12800ms);  // code 0x80 = 128 tenths
  EXPECT_EQ(q.qrv, 2);
  EXPECT_EQ(q.qqi, 125s);
  EXPECT_FALSE(q.suppress_router_side_processing);
  EXPECT_TRUE(q.sources.empty());
}

// RFC 3376 §7.1: queries of any other length MUST be silently ignored.
TEST(Igmp, Rfc3376_7_1_QueryOfNineToElevenOctetsIsRefused) {
  for (std::size_t len : {9u, 10u, 11u}) {
    Bytes b = {0x11, 100};
    b.resize(len);
    EXPECT_EQ(decode_igmp(igmp(b)).error(), DecodeError::BadLength) << len;
  }
}

// RFC 3376 §4.1.5-4.1.7: S flag, QRV and the floating-point QQIC; the
// reserved bits of that octet are ignored.
TEST(Igmp, Rfc3376_4_1_SFlagQrvAndQqic) {
  const Query q = query_of(decode_igmp(igmp({0x11, 10, 0, 0, 239, 1, 1, 1, 0xff, 0xff, 0, 0})));
  EXPECT_TRUE(q.suppress_router_side_processing);
  EXPECT_EQ(q.qrv, 7);
  EXPECT_EQ(q.qqi, 31744s);
  EXPECT_EQ(q.max_response_time, 1000ms);
  const Query r = query_of(decode_igmp(igmp({0x11, 10, 0, 0, 0, 0, 0, 0, 0xf2, 0x80, 0, 0})));
  EXPECT_FALSE(r.suppress_router_side_processing);
  EXPECT_EQ(r.qrv, 2);
  EXPECT_EQ(r.qqi, 128s);
}

// RFC 3376 §4.1.8-4.1.11: a group-and-source-specific query.
TEST(Igmp, Rfc3376_4_1_GroupAndSourceSpecificQuery) {
  const Query q = query_of(decode_igmp(
      igmp({0x11, 10, 0, 0, 232, 1, 1, 1, 0x02, 125, 0, 2, 198, 51, 100, 7, 198, 51, 100, 8})));
  EXPECT_EQ(q.group, v4("232.1.1.1"));
  EXPECT_EQ(q.sources, (std::vector{v4("198.51.100.7"), v4("198.51.100.8")}));
}

// RFC 3376 §4.1.10: extra octets count for the checksum, are otherwise ignored.
TEST(Igmp, Rfc3376_4_1_10_AdditionalDataIsIgnored) {
  const Query q = query_of(decode_igmp(igmp({0x11, 10, 0, 0, 0, 0, 0, 0, 0x02, 125, 0, 0, 0xde, 0xad})));
  EXPECT_EQ(q.version, Version::IGMPv3);
  Bytes b = igmp({0x11, 10, 0, 0, 0, 0, 0, 0, 0x02, 125, 0, 0, 0xde, 0xad});
  b.back() ^= 1;
  EXPECT_EQ(decode_igmp(b).error(), DecodeError::BadChecksum);
}

TEST(Igmp, Rfc1112_IgmpV1Report) {
  const auto r = decode_igmp(igmp({0x12, 0, 0, 0, 239, 1, 1, 3}));
  ASSERT_TRUE(r);
  EXPECT_EQ(std::get<MembershipReport>(*r), (MembershipReport{Version::IGMPv1, v4("239.1.1.3")}));
}

// RFC 2236 §2.5: octets beyond the first 8 are ignored.
TEST(Igmp, Rfc2236_2_5_V2ReportAndLeaveIgnoreExtraOctets) {
  const auto r = decode_igmp(igmp({0x16, 0, 0, 0, 239, 1, 1, 2, 1, 2, 3, 4}));
  ASSERT_TRUE(r);
  EXPECT_EQ(std::get<MembershipReport>(*r), (MembershipReport{Version::IGMPv2, v4("239.1.1.2")}));
  const auto l = decode_igmp(igmp({0x17, 0, 0, 0, 239, 1, 1, 2, 9}));
  ASSERT_TRUE(l);
  EXPECT_EQ(std::get<LeaveGroup>(*l), (LeaveGroup{Version::IGMPv2, v4("239.1.1.2")}));
}

// RFC 3376 §4.2: all six record types, sources and auxiliary data.
TEST(Igmp, Rfc3376_4_2_V3ReportWithAllRecordTypesAndAuxData) {
  Bytes b = {0x22, 0, 0, 0, 0, 0, 0, 6};
  for (std::uint8_t t = 1; t <= 6; ++t) {
    const std::uint8_t nsrc = t % 3;
    const std::uint8_t aux_words = t == 6 ? 2 : 0;
    b.insert(b.end(), {t, aux_words, 0, nsrc, 239, 0, 0, t});
    for (std::uint8_t s = 0; s < nsrc; ++s) b.insert(b.end(), {10, 0, t, static_cast<std::uint8_t>(s + 1)});
    for (std::uint8_t i = 0; i < aux_words * 4; ++i) b.push_back(static_cast<std::uint8_t>(0xa0 + i));
  }
  const auto r = decode_igmp(igmp(b));
  ASSERT_TRUE(r) << to_string(r.error());
  const auto& report = std::get<V3Report>(*r);
  EXPECT_EQ(report.version, Version::IGMPv3);
  ASSERT_EQ(report.records.size(), 6u);
  for (std::uint8_t t = 1; t <= 6; ++t) {
    const GroupRecord& rec = report.records[t - 1];
    EXPECT_EQ(rec.type, static_cast<RecordType>(t));
    EXPECT_EQ(rec.group, Address(AddressV4({239, 0, 0, t})));
    EXPECT_EQ(rec.sources.size(), t % 3u);
  }
  EXPECT_EQ(report.records[2].sources, std::vector<Address>{});
  EXPECT_EQ(report.records[4].sources, (std::vector{v4("10.0.5.1"), v4("10.0.5.2")}));
  EXPECT_EQ(report.records[5].aux_data, (std::vector<std::uint8_t>{0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7}));
  EXPECT_TRUE(report.records[0].aux_data.empty());
}

TEST(Igmp, V3ReportWithNoRecordsIsValid) {
  const auto r = decode_igmp(igmp({0x22, 0, 0, 0, 0, 0, 0, 0}));
  ASSERT_TRUE(r);
  EXPECT_TRUE(std::get<V3Report>(*r).records.empty());
}

// --- Encoding -------------------------------------------------------------------

TEST(IgmpEncode, MessageTypesOnTheWire) {
  EXPECT_EQ(encode_igmp(MembershipReport{Version::IGMPv1, v4("239.1.1.3")})[0], 0x12);
  EXPECT_EQ(encode_igmp(MembershipReport{Version::IGMPv2, v4("239.1.1.3")})[0], 0x16);
  EXPECT_EQ(encode_igmp(LeaveGroup{Version::IGMPv2, v4("239.1.1.3")})[0], 0x17);
  EXPECT_EQ(encode_igmp(V3Report{Version::IGMPv3, {}})[0], 0x22);
  EXPECT_EQ(encode_igmp(Query{.version = Version::IGMPv1})[0], 0x11);
}

TEST(IgmpEncode, V2ReportBytes) {
  const Bytes b = encode_igmp(MembershipReport{Version::IGMPv2, v4("239.1.1.2")});
  ASSERT_EQ(b.size(), 8u);
  EXPECT_EQ(b, (Bytes{0x16, 0, b[2], b[3], 239, 1, 1, 2}));
  EXPECT_EQ(internet_checksum(b), 0);
}

// RFC 3376 §7.1: an 8-octet query with code 0 would be read as IGMPv1, so an
// IGMPv2 query always carries at least 1 (0.1 s); the field saturates at 255.
TEST(IgmpEncode, V2QueryMaxRespTimeStaysNonZeroAndSaturates) {
  EXPECT_EQ(encode_igmp(Query{.version = Version::IGMPv2, .group = v4("0.0.0.0"), .max_response_time = 0ms})[1], 1);
  EXPECT_EQ(encode_igmp(Query{.version = Version::IGMPv2, .group = v4("0.0.0.0"), .max_response_time = 60s})[1], 255);
  EXPECT_EQ(encode_igmp(Query{.version = Version::IGMPv2, .group = v4("0.0.0.0"), .max_response_time = 10s})[1], 100);
  EXPECT_EQ(encode_igmp(Query{.version = Version::IGMPv1, .max_response_time = 10s})[1], 0);
}

TEST(IgmpEncode, V3QueryLayout) {
  const Query q{.version = Version::IGMPv3, .group = v4("232.1.1.1"), .max_response_time = 12800ms,
                .suppress_router_side_processing = true, .qrv = 3, .qqi = 125s,
                .sources = {v4("198.51.100.7")}};
  const Bytes b = encode_igmp(q);
  EXPECT_EQ(b, (Bytes{0x11, 0x80, b[2], b[3], 232, 1, 1, 1, 0x0b, 125, 0, 1, 198, 51, 100, 7}));
  EXPECT_EQ(internet_checksum(b), 0);
}

// RFC 3376 §4.1.1/§4.1.7: times that no code represents round down (never a
// longer time than configured); QRV is 3 bits (§4.1.6).
TEST(IgmpEncode, V3QueryRoundsTimesDownToCodes) {
  const Query q{.version = Version::IGMPv3, .max_response_time = 13550ms, .qrv = 9, .qqi = 130s};
  const Bytes b = encode_igmp(q);
  EXPECT_EQ(b[1], 0x80);  // 135 tenths: the largest code <= 135 means 128
  EXPECT_EQ(b[8], 0x01);  // 9 & 7
  EXPECT_EQ(b[9], 0x80);  // 130 s -> 128 s
}

}  // namespace
}  // namespace mcproxy::codec::test
