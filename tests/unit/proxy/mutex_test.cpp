// `upstream * in rulematching mutex MS` (doc/configuration.md, mcproxy's
// process_upstream_in_mutex): one upstream per source, claimed and released.
#include "core_test_fixture.hpp"

namespace mcproxy::instances {
namespace {

// Two upstreams under `mutex 5s`, d0's host a member of G (EXCLUDE{}), the
// join's retransmissions over (RFC 3376 §5.1), so that what follows shows as
// plain ALLOW/BLOCK records.
class MutexTest : public CoreTest {
 protected:
  void SetUp() override {
    cfg.upstreams.push_back(iface("u1", config::Role::Upstream));
    cfg.upstream_in_rule_matching = {config::RuleMatching::Kind::Mutex, Duration(5'000)};
  }
  void start() {
    make();
    up_all();
    auto j = join("d0", H1);
    EXPECT_FALSE(upstream_records(j, "u0").empty());
    EXPECT_FALSE(upstream_records(j, "u1").empty());
    advance(seconds(5));
  }
  Membership requested(const std::string& upstream) const { return core->upstream_states().at(upstream).at(G); }
  static Membership exclude(std::set<Address> sources) { return {FilterMode::Exclude, std::move(sources)}; }
};

// The first upstream on which a source's data arrives claims that (S,G): the
// other upstreams keep the group but stop requesting S (EXCLUDE{S}).
TEST_F(MutexTest, FirstUpstreamWithDataClaimsTheSource) {
  start();
  auto d = data("u0");
  EXPECT_EQ(d.routes, (std::vector{route(S, G, "u0", {"d0"})}));
  EXPECT_EQ(upstream_records(d, "u1"), (std::vector{rec(RecordType::BlockOldSources, G, {S})}));
  EXPECT_TRUE(upstream_records(d, "u0").empty());
  EXPECT_EQ(requested("u0"), exclude({}));
  EXPECT_EQ(requested("u1"), exclude({S}));
}

// A second source of the same group may come from another upstream: it is
// claimed there, and both sources are forwarded.
TEST_F(MutexTest, SecondSourceOfTheGroupMayComeFromAnotherUpstream) {
  start();
  data("u0", S);
  auto d = data("u1", S2);
  EXPECT_EQ(d.routes, (std::vector{route(S2, G, "u1", {"d0"})}));
  EXPECT_EQ(upstream_records(d, "u0"), (std::vector{rec(RecordType::BlockOldSources, G, {S2})}));
  EXPECT_EQ(requested("u0"), exclude({S2}));
  EXPECT_EQ(requested("u1"), exclude({S}));
  EXPECT_EQ(core->routes().size(), 2u);
  EXPECT_EQ(core->counters().count("data-mutex-rejected"), 0u);
}

// "After MS without data on the chosen interface" the source is requested at
// every upstream again: S's counter stands still for MS, S2's moves.
TEST_F(MutexTest, SourceIsReleasedAfterMsWithoutItsData) {
  start();
  data("u0", S);
  data("u1", S2);
  counter_read({{S, G, 10}, {S2, G, 10}});
  auto r = counter_read({{S, G, 10}, {S2, G, 20}});
  EXPECT_EQ(core->counters().at("mutex-released"), 1u);
  // The idle entry goes, so that S's data from any upstream is reported again.
  EXPECT_TRUE(has_route(r, removed(S, G, "u0")));
  EXPECT_EQ(upstream_records(r, "u1"), (std::vector{rec(RecordType::AllowNewSources, G, {S})}));
  EXPECT_TRUE(upstream_records(r, "u0").empty());
  EXPECT_EQ(requested("u0"), exclude({S2}));  // S2 stays u1's
  EXPECT_EQ(requested("u1"), exclude({}));
  ASSERT_EQ(core->known_sources().size(), 1u);
  EXPECT_EQ(core->known_sources()[0].source, S2);
}

// A released source is claimed again by whichever upstream delivers it first.
TEST_F(MutexTest, ReleasedSourceIsClaimedByTheNextUpstreamWithData) {
  start();
  data("u0", S);
  counter_read({{S, G, 10}});
  counter_read({{S, G, 10}});
  ASSERT_EQ(core->counters().at("mutex-released"), 1u);
  auto d = data("u1", S);
  EXPECT_EQ(d.routes, (std::vector{route(S, G, "u1", {"d0"})}));
  EXPECT_EQ(upstream_records(d, "u0"), (std::vector{rec(RecordType::BlockOldSources, G, {S})}));
  EXPECT_EQ(requested("u0"), exclude({S}));
  EXPECT_EQ(requested("u1"), exclude({}));
}

// Data of a claimed source from another upstream (an upcall that raced the
// owner's) is refused, and the owner's entry is installed again: the kernel
// keeps taking S from the owner only.
TEST_F(MutexTest, DataOfAClaimedSourceFromAnotherUpstreamKeepsTheOwnersEntry) {
  start();
  data("u0", S);
  auto d = data("u1", S);
  EXPECT_EQ(d.routes, (std::vector{route(S, G, "u0", {"d0"})}));
  EXPECT_EQ(core->counters().at("data-mutex-rejected"), 1u);
  ASSERT_EQ(core->known_sources().size(), 1u);
  EXPECT_EQ(core->known_sources()[0].input_interface, "u0");
  EXPECT_EQ(requested("u1"), exclude({S}));
}

// A claim whose owner no longer has S's entry (here a host on d1 sends from
// the same address) is stale: it goes, and the next upstream's data claims S.
TEST_F(MutexTest, ClaimWithoutTheOwnersEntryGivesWayToTheNextData) {
  start();
  data("u0", S);
  data("d1", S);
  auto d = data("u1", S);
  EXPECT_EQ(core->counters().at("mutex-released"), 1u);
  EXPECT_EQ(core->counters().count("data-mutex-rejected"), 0u);
  EXPECT_TRUE(has_route(d, route(S, G, "u1", {"d0"})));
  EXPECT_EQ(requested("u0"), exclude({S}));
  EXPECT_EQ(requested("u1"), exclude({}));
}

// A claim also ends with the source's entry when the source goes idle for
// `source-idle-timeout`, however long MS is.
TEST_F(MutexTest, ClaimEndsWithTheIdleSourcesEntry) {
  cfg.upstream_in_rule_matching.mutex_timeout = Duration(600'000);
  cfg.source_idle_timeout = Duration(20'000);
  start();
  data("u0");
  EXPECT_TRUE(upstream_records(join("d0", H2), "u1").empty());
  CoreEffects gone;
  for (int i = 0; i < 8 && !has_route(gone, removed(S, G, "u0")); ++i) gone = counter_read({{S, G, 7}});
  EXPECT_TRUE(has_route(gone, removed(S, G, "u0")));
  EXPECT_EQ(upstream_records(gone, "u1"), (std::vector{rec(RecordType::AllowNewSources, G, {S})}));
  EXPECT_EQ(core->counters().at("mutex-released"), 1u);
}

// A source that keeps sending keeps its claim, with or without receivers.
TEST_F(MutexTest, SendingSourceKeepsItsClaimWithoutReceivers) {
  cfg.quick_leave = true;
  start();
  data("u0");
  EXPECT_EQ(leave("d0", H1).routes, (std::vector{route(S, G, "u0", {})}));
  counter_read({{S, G, 10}});
  counter_read({{S, G, 20}});
  counter_read({{S, G, 30}});
  EXPECT_EQ(core->counters().count("mutex-released"), 0u);
  join("d0", H1);
  EXPECT_EQ(requested("u1"), exclude({S}));
}

}  // namespace
}  // namespace mcproxy::instances
