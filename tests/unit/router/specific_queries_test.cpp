// Group-specific and group-and-source-specific queries with Last Member Query
// Count retransmissions and the S flag (RFC 3376 §6.6.3.1, §6.6.3.2, §6.6.1).
#include "instances/router/specific_queries.hpp"
#include "router_test_support.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mcproxy::instances::test {
namespace {

using codec::RecordType;
using codec::Version;

// §6.6.3.1: Q(G) now and [LMQC - 1] retransmissions [LMQI] apart; the group
// timer is lowered to LMQT, so the S flag is clear; nobody answers: the group
// goes after LMQT.
TEST(SpecificQueries, Rfc3376_6_6_3_1_GroupSpecificQuery_LmqcRetransmissions) {
  Harness h;
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  EXPECT_TRUE(h.changed("239.1.1.1"));
  h.clear();
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToIncludeMode, "239.1.1.1")}));
  ASSERT_EQ(h.queries().size(), 1u);
  const auto q = h.queries()[0];
  EXPECT_EQ(q.group, ip("239.1.1.1"));
  EXPECT_TRUE(q.sources.empty());
  EXPECT_FALSE(q.suppress_router_side_processing);
  EXPECT_EQ(q.max_response_time, 1s);  // Last Member Query Interval
  EXPECT_EQ(h.packets()[0].destination, ip("239.1.1.1"));
  EXPECT_EQ(h.router.pending_group_queries(ip("239.1.1.1")), 1u);
  EXPECT_TRUE(h.forwarding("239.1.1.1"));  // still forwarded during LMQT (§6.4.2)
  h.advance(1s);
  ASSERT_EQ(h.queries().size(), 2u);
  EXPECT_EQ(h.router.counters().sent.at("igmpv3-group-query"), 2u);
  EXPECT_TRUE(h.forwarding("239.1.1.1"));
  EXPECT_FALSE(h.changed("239.1.1.1"));
  h.advance(1s);
  EXPECT_EQ(h.queries().size(), 2u);
  EXPECT_FALSE(h.forwarding("239.1.1.1"));
  EXPECT_TRUE(h.changed("239.1.1.1"));
  EXPECT_TRUE(h.router.memberships().empty());
}

// §6.6.3.1: "if the group timer is larger than LMQT, the S bit is set": a
// report during the query period raises the timer; the retransmission has S.
TEST(SpecificQueries, Rfc3376_6_6_3_1_SuppressFlagWhenGroupTimerAboveLmqt) {
  Harness h;
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  h.receive(v3_report("192.0.2.21", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  h.clear();
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToIncludeMode, "239.1.1.1")}));
  h.advance(500ms);
  h.receive(v3_report("192.0.2.21", {record(RecordType::ModeIsExclude, "239.1.1.1")}));
  h.advance(500ms);
  ASSERT_EQ(h.queries().size(), 2u);
  EXPECT_FALSE(h.queries()[0].suppress_router_side_processing);
  EXPECT_TRUE(h.queries()[1].suppress_router_side_processing);
  h.advance(10s);
  EXPECT_TRUE(h.forwarding("239.1.1.1"));  // no forwarding gap
  EXPECT_FALSE(h.changed("239.1.1.1"));
}

// §6.6.3.2: Q(G,A) for sources with timers above LMQT; two messages, S set for
// sources whose timers were raised again, S clear for the others.
TEST(SpecificQueries, Rfc3376_6_6_3_2_GroupAndSourceQuery_SplitBySuppressFlag) {
  Harness h;
  h.receive(v3_report("192.0.2.20", {record(RecordType::AllowNewSources, "232.1.1.1", {"198.51.100.1", "198.51.100.2"})}));
  h.clear();
  h.receive(v3_report("192.0.2.21", {record(RecordType::BlockOldSources, "232.1.1.1", {"198.51.100.1", "198.51.100.2"})}));
  ASSERT_EQ(h.queries().size(), 1u);
  EXPECT_EQ(to_source_set(h.queries()[0].sources), sources({"198.51.100.1", "198.51.100.2"}));
  EXPECT_FALSE(h.queries()[0].suppress_router_side_processing);
  EXPECT_EQ(h.router.counters().sent.at("igmpv3-group-source-query"), 1u);
  h.receive(v3_report("192.0.2.20", {record(RecordType::ModeIsInclude, "232.1.1.1", {"198.51.100.1"})}));
  h.advance(1s);
  ASSERT_EQ(h.queries().size(), 3u);
  EXPECT_TRUE(h.queries()[1].suppress_router_side_processing);
  EXPECT_EQ(to_source_set(h.queries()[1].sources), sources({"198.51.100.1"}));
  EXPECT_FALSE(h.queries()[2].suppress_router_side_processing);
  EXPECT_EQ(to_source_set(h.queries()[2].sources), sources({"198.51.100.2"}));
  h.advance(1s);
  EXPECT_TRUE(h.forwarding("232.1.1.1", "198.51.100.1"));
  EXPECT_FALSE(h.forwarding("232.1.1.1", "198.51.100.2"));
  EXPECT_TRUE(h.changed("232.1.1.1"));
}

// §6.6.3.2: sources whose timers are already at or below LMQT are not queried
// again; "If source-list A is null ... no query is sent" (§6.4.2).
TEST(SpecificQueries, Rfc3376_6_6_3_2_NoQueryForEmptyOrAlreadyLoweredSources) {
  Harness h;
  h.receive(v3_report("192.0.2.20", {record(RecordType::AllowNewSources, "232.1.1.1", {"198.51.100.1"})}));
  h.clear();
  h.receive(v3_report("192.0.2.20", {record(RecordType::BlockOldSources, "232.1.1.1", {"198.51.100.9"})}));
  EXPECT_TRUE(h.queries().empty());
  h.receive(v3_report("192.0.2.20", {record(RecordType::BlockOldSources, "232.1.1.1", {"198.51.100.1"})}));
  EXPECT_EQ(h.queries().size(), 1u);
  h.advance(100ms);
  h.receive(v3_report("192.0.2.20", {record(RecordType::BlockOldSources, "232.1.1.1", {"198.51.100.1"})}));
  EXPECT_EQ(h.queries().size(), 2u);  // the merged pending query goes out, counters not reset
  h.advance(5s);
  EXPECT_EQ(h.queries().size(), 2u);
}

// §6.6.3: only the querier sends specific queries (and lowers timers for
// them); a non-querier lowers its timers when it hears the querier's query
// with the S flag clear (§6.6.1).
TEST(SpecificQueries, Rfc3376_6_6_1_NonQuerierLowersTimersOnQuerierQuery) {
  Harness h;
  h.receive(query(Version::IGMPv3, "192.0.2.1"));
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  h.clear();
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToIncludeMode, "239.1.1.1")}));
  EXPECT_TRUE(h.queries().empty());
  h.advance(10s);
  EXPECT_TRUE(h.forwarding("239.1.1.1"));  // not lowered by its own table action
  h.receive(query(Version::IGMPv3, "192.0.2.1", "239.1.1.1", {}, true));  // S set: no change
  h.advance(10s);
  EXPECT_TRUE(h.forwarding("239.1.1.1"));
  h.receive(query(Version::IGMPv3, "192.0.2.1", "239.1.1.1"));  // S clear: group timer to LMQT
  h.advance(2s);
  EXPECT_FALSE(h.forwarding("239.1.1.1"));
}

// §6.6.1 for Q(G,A) heard from the querier.
TEST(SpecificQueries, Rfc3376_6_6_1_NonQuerierLowersSourceTimers) {
  Harness h;
  h.receive(query(Version::IGMPv3, "192.0.2.1"));
  h.receive(v3_report("192.0.2.20", {record(RecordType::AllowNewSources, "232.1.1.1", {"198.51.100.1", "198.51.100.2"})}));
  h.receive(query(Version::IGMPv3, "192.0.2.1", "232.1.1.1", {"198.51.100.1"}));
  h.receive(query(Version::IGMPv3, "192.0.2.1", "232.9.9.9", {"198.51.100.1"}));  // unknown group: nothing
  h.advance(2s);
  EXPECT_FALSE(h.forwarding("232.1.1.1", "198.51.100.1"));
  EXPECT_TRUE(h.forwarding("232.1.1.1", "198.51.100.2"));
}

// §6.6.2: a querier that loses the election stops its pending retransmissions.
TEST(SpecificQueries, Rfc3376_6_6_2_LosingElectionStopsRetransmissions) {
  Harness h;
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToIncludeMode, "239.1.1.1")}));
  h.clear();
  h.receive(query(Version::IGMPv3, "192.0.2.1"));
  h.advance(1s);
  EXPECT_TRUE(h.queries().empty());
  EXPECT_EQ(h.router.pending_group_queries(ip("239.1.1.1")), 0u);
  h.advance(1s);
  EXPECT_FALSE(h.forwarding("239.1.1.1"));  // the timer was lowered when Q(G) was sent
}

// §6.6.2 with many groups: stopping walks every group's state (kept in the
// timer table's nodes) and leaves the memberships as they are.
TEST(SpecificQueries, Rfc3376_6_6_2_LosingElectionStopsRetransmissionsOfEveryGroup) {
  Harness h;
  std::vector<std::string> left;
  std::vector<std::string> joined;
  for (int g = 1; g <= 20; ++g) (g % 2 ? left : joined).push_back("239.1.1." + std::to_string(g));
  for (const auto& g : left) {
    h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, g.c_str())}));
    h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToIncludeMode, g.c_str())}));
    EXPECT_EQ(h.router.pending_group_queries(ip(g.c_str())), 1u);
  }
  for (const auto& g : joined) h.receive(v3_report("192.0.2.21", {record(RecordType::ChangeToExcludeMode, g.c_str())}));
  h.clear();
  h.receive(query(Version::IGMPv3, "192.0.2.1"));
  for (const auto& g : left) EXPECT_EQ(h.router.pending_group_queries(ip(g.c_str())), 0u);
  h.advance(3s);
  EXPECT_TRUE(h.queries().empty());
  for (const auto& g : left) EXPECT_FALSE(h.forwarding(g.c_str()));  // their timers were lowered to LMQT
  for (const auto& g : joined) EXPECT_TRUE(h.forwarding(g.c_str()));
  EXPECT_EQ(h.router.memberships().size(), joined.size());
}

// Unit level: the messages of one transmission.
TEST(SpecificQueries, TransmitBuildsMessagesAndCounts) {
  TimerQueue queue;
  Context ctx{kT0, kTimers, queue};
  GroupState g{ip("232.1.1.1")};
  g.on_record(codec::RecordType::AllowNewSources, sources({"198.51.100.1"}), ctx);
  SpecificQueries q;
  EXPECT_FALSE(q.pending());
  q.add_source_queries(sources({"198.51.100.1"}), g, ctx);
  EXPECT_EQ(q.source_retransmissions().at(ip("198.51.100.1")), 2u);
  EXPECT_EQ(q.transmit(g, ctx), (std::vector<SpecificQuery>{{false, sources({"198.51.100.1"})}}));
  EXPECT_TRUE(q.pending());
  q.clear();
  EXPECT_FALSE(q.pending());
  EXPECT_TRUE(q.transmit(g, ctx).empty());
}

}  // namespace
}  // namespace mcproxy::instances::test
