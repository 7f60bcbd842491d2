// Explicit host tracking and quick leave: forwarding ends the moment the last
// interested host leaves, and never while another tracked host still wants it.
#include "instances/router/host_tracking.hpp"
#include "router_test_support.hpp"

#include <gtest/gtest.h>

namespace mcproxy::instances::test {
namespace {

using codec::RecordType;
using codec::Version;

TEST(HostTracker, RecordsFollowHostState) {
  TimerQueue queue;
  Context ctx{kT0, kTimers, queue};
  const Address g = ip("232.1.1.1");
  HostTracker t;
  const Address h1 = ip("192.0.2.20");
  t.on_record(g, h1, RecordType::AllowNewSources, sources({"10.0.0.1"}), ctx);
  EXPECT_EQ(t.interests().at(h1), (HostInterest{FilterMode::Include, sources({"10.0.0.1"})}));
  t.on_record(g, h1, RecordType::AllowNewSources, sources({"10.0.0.2"}), ctx);
  t.on_record(g, h1, RecordType::BlockOldSources, sources({"10.0.0.1"}), ctx);
  EXPECT_EQ(t.interests().at(h1).sources, sources({"10.0.0.2"}));
  EXPECT_TRUE(t.anyone_wants_source(ip("10.0.0.2")));
  EXPECT_FALSE(t.anyone_in_exclude());
  t.on_record(g, h1, RecordType::ChangeToExcludeMode, sources({"10.0.0.3"}), ctx);
  t.on_record(g, h1, RecordType::BlockOldSources, sources({"10.0.0.4"}), ctx);
  t.on_record(g, h1, RecordType::AllowNewSources, sources({"10.0.0.3"}), ctx);
  EXPECT_EQ(t.interests().at(h1), (HostInterest{FilterMode::Exclude, sources({"10.0.0.4"})}));
  EXPECT_TRUE(t.anyone_in_exclude());
  EXPECT_FALSE(t.anyone_wants_source(ip("10.0.0.4")));
  EXPECT_TRUE(t.anyone_wants_source(ip("10.0.0.9")));
  EXPECT_EQ(queue.deadline({TimerKind::HostInterest, ip("232.1.1.1"), h1}), kT0 + 270s);
  t.on_record(g, h1, RecordType::ModeIsInclude, {}, ctx);  // INCLUDE {}: not interested any more
  EXPECT_TRUE(t.hosts(g).empty());
  EXPECT_FALSE(queue.running({TimerKind::HostInterest, ip("232.1.1.1"), h1}));
  t.on_record(g, h1, RecordType::BlockOldSources, sources({"10.0.0.1"}), ctx);  // unknown host: nothing
  EXPECT_TRUE(t.hosts(g).empty());
  t.on_record(g, h1, RecordType::ModeIsExclude, {}, ctx);
  t.on_expiry(h1);
  EXPECT_TRUE(t.hosts(g).empty());
}

// Two hosts join, one leaves: the other keeps the group without a gap. With
// quick leave the remaining tracked host means no Q(G) and no lowered timer.
TEST(QuickLeave, TwoHostsJoin_OneLeaves_NoQueryNoGap) {
  Harness h(options(config::Protocol::IGMPv3, true));
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  h.receive(v3_report("192.0.2.21", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  EXPECT_EQ(h.router.hosts(ip("239.1.1.1")), (std::set<Address>{ip("192.0.2.20"), ip("192.0.2.21")}));
  h.clear();
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToIncludeMode, "239.1.1.1")}));
  EXPECT_TRUE(h.queries().empty());
  EXPECT_EQ(h.router.hosts(ip("239.1.1.1")), std::set<Address>{ip("192.0.2.21")});
  h.advance(30s);
  EXPECT_TRUE(h.forwarding("239.1.1.1"));
  EXPECT_FALSE(h.changed("239.1.1.1"));
}

// The last host leaves: forwarding stops at once; the Last Member Queries are
// still sent so hosts tracking could not see (IGMPv2 report suppression) answer.
TEST(QuickLeave, LastHostLeaves_RemovedAtOnce_QueriesStillSent) {
  Harness h(options(config::Protocol::IGMPv3, true));
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  h.clear();
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToIncludeMode, "239.1.1.1")}));
  EXPECT_FALSE(h.forwarding("239.1.1.1"));
  EXPECT_TRUE(h.changed("239.1.1.1"));
  EXPECT_TRUE(h.router.hosts(ip("239.1.1.1")).empty());
  ASSERT_EQ(h.queries().size(), 1u);
  EXPECT_FALSE(h.queries()[0].suppress_router_side_processing);
  h.advance(1s);
  EXPECT_EQ(h.queries().size(), 2u);
  // An untracked member answers the query: forwarding comes back.
  h.receive(v3_report("192.0.2.22", {record(RecordType::ModeIsExclude, "239.1.1.1")}));
  EXPECT_TRUE(h.forwarding("239.1.1.1"));
  h.advance(10s);
  EXPECT_EQ(h.queries().size(), 2u);
  EXPECT_TRUE(h.forwarding("239.1.1.1"));
}

// Quick leave for an IGMPv2 leave.
TEST(QuickLeave, V2Leave_LastHost) {
  Harness h(options(config::Protocol::IGMPv2, true));
  h.receive(old_report(Version::IGMPv2, "192.0.2.20", "239.1.1.1"));
  h.receive(old_report(Version::IGMPv2, "192.0.2.21", "239.1.1.1"));
  h.receive(leave(Version::IGMPv2, "192.0.2.21", "239.1.1.1"));
  EXPECT_TRUE(h.forwarding("239.1.1.1"));
  h.receive(leave(Version::IGMPv2, "192.0.2.20", "239.1.1.1"));
  EXPECT_FALSE(h.forwarding("239.1.1.1"));
}

// Source-level quick leave: BLOCK removes at once the sources nobody else wants
// and queries only those; a source another host includes stays untouched.
TEST(QuickLeave, Block_RemovesOnlyUnwantedSources) {
  Harness h(options(config::Protocol::IGMPv3, true));
  h.receive(v3_report("192.0.2.20", {record(RecordType::AllowNewSources, "232.1.1.1", {"198.51.100.1"})}));
  h.receive(v3_report("192.0.2.21", {record(RecordType::AllowNewSources, "232.1.1.1", {"198.51.100.1", "198.51.100.2"})}));
  h.clear();
  h.receive(v3_report("192.0.2.21", {record(RecordType::BlockOldSources, "232.1.1.1", {"198.51.100.1", "198.51.100.2"})}));
  EXPECT_TRUE(h.forwarding("232.1.1.1", "198.51.100.1"));
  EXPECT_FALSE(h.forwarding("232.1.1.1", "198.51.100.2"));
  EXPECT_TRUE(h.changed("232.1.1.1"));
  ASSERT_EQ(h.queries().size(), 1u);
  EXPECT_EQ(to_source_set(h.queries()[0].sources), sources({"198.51.100.2"}));
}

// EXCLUDE mode: BLOCK of a source that another EXCLUDE host still receives stays.
TEST(QuickLeave, ExcludeModeBlock) {
  Harness h(options(config::Protocol::IGMPv3, true));
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  h.receive(v3_report("192.0.2.21", {record(RecordType::ChangeToExcludeMode, "239.1.1.1", {"198.51.100.9"})}));
  h.receive(v3_report("192.0.2.21", {record(RecordType::BlockOldSources, "239.1.1.1", {"198.51.100.1"})}));
  EXPECT_TRUE(h.forwarding("239.1.1.1", "198.51.100.1"));  // 192.0.2.20 still wants it
  h.receive(v3_report("192.0.2.20", {record(RecordType::BlockOldSources, "239.1.1.1", {"198.51.100.1"})}));
  EXPECT_FALSE(h.forwarding("239.1.1.1", "198.51.100.1"));  // nobody does now
  EXPECT_TRUE(h.forwarding("239.1.1.1", "198.51.100.2"));
}

// Without quick leave the RFC's Last Member Query processing applies even with
// one host: forwarding continues for LMQT.
TEST(QuickLeave, OffMeansLastMemberQueryTime) {
  Harness h;
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToIncludeMode, "239.1.1.1")}));
  EXPECT_TRUE(h.forwarding("239.1.1.1"));
  h.advance(2s);
  EXPECT_FALSE(h.forwarding("239.1.1.1"));
}

// A host's tracked interest expires with the Group Membership Interval.
TEST(HostTracker, InterestExpiresWithGmi) {
  Harness h;
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  h.advance(100s);
  h.receive(v3_report("192.0.2.21", {record(RecordType::ModeIsExclude, "239.1.1.1")}));
  h.advance(170s);
  EXPECT_EQ(h.router.hosts(ip("239.1.1.1")), std::set<Address>{ip("192.0.2.21")});
  EXPECT_TRUE(h.router.hosts(ip("239.9.9.9")).empty());
}

}  // namespace
}  // namespace mcproxy::instances::test

namespace mcproxy::instances::test {
namespace {

// RFC 3376 §4.2.13: 0.0.0.0 "may simultaneously be used by multiple systems":
// a leave from 0.0.0.0 is not trusted to be the last one; the RFC's Last
// Member Query processing applies to what anonymous reporters may want.
TEST(QuickLeave, AnonymousReportersFallBackToLastMemberQueries) {
  Harness h(options(config::Protocol::IGMPv3, true));
  h.receive(v3_report("0.0.0.0", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  h.receive(v3_report("0.0.0.0", {record(RecordType::AllowNewSources, "239.1.1.1", {"198.51.100.1"})}));
  EXPECT_EQ(h.router.hosts(ip("239.1.1.1")), std::set<Address>{ip("0.0.0.0")});
  h.clear();
  h.receive(v3_report("0.0.0.0", {record(RecordType::ChangeToIncludeMode, "239.1.1.1")}));
  EXPECT_TRUE(h.forwarding("239.1.1.1"));  // not removed at once
  EXPECT_EQ(h.queries().size(), 2u);        // Q(G) and Q(G,X-A) with X = {198.51.100.1}
  h.advance(2s);
  EXPECT_FALSE(h.forwarding("239.1.1.1"));
  // INCLUDE-mode anonymous interest: sources accumulate.
  h.receive(v3_report("0.0.0.0", {record(RecordType::AllowNewSources, "232.1.1.1", {"198.51.100.1"})}));
  h.receive(v3_report("0.0.0.0", {record(RecordType::ModeIsInclude, "232.1.1.1", {"198.51.100.2"})}));
  h.receive(v3_report("0.0.0.0", {record(RecordType::BlockOldSources, "232.1.1.1", {"198.51.100.1"})}));
  EXPECT_TRUE(h.forwarding("232.1.1.1", "198.51.100.1"));
  h.advance(2s);
  EXPECT_FALSE(h.forwarding("232.1.1.1", "198.51.100.1"));
  EXPECT_TRUE(h.forwarding("232.1.1.1", "198.51.100.2"));
  h.advance(270s);
  EXPECT_TRUE(h.router.hosts(ip("232.1.1.1")).empty());
}

TEST(HostTracker, AnonymousInterest) {
  TimerQueue queue;
  Context ctx{kT0, kTimers, queue};
  const Address g = ip("232.1.1.1");
  HostTracker t;
  const Address any = ip("0.0.0.0");
  t.on_record(g, any, RecordType::ChangeToIncludeMode, {}, ctx);
  EXPECT_FALSE(t.anonymous());
  t.on_record(g, any, RecordType::AllowNewSources, sources({"10.0.0.1"}), ctx);
  EXPECT_TRUE(t.anonymous_wants_source(ip("10.0.0.1")));
  EXPECT_FALSE(t.anonymous_wants_source(ip("10.0.0.2")));
  EXPECT_FALSE(t.anonymous_in_exclude());
  t.on_record(g, any, RecordType::ModeIsExclude, sources({"10.0.0.2"}), ctx);
  t.on_record(g, any, RecordType::AllowNewSources, sources({"10.0.0.3"}), ctx);
  EXPECT_TRUE(t.anonymous_in_exclude());
  EXPECT_TRUE(t.anonymous_wants_source(ip("10.0.0.2")));
  EXPECT_FALSE(t.anyone_in_exclude());  // identified hosts only
  t.on_expiry(any);
  EXPECT_FALSE(t.anonymous());
}

// A router is copied when an interface moves between instances: the copy's
// tracked hosts and anonymous interest are its own.
TEST(HostTracker, CopiesAreIndependent) {
  TimerQueue queue;
  Context ctx{kT0, kTimers, queue};
  const Address g = ip("232.1.1.1");
  HostTracker t;
  t.on_record(g, ip("0.0.0.0"), RecordType::AllowNewSources, sources({"10.0.0.1"}), ctx);
  t.on_record(g, ip("192.0.2.20"), RecordType::ModeIsExclude, {}, ctx);
  HostTracker copy = t;
  ASSERT_TRUE(copy.anonymous());
  EXPECT_EQ(*copy.anonymous(), *t.anonymous());
  EXPECT_NE(copy.anonymous(), t.anonymous());
  t.on_expiry(ip("0.0.0.0"));
  t.on_expiry(ip("192.0.2.20"));
  EXPECT_FALSE(t.anonymous());
  EXPECT_TRUE(copy.anonymous_wants_source(ip("10.0.0.1")));
  EXPECT_TRUE(copy.anyone_in_exclude());
  HostTracker assigned;
  assigned = copy;
  EXPECT_EQ(assigned.hosts(g), copy.hosts(g));
  EXPECT_TRUE(assigned.anonymous_wants_source(ip("10.0.0.1")));
}

}  // namespace
}  // namespace mcproxy::instances::test
