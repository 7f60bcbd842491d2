// Older version hosts: group compatibility mode, Older Host Present timers and
// the translation rules (RFC 3376 §7.3.2, RFC 3810 §8.3.2); configured v1/v2.
#include "instances/router/compatibility.hpp"
#include "router_test_support.hpp"

#include <gtest/gtest.h>

namespace mcproxy::instances::test {
namespace {

using codec::RecordType;
using codec::Version;

// §7.3.2: an IGMPv2 report is IS_EX({}) and puts the group in IGMPv2 mode; it
// returns to IGMPv3 when the IGMPv2 Host Present timer (OHPI = 260 s) expires.
TEST(Compatibility, Rfc3376_7_3_2_V2HostOnV3Link_ThenBackToV3AfterOlderHostPresent) {
  Harness h;
  h.receive(old_report(Version::IGMPv2, "192.0.2.20", "239.1.1.1"));
  EXPECT_EQ(h.router.compatibility_mode(ip("239.1.1.1")), Version::IGMPv2);
  EXPECT_EQ(h.router.membership(ip("239.1.1.1")), (Membership{FilterMode::Exclude, {}}));
  EXPECT_TRUE(h.changed("239.1.1.1"));
  EXPECT_EQ(h.router.counters().received.at("igmpv2-report"), 1u);
  // A v3 host keeps the group alive; the v2 host goes silent.
  h.advance(200s);
  h.receive(v3_report("192.0.2.21", {record(RecordType::ModeIsExclude, "239.1.1.1")}));
  h.advance(59s);
  EXPECT_EQ(h.router.compatibility_mode(ip("239.1.1.1")), Version::IGMPv2);
  h.advance(1s);
  EXPECT_EQ(h.router.compatibility_mode(ip("239.1.1.1")), Version::IGMPv3);
  EXPECT_TRUE(h.forwarding("239.1.1.1"));
}

// §7.3.2 IGMPv2 mode: "BLOCK messages are ignored, as are source-lists in TO_EX() messages".
TEST(Compatibility, Rfc3376_7_3_2_V2Mode_IgnoresBlockAndToExSources) {
  Harness h;
  h.receive(old_report(Version::IGMPv2, "192.0.2.20", "239.1.1.1"));
  h.clear();
  h.receive(v3_report("192.0.2.21", {record(RecordType::BlockOldSources, "239.1.1.1", {"198.51.100.1"})}));
  EXPECT_TRUE(h.queries().empty());
  EXPECT_EQ(h.router.counters().dropped.at("ignored-in-igmpv2-mode"), 1u);
  h.receive(v3_report("192.0.2.21", {record(RecordType::ChangeToExcludeMode, "239.1.1.1", {"198.51.100.1"})}));
  EXPECT_EQ(h.router.membership(ip("239.1.1.1")), (Membership{FilterMode::Exclude, {}}));
  EXPECT_TRUE(h.forwarding("239.1.1.1", "198.51.100.1"));
}

// §7.3.2: an IGMPv2 Leave is TO_IN({}): Q(G) and removal after LMQT.
TEST(Compatibility, Rfc3376_7_3_2_V2Leave_IsToInEmpty) {
  Harness h;
  h.receive(old_report(Version::IGMPv2, "192.0.2.20", "239.1.1.1"));
  h.clear();
  h.receive(leave(Version::IGMPv2, "192.0.2.20", "239.1.1.1"));
  EXPECT_EQ(h.router.counters().received.at("igmpv2-leave"), 1u);
  ASSERT_EQ(h.queries().size(), 1u);
  EXPECT_EQ(h.queries()[0].version, Version::IGMPv3);  // we query in our configured version
  EXPECT_EQ(h.queries()[0].group, ip("239.1.1.1"));
  h.advance(2s);
  EXPECT_FALSE(h.forwarding("239.1.1.1"));
}

// §7.3.2 IGMPv1 mode: a v1 report is IS_EX({}); Leave and TO_IN are ignored.
TEST(Compatibility, Rfc3376_7_3_2_V1Mode_IgnoresLeaveAndToIn) {
  Harness h;
  h.receive(old_report(Version::IGMPv1, "192.0.2.20", "239.1.1.1"));
  EXPECT_EQ(h.router.compatibility_mode(ip("239.1.1.1")), Version::IGMPv1);
  h.clear();
  h.receive(leave(Version::IGMPv2, "192.0.2.21", "239.1.1.1"));
  h.receive(v3_report("192.0.2.22", {record(RecordType::ChangeToIncludeMode, "239.1.1.1")}));
  EXPECT_TRUE(h.queries().empty());
  EXPECT_EQ(h.router.counters().dropped.at("ignored-in-igmpv1-mode"), 2u);
  h.advance(10s);
  EXPECT_TRUE(h.forwarding("239.1.1.1"));
  // A v2 report keeps IGMPv1 mode while the v1 timer runs (v1 wins, §7.3.2 table).
  h.receive(old_report(Version::IGMPv2, "192.0.2.21", "239.1.1.1"));
  EXPECT_EQ(h.router.compatibility_mode(ip("239.1.1.1")), Version::IGMPv1);
  h.advance(250s);  // v1 timer (set at 0) expires at 260 s; v2 timer runs until 270 s
  EXPECT_EQ(h.router.compatibility_mode(ip("239.1.1.1")), Version::IGMPv2);
}

// Configured IGMPv2 (RFC 2236 router): v3 reports are not understood; leaves
// cause IGMPv2 group-specific queries.
TEST(Compatibility, ConfiguredIgmpv2_DropsV3Reports_SendsV2GroupQueries) {
  Harness h(options(config::Protocol::IGMPv2));
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  EXPECT_EQ(h.router.counters().dropped.at("version-not-enabled"), 1u);
  EXPECT_FALSE(h.forwarding("239.1.1.1"));
  h.receive(old_report(Version::IGMPv2, "192.0.2.20", "239.1.1.1"));
  EXPECT_EQ(h.router.compatibility_mode(ip("239.1.1.1")), Version::IGMPv2);
  h.clear();
  h.receive(leave(Version::IGMPv2, "192.0.2.20", "239.1.1.1"));
  ASSERT_EQ(h.queries().size(), 1u);
  EXPECT_EQ(h.queries()[0].version, Version::IGMPv2);
  EXPECT_EQ(h.queries()[0].max_response_time, 1s);
  EXPECT_EQ(h.router.counters().sent.at("igmpv2-group-query"), 1u);
}

// Configured IGMPv1 (§7.3.1: "MUST ignore Leave Group messages"): no queries on leave.
TEST(Compatibility, Rfc3376_7_3_1_ConfiguredIgmpv1_IgnoresLeaves) {
  Harness h(options(config::Protocol::IGMPv1));
  h.receive(old_report(Version::IGMPv2, "192.0.2.20", "239.1.1.1"));
  EXPECT_EQ(h.router.compatibility_mode(ip("239.1.1.1")), Version::IGMPv1);
  h.clear();
  h.receive(leave(Version::IGMPv2, "192.0.2.20", "239.1.1.1"));
  EXPECT_TRUE(h.queries().empty());
  EXPECT_TRUE(h.forwarding("239.1.1.1"));
}

// RFC 3810 §8.3.2: an MLDv1 report is IS_EX({}) (MLDv1 mode), Done is TO_IN({}).
TEST(Compatibility, Rfc3810_8_3_2_Mldv1ReportAndDone) {
  Harness h(options(config::Protocol::MLDv2));
  h.receive(old_report(Version::MLDv1, "fe80::20", "ff3e::8000:2"));
  EXPECT_EQ(h.router.compatibility_mode(ip("ff3e::8000:2")), Version::MLDv1);
  EXPECT_TRUE(h.forwarding("ff3e::8000:2"));
  h.clear();
  h.receive(leave(Version::MLDv1, "fe80::20", "ff3e::8000:2"));
  EXPECT_EQ(h.router.counters().received.at("mldv1-done"), 1u);
  ASSERT_EQ(h.queries().size(), 1u);
  EXPECT_EQ(h.queries()[0].version, Version::MLDv2);
  EXPECT_EQ(h.packets()[0].destination, ip("ff3e::8000:2"));
  h.advance(2s);
  EXPECT_FALSE(h.forwarding("ff3e::8000:2"));
  EXPECT_EQ(h.router.compatibility_mode(ip("ff3e::8000:2")), Version::MLDv2);  // record deleted
}

TEST(Compatibility, TranslateTable) {
  const SourceSet s = sources({"198.51.100.1"});
  EXPECT_EQ(translate(CompatibilityMode::V3, RecordType::BlockOldSources, s)->sources, s);
  EXPECT_FALSE(translate(CompatibilityMode::V2, RecordType::BlockOldSources, s));
  EXPECT_TRUE(translate(CompatibilityMode::V2, RecordType::ChangeToExcludeMode, s)->sources.empty());
  EXPECT_EQ(translate(CompatibilityMode::V2, RecordType::ChangeToIncludeMode, s)->sources, s);
  EXPECT_FALSE(translate(CompatibilityMode::V1, RecordType::ChangeToIncludeMode, {}));
  EXPECT_EQ(translate(CompatibilityMode::V1, RecordType::ModeIsExclude, {})->type, RecordType::ModeIsExclude);
  EXPECT_EQ(to_version(CompatibilityMode::V1, Family::V6), Version::MLDv1);
  EXPECT_EQ(level_of(Version::MLDv1), CompatibilityMode::V2);
  EXPECT_EQ(level_of(config::Protocol::MLDv2), CompatibilityMode::V3);
}

// RFC 9776 §7.3.1: "It is RECOMMENDED that implementations provide a
// configuration option to disable use of compatibility mode to allow networks
// to operate only in SSM mode." With it off, IGMPv1/v2 reports and leaves are
// dropped and a v3 source list is never cut down to IGMPv2's ASM join.
TEST(Compatibility, Rfc9776_7_3_1_CompatibilityModeOffDropsOlderReports) {
  DownstreamOptions o = options();
  o.compatibility = false;
  Harness h(o);
  h.receive(v3_report("192.0.2.21", {record(RecordType::AllowNewSources, "232.1.1.1", {"198.51.100.1"})}));
  h.receive(old_report(Version::IGMPv2, "192.0.2.20", "232.1.1.1"));
  h.receive(old_report(Version::IGMPv1, "192.0.2.20", "239.1.1.1"));
  h.receive(leave(Version::IGMPv2, "192.0.2.20", "232.1.1.1"));
  EXPECT_EQ(h.router.counters().dropped.at("compatibility-mode-off"), 3u);
  EXPECT_EQ(h.router.compatibility_mode(ip("232.1.1.1")), Version::IGMPv3);
  EXPECT_EQ(h.router.membership(ip("232.1.1.1")), (Membership{FilterMode::Include, sources({"198.51.100.1"})}));
  EXPECT_FALSE(h.router.membership(ip("239.1.1.1")));
}

// Switched off at runtime, a running IGMPv2 Host Present timer no longer counts.
TEST(Compatibility, CompatibilityModeOffAtRuntimeEndsOlderMode) {
  Harness h;
  h.receive(old_report(Version::IGMPv2, "192.0.2.20", "239.1.1.1"));
  EXPECT_EQ(h.router.compatibility_mode(ip("239.1.1.1")), Version::IGMPv2);
  DownstreamOptions o = options();
  o.compatibility = false;
  h.router.reconfigure(o, h.now, h.out);
  EXPECT_EQ(h.router.compatibility_mode(ip("239.1.1.1")), Version::IGMPv3);
  h.receive(v3_report("192.0.2.21", {record(RecordType::BlockOldSources, "239.1.1.1", {"198.51.100.1"})}));
  EXPECT_EQ(h.router.counters().dropped.count("ignored-in-igmpv2-mode"), 0u);  // BLOCK is taken (§7.3.2 would drop it)
}

}  // namespace
}  // namespace mcproxy::instances::test
