// RFC 3376 §6.2-§6.5 router state: every row of the §6.4.1 and §6.4.2 tables,
// the §6.3 forwarding rules, the §6.5 filter-mode switch and §6.6.1 lowering.
#include "instances/router/group_state.hpp"
#include "router_test_support.hpp"

#include <gtest/gtest.h>

namespace mcproxy::instances::test {
namespace {

using codec::RecordType;
constexpr Duration kGmi = 270s;  // RFC 9776 §8.4: 2 x 125 s + 2 x 10 s
constexpr Duration kLmqt = 2s;

class GroupStateTest : public ::testing::Test {
 protected:
  // INCLUDE (A) with every timer at GMI.
  void make_include(std::initializer_list<const char*> a) { g.on_record(RecordType::ModeIsInclude, sources(a), ctx); }
  // EXCLUDE (X,Y): IS_EX(Y) from INCLUDE {} gives EXCLUDE ({},Y); ALLOW(X) adds X.
  void make_exclude(std::initializer_list<const char*> x, std::initializer_list<const char*> y) {
    g.on_record(RecordType::ModeIsExclude, sources(y), ctx);
    g.on_record(RecordType::AllowNewSources, sources(x), ctx);
  }
  TableActions apply(RecordType t, std::initializer_list<const char*> s) { return g.on_record(t, sources(s), ctx); }
  void advance(Duration d) { ctx.now += d; }
  Duration timer(const char* s) const { return g.source_timer_remaining(ip(s), ctx); }
  Duration group_timer() const { return g.group_timer_remaining(ctx); }

  TimerQueue queue;
  Context ctx{kT0, kTimers, queue};
  GroupState g{ip("239.1.1.1")};
};

// --- §6.4.1 Reception of Current-State Records ----------------------------------

// INCLUDE (A)  IS_IN (B)  INCLUDE (A+B)  (B)=GMI
TEST_F(GroupStateTest, Rfc3376_6_4_1_IncludeMode_IsIn) {
  make_include({"10.0.0.1", "10.0.0.2"});
  advance(10s);
  const auto actions = apply(RecordType::ModeIsInclude, {"10.0.0.2", "10.0.0.3"});
  EXPECT_EQ(g.filter_mode(), FilterMode::Include);
  EXPECT_EQ(g.requested(), sources({"10.0.0.1", "10.0.0.2", "10.0.0.3"}));
  EXPECT_EQ(timer("10.0.0.1"), kGmi - 10s);
  EXPECT_EQ(timer("10.0.0.2"), kGmi);
  EXPECT_EQ(timer("10.0.0.3"), kGmi);
  EXPECT_FALSE(actions.query_group);
  EXPECT_TRUE(actions.query_sources.empty());
}

// INCLUDE (A)  IS_EX (B)  EXCLUDE (A*B,B-A)  (B-A)=0, Delete (A-B), Group Timer=GMI
TEST_F(GroupStateTest, Rfc3376_6_4_1_IncludeMode_IsEx) {
  make_include({"10.0.0.1", "10.0.0.2"});
  advance(10s);
  const auto actions = apply(RecordType::ModeIsExclude, {"10.0.0.2", "10.0.0.3"});
  EXPECT_EQ(g.filter_mode(), FilterMode::Exclude);
  EXPECT_EQ(g.requested(), sources({"10.0.0.2"}));  // A*B keeps its timer
  EXPECT_EQ(g.excluded(), sources({"10.0.0.3"}));   // B-A at 0
  EXPECT_EQ(timer("10.0.0.2"), kGmi - 10s);
  EXPECT_EQ(timer("10.0.0.3"), 0s);
  EXPECT_EQ(timer("10.0.0.1"), 0s);  // deleted
  EXPECT_EQ(group_timer(), kGmi);
  EXPECT_TRUE(actions.query_sources.empty());
}

// EXCLUDE (X,Y)  IS_IN (A)  EXCLUDE (X+A,Y-A)  (A)=GMI
TEST_F(GroupStateTest, Rfc3376_6_4_1_ExcludeMode_IsIn) {
  make_exclude({"10.0.0.1"}, {"10.0.0.2"});
  advance(10s);
  apply(RecordType::ModeIsInclude, {"10.0.0.2", "10.0.0.3"});
  EXPECT_EQ(g.requested(), sources({"10.0.0.1", "10.0.0.2", "10.0.0.3"}));
  EXPECT_EQ(g.excluded(), SourceSet{});
  EXPECT_EQ(timer("10.0.0.2"), kGmi);
  EXPECT_EQ(timer("10.0.0.3"), kGmi);
  EXPECT_EQ(group_timer(), kGmi - 10s);  // unchanged
}

// EXCLUDE (X,Y)  IS_EX (A)  EXCLUDE (A-Y,Y*A)  (A-X-Y)=GMI, Delete (X-A), Delete (Y-A), Group Timer=GMI
TEST_F(GroupStateTest, Rfc3376_6_4_1_ExcludeMode_IsEx) {
  make_exclude({"10.0.0.1", "10.0.0.2"}, {"10.0.0.3", "10.0.0.4"});
  advance(10s);
  apply(RecordType::ModeIsExclude, {"10.0.0.1", "10.0.0.3", "10.0.0.5"});
  EXPECT_EQ(g.requested(), sources({"10.0.0.1", "10.0.0.5"}));
  EXPECT_EQ(g.excluded(), sources({"10.0.0.3"}));
  EXPECT_EQ(timer("10.0.0.1"), kGmi - 10s);
  EXPECT_EQ(timer("10.0.0.5"), kGmi);
  EXPECT_EQ(group_timer(), kGmi);
}

// --- §6.4.2 Filter-Mode-Change and Source-List-Change Records --------------------

// INCLUDE (A)  ALLOW (B)  INCLUDE (A+B)  (B)=GMI
TEST_F(GroupStateTest, Rfc3376_6_4_2_IncludeMode_Allow) {
  make_include({"10.0.0.1"});
  advance(10s);
  const auto actions = apply(RecordType::AllowNewSources, {"10.0.0.2"});
  EXPECT_EQ(g.requested(), sources({"10.0.0.1", "10.0.0.2"}));
  EXPECT_EQ(timer("10.0.0.1"), kGmi - 10s);
  EXPECT_EQ(timer("10.0.0.2"), kGmi);
  EXPECT_TRUE(actions.query_sources.empty());
}

// INCLUDE (A)  BLOCK (B)  INCLUDE (A)  Send Q(G,A*B)
TEST_F(GroupStateTest, Rfc3376_6_4_2_IncludeMode_Block) {
  make_include({"10.0.0.1", "10.0.0.2"});
  const auto actions = apply(RecordType::BlockOldSources, {"10.0.0.2", "10.0.0.3"});
  EXPECT_EQ(g.requested(), sources({"10.0.0.1", "10.0.0.2"}));
  EXPECT_FALSE(actions.query_group);
  EXPECT_EQ(actions.query_sources, sources({"10.0.0.2"}));
}

// INCLUDE (A)  TO_EX (B)  EXCLUDE (A*B,B-A)  (B-A)=0, Delete (A-B), Send Q(G,A*B), Group Timer=GMI
TEST_F(GroupStateTest, Rfc3376_6_4_2_IncludeMode_ToEx) {
  make_include({"10.0.0.1", "10.0.0.2"});
  const auto actions = apply(RecordType::ChangeToExcludeMode, {"10.0.0.2", "10.0.0.3"});
  EXPECT_EQ(g.filter_mode(), FilterMode::Exclude);
  EXPECT_EQ(g.requested(), sources({"10.0.0.2"}));
  EXPECT_EQ(g.excluded(), sources({"10.0.0.3"}));
  EXPECT_EQ(group_timer(), kGmi);
  EXPECT_EQ(actions.query_sources, sources({"10.0.0.2"}));
  EXPECT_FALSE(actions.query_group);
}

// INCLUDE (A)  TO_IN (B)  INCLUDE (A+B)  (B)=GMI, Send Q(G,A-B)
TEST_F(GroupStateTest, Rfc3376_6_4_2_IncludeMode_ToIn) {
  make_include({"10.0.0.1", "10.0.0.2"});
  advance(10s);
  const auto actions = apply(RecordType::ChangeToIncludeMode, {"10.0.0.2", "10.0.0.3"});
  EXPECT_EQ(g.requested(), sources({"10.0.0.1", "10.0.0.2", "10.0.0.3"}));
  EXPECT_EQ(timer("10.0.0.2"), kGmi);
  EXPECT_EQ(timer("10.0.0.3"), kGmi);
  EXPECT_EQ(actions.query_sources, sources({"10.0.0.1"}));
  EXPECT_FALSE(actions.query_group);
}

// EXCLUDE (X,Y)  ALLOW (A)  EXCLUDE (X+A,Y-A)  (A)=GMI
TEST_F(GroupStateTest, Rfc3376_6_4_2_ExcludeMode_Allow) {
  make_exclude({"10.0.0.1"}, {"10.0.0.2"});
  const auto actions = apply(RecordType::AllowNewSources, {"10.0.0.2", "10.0.0.3"});
  EXPECT_EQ(g.requested(), sources({"10.0.0.1", "10.0.0.2", "10.0.0.3"}));
  EXPECT_EQ(g.excluded(), SourceSet{});
  EXPECT_EQ(timer("10.0.0.3"), kGmi);
  EXPECT_TRUE(actions.query_sources.empty());
}

// EXCLUDE (X,Y)  BLOCK (A)  EXCLUDE (X+(A-Y),Y)  (A-X-Y)=Group Timer, Send Q(G,A-Y)
TEST_F(GroupStateTest, Rfc3376_6_4_2_ExcludeMode_Block) {
  make_exclude({"10.0.0.1"}, {"10.0.0.2"});
  advance(10s);
  const auto actions = apply(RecordType::BlockOldSources, {"10.0.0.1", "10.0.0.2", "10.0.0.3"});
  EXPECT_EQ(g.requested(), sources({"10.0.0.1", "10.0.0.3"}));
  EXPECT_EQ(g.excluded(), sources({"10.0.0.2"}));
  EXPECT_EQ(timer("10.0.0.3"), group_timer());
  EXPECT_EQ(timer("10.0.0.3"), kGmi - 10s);
  EXPECT_EQ(actions.query_sources, sources({"10.0.0.1", "10.0.0.3"}));
  EXPECT_FALSE(actions.query_group);
}

// EXCLUDE (X,Y)  TO_EX (A)  EXCLUDE (A-Y,Y*A)  (A-X-Y)=Group Timer, Delete (X-A),
//                                              Delete (Y-A), Send Q(G,A-Y), Group Timer=GMI
TEST_F(GroupStateTest, Rfc3376_6_4_2_ExcludeMode_ToEx) {
  make_exclude({"10.0.0.1", "10.0.0.2"}, {"10.0.0.3", "10.0.0.4"});
  advance(10s);
  const auto actions = apply(RecordType::ChangeToExcludeMode, {"10.0.0.1", "10.0.0.3", "10.0.0.5"});
  EXPECT_EQ(g.requested(), sources({"10.0.0.1", "10.0.0.5"}));
  EXPECT_EQ(g.excluded(), sources({"10.0.0.3"}));
  EXPECT_EQ(timer("10.0.0.5"), kGmi - 10s);  // the group timer before it was reset
  EXPECT_EQ(group_timer(), kGmi);
  EXPECT_EQ(actions.query_sources, sources({"10.0.0.1", "10.0.0.5"}));
}

// EXCLUDE (X,Y)  TO_IN (A)  EXCLUDE (X+A,Y-A)  (A)=GMI, Send Q(G,X-A), Send Q(G)
TEST_F(GroupStateTest, Rfc3376_6_4_2_ExcludeMode_ToIn) {
  make_exclude({"10.0.0.1", "10.0.0.2"}, {"10.0.0.3"});
  const auto actions = apply(RecordType::ChangeToIncludeMode, {"10.0.0.2", "10.0.0.3", "10.0.0.4"});
  EXPECT_EQ(g.filter_mode(), FilterMode::Exclude);
  EXPECT_EQ(g.requested(), sources({"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"}));
  EXPECT_EQ(g.excluded(), SourceSet{});
  EXPECT_EQ(timer("10.0.0.3"), kGmi);
  EXPECT_TRUE(actions.query_group);
  EXPECT_EQ(actions.query_sources, sources({"10.0.0.1"}));
}

// --- §6.5, §6.3, §6.2.3 timers ---------------------------------------------------

// §6.5: EXCLUDE (X,Y) and the group timer expires: INCLUDE (X).
TEST_F(GroupStateTest, Rfc3376_6_5_GroupTimerExpiry_SwitchesToIncludeWithX) {
  make_exclude({"10.0.0.1"}, {"10.0.0.2"});
  g.expire_group_timer_now(ctx);
  EXPECT_EQ(g.filter_mode(), FilterMode::Include);
  EXPECT_EQ(g.requested(), sources({"10.0.0.1"}));
  EXPECT_EQ(g.excluded(), SourceSet{});
  EXPECT_EQ(group_timer(), 0s);
  g.on_group_timer(ctx);  // INCLUDE mode: not used
  EXPECT_EQ(g.requested(), sources({"10.0.0.1"}));
}

// §6.5: no sources with running timers: the group record goes (no interest).
TEST_F(GroupStateTest, Rfc3376_6_5_GroupTimerExpiry_WithoutSources_LeavesNoInterest) {
  make_exclude({}, {"10.0.0.2"});
  g.expire_group_timer_now(ctx);
  EXPECT_FALSE(g.has_interest());
}

// §6.3 / §6.2.3: INCLUDE, TIMER == 0: remove the source; EXCLUDE: keep it in Y.
TEST_F(GroupStateTest, Rfc3376_6_3_SourceTimerExpiry) {
  make_include({"10.0.0.1", "10.0.0.2"});
  g.expire_source_timer_now(ip("10.0.0.1"), ctx);
  EXPECT_EQ(g.requested(), sources({"10.0.0.2"}));
  GroupState e{ip("239.1.1.2")};
  e.on_record(RecordType::ModeIsExclude, {}, ctx);
  e.on_record(RecordType::AllowNewSources, sources({"10.0.0.1"}), ctx);
  e.expire_source_timer_now(ip("10.0.0.1"), ctx);
  EXPECT_EQ(e.requested(), SourceSet{});
  EXPECT_EQ(e.excluded(), sources({"10.0.0.1"}));
  e.on_source_timer(ip("10.0.0.9"), ctx);  // unknown source: nothing
  EXPECT_EQ(e.excluded(), sources({"10.0.0.1"}));
}

// §6.3 forwarding suggestions.
TEST_F(GroupStateTest, Rfc3376_6_3_ForwardingRules) {
  make_include({"10.0.0.1"});
  EXPECT_TRUE(g.wants(ip("10.0.0.1")));   // INCLUDE, TIMER > 0
  EXPECT_FALSE(g.wants(ip("10.0.0.2")));  // INCLUDE, no source element
  EXPECT_EQ(g.membership(), (Membership{FilterMode::Include, sources({"10.0.0.1"})}));
  GroupState e{ip("239.1.1.2")};
  e.on_record(RecordType::ModeIsExclude, sources({"10.0.0.2"}), ctx);
  e.on_record(RecordType::AllowNewSources, sources({"10.0.0.1"}), ctx);
  EXPECT_TRUE(e.wants(ip("10.0.0.1")));   // EXCLUDE, TIMER > 0
  EXPECT_FALSE(e.wants(ip("10.0.0.2")));  // EXCLUDE, TIMER == 0
  EXPECT_TRUE(e.wants(ip("10.0.0.3")));   // EXCLUDE, no source element
  EXPECT_EQ(e.membership(), (Membership{FilterMode::Exclude, sources({"10.0.0.2"})}));
}

// §6.6.1: Q(G) lowers the group timer, Q(G,A) the source timers, to LMQT (never raises).
TEST_F(GroupStateTest, Rfc3376_6_6_1_LowerTimersToLmqt) {
  make_exclude({"10.0.0.1"}, {});
  g.lower_group_timer(ctx);
  g.lower_source_timer(ip("10.0.0.1"), ctx);
  EXPECT_EQ(group_timer(), kLmqt);
  EXPECT_EQ(timer("10.0.0.1"), kLmqt);
  advance(1s);
  g.lower_group_timer(ctx);
  EXPECT_EQ(group_timer(), 1s);
}

TEST_F(GroupStateTest, SourceCountAfterRecord) {
  make_include({"10.0.0.1", "10.0.0.2"});
  EXPECT_EQ(g.source_count_after(RecordType::AllowNewSources, sources({"10.0.0.3"})), 3u);
  EXPECT_EQ(g.source_count_after(RecordType::BlockOldSources, sources({"10.0.0.3"})), 2u);
  EXPECT_EQ(g.source_count_after(RecordType::ChangeToExcludeMode, sources({"10.0.0.3"})), 1u);
  make_exclude({}, {"10.0.0.3"});
  EXPECT_EQ(g.source_count_after(RecordType::BlockOldSources, sources({"10.0.0.4"})), 2u);
}

}  // namespace
}  // namespace mcproxy::instances::test
