// split_report(): IGMPv3 / MLDv2 reports cut to a message size budget
// (RFC 3376 §4.2.16, RFC 3810 §5.2.15).
#include "tests/unit/codec/test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace mcproxy::codec::test {
namespace {

Address nth_v4_source(std::size_t i) {
  return Address(AddressV4(static_cast<AddressV4::uint_type>(0x0a000000u + 1 + i)));  // 10.0.0.1 + i
}

Address nth_v6_source(std::size_t i) {
  AddressV6::bytes_type b{0x20, 0x01, 0x0d, 0xb8};
  b[14] = static_cast<std::uint8_t>((i + 1) >> 8);
  b[15] = static_cast<std::uint8_t>(i + 1);
  return Address(AddressV6(b));
}

Address v6_group(std::size_t i) {
  AddressV6::bytes_type b{0xff, 0x3e};
  b[15] = static_cast<std::uint8_t>(i + 1);
  return Address(AddressV6(b));
}

Address nth_v4_group(std::size_t i) { return Address(AddressV4(static_cast<AddressV4::uint_type>(0xef010000u + i))); }

GroupRecord record(RecordType t, Address group, std::size_t sources, bool v6 = false) {
  GroupRecord r{t, group, {}, {}};
  for (std::size_t i = 0; i < sources; ++i) r.sources.push_back(v6 ? nth_v6_source(i) : nth_v4_source(i));
  return r;
}

std::size_t encoded_size(const V3Report& r) {
  return r.version == Version::IGMPv3 ? encode_igmp(r).size() : encode_mld(r, v6("fe80::1"), v6("ff02::16")).size();
}

// IPv4 MTU 1500 minus the 24-octet IGMP IP header; IPv6 1500 minus 40 + 8.
constexpr std::size_t kIgmpBudget = 1476;
constexpr std::size_t kMldBudget = 1452;

TEST(SplitReport, AReportThatFitsIsReturnedUnchanged) {
  const V3Report r{Version::IGMPv3, {record(RecordType::ModeIsInclude, v4("232.1.1.1"), 3)}};
  const auto parts = split_report(r, kIgmpBudget);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0], r);
}

TEST(SplitReport, AnEmptyReportHasNothingToSend) {
  EXPECT_TRUE(split_report(V3Report{Version::IGMPv3, {}}, kIgmpBudget).empty());
}

// RFC 3376 §4.2.16: records that do not fit go into further reports, in order.
TEST(SplitReport, Rfc3376_4_2_16_ManyRecordsSpreadOverReports) {
  V3Report r{Version::IGMPv3, {}};
  for (std::size_t i = 0; i < 500; ++i) r.records.push_back(record(RecordType::ModeIsExclude, nth_v4_group(i), 0));
  const auto parts = split_report(r, kIgmpBudget);
  // (1476 - 8) / 8 = 183 records per report.
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].records.size(), 183u);
  std::vector<GroupRecord> joined;
  for (const auto& p : parts) {
    EXPECT_EQ(p.version, Version::IGMPv3);
    EXPECT_LE(encoded_size(p), kIgmpBudget);
    joined.insert(joined.end(), p.records.begin(), p.records.end());
  }
  EXPECT_EQ(joined, r.records);
}

// RFC 3376 §4.2.16: a record with too many sources that is not IS_EX/TO_EX is
// split into records with different subsets, each in its own report.
TEST(SplitReport, Rfc3376_4_2_16_LargeIncludeRecordIsSplitBySources) {
  for (RecordType t : {RecordType::ModeIsInclude, RecordType::ChangeToIncludeMode, RecordType::AllowNewSources,
                       RecordType::BlockOldSources}) {
    const GroupRecord big = record(t, v4("232.1.1.1"), 1000);
    const auto parts = split_report(V3Report{Version::IGMPv3, {big}}, kIgmpBudget);
    // (1476 - 8 - 8) / 4 = 365 sources per part.
    ASSERT_EQ(parts.size(), 3u) << to_string(t);
    std::vector<Address> sources;
    for (const auto& p : parts) {
      ASSERT_EQ(p.records.size(), 1u);
      EXPECT_EQ(p.records[0].type, t);
      EXPECT_EQ(p.records[0].group, big.group);
      EXPECT_LE(encoded_size(p), kIgmpBudget);
      sources.insert(sources.end(), p.records[0].sources.begin(), p.records[0].sources.end());
    }
    EXPECT_EQ(parts[0].records[0].sources.size(), 365u);
    EXPECT_EQ(sources, big.sources);
  }
}

// RFC 3376 §4.2.16: an IS_EX / TO_EX record is not split: one record with as
// many sources as fit; the rest are not reported.
TEST(SplitReport, Rfc3376_4_2_16_LargeExcludeRecordIsTruncated) {
  for (RecordType t : {RecordType::ModeIsExclude, RecordType::ChangeToExcludeMode}) {
    const GroupRecord big = record(t, v4("239.1.1.1"), 1000);
    const auto parts = split_report(V3Report{Version::IGMPv3, {big}}, kIgmpBudget);
    ASSERT_EQ(parts.size(), 1u) << to_string(t);
    ASSERT_EQ(parts[0].records.size(), 1u);
    EXPECT_EQ(parts[0].records[0].sources,
              std::vector<Address>(big.sources.begin(), big.sources.begin() + 365));
    EXPECT_LE(encoded_size(parts[0]), kIgmpBudget);
  }
}

// RFC 3810 §5.2.15: the same for MLDv2, with 16-octet addresses.
TEST(SplitReport, Rfc3810_5_2_15_MldRecordsAreSplitToo) {
  const GroupRecord big = record(RecordType::AllowNewSources, v6("ff3e::1"), 200, true);
  const V3Report r{Version::MLDv2, {record(RecordType::ChangeToExcludeMode, v6("ff3e::2"), 0, true), big}};
  const auto parts = split_report(r, kMldBudget);
  // (1452 - 8 - 20) / 16 = 89 sources per part: 89 + 89 + 22.
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0].records, std::vector<GroupRecord>{r.records[0]});
  EXPECT_EQ(parts[1].records[0].sources.size(), 89u);
  EXPECT_EQ(parts[3].records[0].sources.size(), 22u);
  for (const auto& p : parts) {
    EXPECT_EQ(p.version, Version::MLDv2);
    EXPECT_LE(encoded_size(p), kMldBudget);
  }
}

// Records after a split record share its last report when they fit.
TEST(SplitReport, LaterRecordsJoinTheLastPartOfASplitRecord) {
  const V3Report r{Version::IGMPv3, {record(RecordType::AllowNewSources, v4("232.1.1.1"), 400),
                                     record(RecordType::ModeIsExclude, v4("239.1.1.1"), 0)}};
  const auto parts = split_report(r, kIgmpBudget);
  ASSERT_EQ(parts.size(), 2u);
  ASSERT_EQ(parts[1].records.size(), 2u);
  EXPECT_EQ(parts[1].records[0].sources.size(), 35u);
  EXPECT_EQ(parts[1].records[1], r.records[1]);
}

// Aux data stays with every part of its record and counts against the budget.
TEST(SplitReport, AuxDataTravelsWithEachPart) {
  GroupRecord big = record(RecordType::AllowNewSources, v4("232.1.1.1"), 20);
  big.aux_data = {1, 2, 3, 4, 5, 6, 7, 8};
  const auto parts = split_report(V3Report{Version::IGMPv3, {big}}, 8 + 8 + 8 + 10 * 4);
  ASSERT_EQ(parts.size(), 2u);
  for (const auto& p : parts) {
    EXPECT_EQ(p.records[0].aux_data, big.aux_data);
    EXPECT_EQ(p.records[0].sources.size(), 10u);
  }
}

// A budget below one record with one source cannot be met: parts then carry
// one source each rather than losing sources or looping.
TEST(SplitReport, DegenerateBudgetStillReportsEverySource) {
  const GroupRecord big = record(RecordType::AllowNewSources, v4("232.1.1.1"), 5);
  const auto parts = split_report(V3Report{Version::IGMPv3, {big}}, 4);
  ASSERT_EQ(parts.size(), 5u);
  for (const auto& p : parts) EXPECT_EQ(p.records[0].sources.size(), 1u);
}

// A record that exceeds the budget through its aux data alone cannot be
// split: it is sent whole, in a report of its own, never dropped.
TEST(SplitReport, RecordTooLargeWithoutSourcesIsSentWhole) {
  for (RecordType t : {RecordType::ModeIsExclude, RecordType::AllowNewSources}) {
    GroupRecord r = record(t, v4("232.1.1.1"), 1);
    r.aux_data.assign(64, 0xaa);
    GroupRecord no_sources = r;
    no_sources.sources.clear();
    const auto parts = split_report(V3Report{Version::IGMPv3, {record(RecordType::ModeIsExclude, v4("239.1.1.1"), 0), r, no_sources}}, 40);
    ASSERT_EQ(parts.size(), 3u) << to_string(t);
    EXPECT_EQ(parts[1].records, std::vector<GroupRecord>{r});
    EXPECT_EQ(parts[2].records, std::vector<GroupRecord>{no_sources});
  }
}

// The 16-bit Number of Group Records bounds a report whatever the budget.
TEST(SplitReport, AtMost65535RecordsPerReport) {
  V3Report r{Version::IGMPv3, {}};
  for (std::size_t i = 0; i < 70000; ++i) r.records.push_back(record(RecordType::ModeIsExclude, nth_v4_group(i), 0));
  const auto parts = split_report(r, std::size_t{1} << 30);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].records.size(), 65535u);
  EXPECT_EQ(parts[1].records.size(), 70000u - 65535u);
}

// Random reports and budgets (fixed seed): records stay in order, no source
// is lost except the tail of an oversized IS_EX/TO_EX, and every part fits
// unless the budget cannot hold one record with one source.
TEST(SplitReport, PropertiesHoldForRandomReports) {
  std::mt19937 rng(3376);
  for (int round = 0; round < 300; ++round) {
    const bool v6 = rng() % 2 == 0;
    V3Report r{v6 ? Version::MLDv2 : Version::IGMPv3, {}};
    const std::size_t records = rng() % 40;
    for (std::size_t i = 0; i < records; ++i) {
      GroupRecord rec = record(static_cast<RecordType>(1 + rng() % 6), v6 ? v6_group(i) : nth_v4_group(i), rng() % 300, v6);
      if (rng() % 5 == 0) rec.aux_data.assign(4 * (rng() % 3), 0x55);
      r.records.push_back(rec);
    }
    const std::size_t budget = 16 + rng() % 1500;
    const auto parts = split_report(r, budget);
    std::vector<GroupRecord> flat;
    for (const auto& p : parts) {
      ASSERT_FALSE(p.records.empty());
      EXPECT_EQ(p.version, r.version);
      const bool degenerate = p.records.size() == 1 && p.records[0].sources.size() <= 1;
      if (!degenerate) {
        EXPECT_LE(encoded_size(p), budget) << "round " << round;
      }
      flat.insert(flat.end(), p.records.begin(), p.records.end());
    }
    std::size_t at = 0;
    for (const GroupRecord& original : r.records) {
      std::vector<Address> sources;
      std::size_t pieces = 0;
      while (at < flat.size() && flat[at].group == original.group && flat[at].type == original.type) {
        EXPECT_EQ(flat[at].aux_data, original.aux_data);
        sources.insert(sources.end(), flat[at].sources.begin(), flat[at].sources.end());
        ++at;
        ++pieces;
      }
      ASSERT_GE(pieces, 1u) << "record lost, round " << round;
      const bool exclude = original.type == RecordType::ModeIsExclude || original.type == RecordType::ChangeToExcludeMode;
      if (exclude) {
        EXPECT_EQ(pieces, 1u);
        EXPECT_TRUE(std::equal(sources.begin(), sources.end(), original.sources.begin())) << "round " << round;
      } else {
        EXPECT_EQ(sources, original.sources) << "round " << round;
      }
    }
    EXPECT_EQ(at, flat.size());
  }
}

// Split parts are ordinary reports: they encode and decode back unchanged.
TEST(SplitReport, PartsRoundTrip) {
  const V3Report r{Version::MLDv2, {record(RecordType::ModeIsInclude, v6("ff3e::1"), 300, true)}};
  for (const auto& p : split_report(r, kMldBudget)) {
    const auto d = decode_mld(encode_mld(p, v6("fe80::1"), v6("ff02::16")), v6("fe80::1"), v6("ff02::16"));
    ASSERT_TRUE(d);
    EXPECT_EQ(std::get<V3Report>(*d), p);
  }
}

}  // namespace
}  // namespace mcproxy::codec::test
