// decode(encode(x)) == x for every message kind, alone and in its IP
// envelope, with representable times (RFC 3376 §4.1.1, RFC 3810 §5.1.3).
#include "tests/unit/codec/round_trip_samples.hpp"
#include "tests/unit/codec/test_support.hpp"

#include <gtest/gtest.h>

namespace mcproxy::codec::test {
namespace {

TEST(RoundTrip, EveryIgmpKindAlone) {
  for (const Packet& p : igmp_samples()) {
    const auto d = decode_igmp(encode_igmp(p.message));
    ASSERT_TRUE(d) << describe(p.message) << ": " << to_string(d.error());
    EXPECT_EQ(*d, p.message) << describe(p.message) << " came back as " << describe(*d);
  }
}

TEST(RoundTrip, EveryIgmpKindInIpv4) {
  for (const Packet& p : igmp_samples()) {
    const auto d = decode_ipv4(encode_ipv4(p));
    ASSERT_TRUE(d) << describe(p.message) << ": " << to_string(d.error());
    EXPECT_EQ(*d, p) << describe(p.message) << " came back as " << describe(d->message);
  }
}

TEST(RoundTrip, EveryMldKindAlone) {
  for (const Packet& p : mld_samples()) {
    const auto d = decode_mld(encode_mld(p.message, p.source, p.destination), p.source, p.destination);
    ASSERT_TRUE(d) << describe(p.message) << ": " << to_string(d.error());
    EXPECT_EQ(*d, p.message) << describe(p.message) << " came back as " << describe(*d);
  }
}

TEST(RoundTrip, EveryMldKindInIpv6) {
  for (const Packet& p : mld_samples()) {
    const auto d = decode_ipv6(encode_ipv6(p));
    ASSERT_TRUE(d) << describe(p.message) << ": " << to_string(d.error());
    EXPECT_EQ(*d, p) << describe(p.message) << " came back as " << describe(d->message);
  }
}

TEST(RoundTrip, SamplesCoverEveryKindAndRecordType) {
  std::set<std::string> kinds;
  std::set<RecordType> record_types;
  bool aux = false;
  for (const auto& list : {igmp_samples(), mld_samples()}) {
    for (const Packet& p : list) {
      std::visit(
          [&](const auto& m) {
            kinds.insert(std::string(to_string(m.version)) + typeid(m).name());
            if constexpr (std::is_same_v<std::decay_t<decltype(m)>, V3Report>) {
              for (const auto& r : m.records) {
                record_types.insert(r.type);
                aux = aux || !r.aux_data.empty();
              }
            }
          },
          p.message);
    }
  }
  // IGMP: v1/v2/v3 query, v1/v2 report, leave, v3 report; MLD: v1/v2 query,
  // v1 report, done, v2 report.
  EXPECT_EQ(kinds.size(), 12u);
  EXPECT_EQ(record_types.size(), 6u);
  EXPECT_TRUE(aux);
}

TEST(Describe, OneLinePerMessage) {
  EXPECT_EQ(describe(V3Report{Version::IGMPv3, {GroupRecord{RecordType::ChangeToExcludeMode, v4("239.1.1.1"), {}, {}}}}),
            "IGMPv3 report TO_EX(239.1.1.1, {})");
  EXPECT_EQ(describe(LeaveGroup{Version::MLDv1, v6("ff3e::1")}), "MLDv1 leave ff3e::1");
  EXPECT_EQ(describe(Query{.version = Version::IGMPv2, .group = v4("0.0.0.0"), .max_response_time = 10s}),
            "IGMPv2 general query max-resp 10000ms");
}

}  // namespace
}  // namespace mcproxy::codec::test
