// Scenarios across time with the fake clock: joins, leaves, refreshes by
// general queries, timer ordering, reconfiguration.
#include "router_test_support.hpp"

#include <gtest/gtest.h>

namespace mcproxy::instances::test {
namespace {

using codec::RecordType;
using codec::Version;

// Two hosts join, one leaves, the other answers the group-specific query: the
// group is forwarded throughout (RFC 3376 §6.4.2: "the suggestion to the
// routing protocol to forward the group stands without any interruption").
TEST(Scenario, TwoHostsJoin_OneLeaves_OtherStays_NoForwardingGap) {
  Harness h;
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  h.receive(v3_report("192.0.2.21", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  h.advance(60s);
  h.clear();
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToIncludeMode, "239.1.1.1")}));
  ASSERT_EQ(h.queries().size(), 1u);
  for (int step = 0; step < 20; ++step) {
    h.advance(100ms);
    EXPECT_TRUE(h.forwarding("239.1.1.1"));
    if (step == 7) h.receive(v3_report("192.0.2.21", {record(RecordType::ModeIsExclude, "239.1.1.1")}));
  }
  EXPECT_FALSE(h.changed("239.1.1.1"));
  EXPECT_EQ(h.router.hosts(ip("239.1.1.1")), std::set<Address>{ip("192.0.2.21")});
}

// Membership kept alive by answers to General Queries, lost GMI after the last.
TEST(Scenario, RefreshedByGeneralQueryAnswers_ThenExpiresAfterGmi) {
  Harness h;
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  for (int i = 0; i < 5; ++i) {
    h.advance(125s);
    h.receive(v3_report("192.0.2.20", {record(RecordType::ModeIsExclude, "239.1.1.1")}));
  }
  h.clear();
  h.advance(269s);
  EXPECT_TRUE(h.forwarding("239.1.1.1"));
  h.advance(1s);
  EXPECT_FALSE(h.forwarding("239.1.1.1"));
  EXPECT_TRUE(h.changed("239.1.1.1"));
}

// RFC 9776 §8.4 / RFC 9777 §9.4 (revised from RFC 3376 / RFC 3810): the Group
// Membership Interval is RV x QI plus 2 x QRI, so a membership that RFC 3376's
// RV x QI + QRI would have dropped at 260 s still holds at 269 s.
TEST(Scenario, Rfc9776_8_4_GroupMembershipIntervalIsTwiceQri) {
  Harness h;
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  EXPECT_EQ(*h.router.group_timer(ip("239.1.1.1")), h.now + 270s);
  h.advance(269s);
  EXPECT_TRUE(h.forwarding("239.1.1.1"));
  h.advance(1s);
  EXPECT_FALSE(h.forwarding("239.1.1.1"));
}

// SSM: INCLUDE source lists from two hosts; one source times out (§6.3).
TEST(Scenario, SourceTimersExpireIndividually) {
  Harness h;
  h.receive(v3_report("192.0.2.20", {record(RecordType::AllowNewSources, "232.1.1.1", {"198.51.100.1"})}));
  h.advance(100s);
  h.receive(v3_report("192.0.2.21", {record(RecordType::AllowNewSources, "232.1.1.1", {"198.51.100.2"})}));
  h.advance(170s);
  EXPECT_FALSE(h.forwarding("232.1.1.1", "198.51.100.1"));
  EXPECT_TRUE(h.forwarding("232.1.1.1", "198.51.100.2"));
  EXPECT_EQ(h.router.membership(ip("232.1.1.1")), (Membership{FilterMode::Include, sources({"198.51.100.2"})}));
  h.advance(100s);
  EXPECT_FALSE(h.router.membership(ip("232.1.1.1")));
}

// EXCLUDE with requested sources switches back to INCLUDE when the EXCLUDE
// host goes silent (§6.5), without interrupting the INCLUDE host's source.
TEST(Scenario, Rfc3376_6_5_ExcludeHostSilent_SwitchBackToInclude) {
  Harness h;
  h.receive(v3_report("192.0.2.20", {record(RecordType::AllowNewSources, "239.1.1.1", {"198.51.100.1"})}));
  h.receive(v3_report("192.0.2.21", {record(RecordType::ChangeToExcludeMode, "239.1.1.1", {"198.51.100.2"})}));
  EXPECT_FALSE(h.forwarding("239.1.1.1", "198.51.100.2"));
  EXPECT_TRUE(h.forwarding("239.1.1.1", "198.51.100.3"));
  h.advance(200s);
  h.receive(v3_report("192.0.2.20", {record(RecordType::ModeIsInclude, "239.1.1.1", {"198.51.100.1"})}));
  h.advance(70s);  // group timer (set at 0) expires at 270 s
  EXPECT_EQ(h.router.membership(ip("239.1.1.1")), (Membership{FilterMode::Include, sources({"198.51.100.1"})}));
  EXPECT_TRUE(h.changed("239.1.1.1"));
}

// on_timer runs what is due in deadline order, as if called at each deadline:
// calling it late gives the same state and the same packets.
TEST(Scenario, LateOnTimerEqualsPunctual) {
  Harness punctual;
  Harness late;
  for (Harness* h : {&punctual, &late}) {
    h->receive(v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")}));
    h->receive(v3_report("192.0.2.20", {record(RecordType::ChangeToIncludeMode, "239.1.1.1")}));
  }
  for (int i = 0; i < 600; ++i) punctual.advance(500ms);
  late.advance(300s);
  EXPECT_EQ(punctual.packets(), late.packets());
  EXPECT_EQ(punctual.out.changed_groups, late.out.changed_groups);
  EXPECT_EQ(punctual.router.next_deadline(), late.router.next_deadline());
}

// handle() first runs the timers that are due.
TEST(Scenario, HandleRunsDueTimersFirst) {
  Harness h;
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  h.now += 271s;  // no on_timer call
  h.receive(v3_report("192.0.2.20", {record(RecordType::BlockOldSources, "239.1.1.1", {"198.51.100.1"})}));
  EXPECT_FALSE(h.forwarding("239.1.1.1"));  // expired at 270 s; the BLOCK then does nothing (INCLUDE {})
  EXPECT_TRUE(h.changed("239.1.1.1"));
}

// Reconfiguring to the other family starts afresh.
TEST(Scenario, ReconfigureToOtherFamilyResets) {
  Harness h;
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  h.clear();
  h.router.reconfigure(options(config::Protocol::MLDv2), h.now, h.out);
  EXPECT_TRUE(h.changed("239.1.1.1"));
  EXPECT_TRUE(h.router.memberships().empty());
  EXPECT_FALSE(h.router.is_querier());  // the IPv4 address does not carry over
  h.router.set_address(ip("fe80::10"), h.now, h.out);
  EXPECT_TRUE(h.router.is_querier());
  ASSERT_EQ(h.queries().size(), 1u);
  EXPECT_EQ(h.queries()[0].version, Version::MLDv2);
}

// Same family: state is kept, new options apply (quick leave switched on).
TEST(Scenario, ReconfigureKeepsState) {
  Harness h;
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  h.router.reconfigure(options(config::Protocol::IGMPv3, true), h.now, h.out);
  EXPECT_TRUE(h.forwarding("239.1.1.1"));
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToIncludeMode, "239.1.1.1")}));
  EXPECT_FALSE(h.forwarding("239.1.1.1"));
}

TEST(Scenario, CopyAndMove) {
  Harness h;
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  DownstreamRouter copy = h.router;
  DownstreamRouter moved = std::move(copy);
  EXPECT_EQ(moved.interface(), "eth1");
  EXPECT_EQ(moved.memberships(), h.router.memberships());
  DownstreamRouter other("eth9", options());
  other = moved;
  EXPECT_TRUE(other.membership(ip("239.1.1.1")));
  other = std::move(moved);
  EXPECT_EQ(other.interface(), "eth1");
}

}  // namespace
}  // namespace mcproxy::instances::test

namespace mcproxy::instances::test {
namespace {

// Reconfiguring IGMPv3 -> IGMPv2: pending source-specific queries end; the
// groups become IGMPv2 mode and queries are sent as IGMPv2 from now on.
TEST(Scenario, ReconfigureToOlderVersion) {
  Harness h;
  h.receive(v3_report("192.0.2.20", {record(codec::RecordType::AllowNewSources, "232.1.1.1", {"198.51.100.1"})}));
  h.receive(v3_report("192.0.2.20", {record(codec::RecordType::BlockOldSources, "232.1.1.1", {"198.51.100.1"})}));
  h.router.reconfigure(options(config::Protocol::IGMPv2), h.now, h.out);
  h.clear();
  h.advance(1s);
  EXPECT_TRUE(h.queries().empty());
  EXPECT_EQ(h.router.compatibility_mode(ip("232.1.1.1")), codec::Version::IGMPv2);
  h.advance(125s);
  ASSERT_FALSE(h.queries().empty());
  EXPECT_EQ(h.queries().back().version, codec::Version::IGMPv2);
}

}  // namespace
}  // namespace mcproxy::instances::test

namespace mcproxy::instances::test {
namespace {

// RFC 3376 §6.4.1: IS_EX / TO_EX set the group timer to GMI; ALLOW(B) sets
// the source timers of B to GMI. The status accessors report those deadlines.
TEST(RouterStatus, Rfc3376_6_2_GroupAndSourceTimersAreVisible) {
  Harness h;
  h.receive(v3_report("192.0.2.20", {record(codec::RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  ASSERT_TRUE(h.router.group_timer(ip("239.1.1.1")).has_value());
  EXPECT_EQ(*h.router.group_timer(ip("239.1.1.1")), h.now + kTimers.group_membership_interval());
  EXPECT_FALSE(h.router.group_timer(ip("239.9.9.9")).has_value());
  h.receive(v3_report("192.0.2.21", {record(codec::RecordType::AllowNewSources, "232.1.1.1", {"198.51.100.7"})}));
  ASSERT_TRUE(h.router.source_timer(ip("232.1.1.1"), ip("198.51.100.7")).has_value());
  EXPECT_EQ(*h.router.source_timer(ip("232.1.1.1"), ip("198.51.100.7")), h.now + kTimers.group_membership_interval());
  EXPECT_FALSE(h.router.group_timer(ip("232.1.1.1")).has_value());  // INCLUDE mode: no group timer
}

}  // namespace
}  // namespace mcproxy::instances::test
