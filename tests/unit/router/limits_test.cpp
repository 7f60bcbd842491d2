// The limits that bound what hosts can make a downstream hold (doc/configuration.md,
// "Limits"): per host, per instance (a budget shared by the downstreams), and
// the counts behind them staying exact through timers, leaves and handovers.
#include "router_test_support.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mcproxy::instances::test {
namespace {

using codec::RecordType;

std::string group(int i) { return "239.2.0." + std::to_string(i); }

void join(Harness& h, const char* host, int g) {
  h.receive(v3_report(host, {record(RecordType::ChangeToExcludeMode, group(g).c_str())}));
}
void leave(Harness& h, const char* host, int g) {
  h.receive(v3_report(host, {record(RecordType::ChangeToIncludeMode, group(g).c_str())}));
}

// max-groups-per-host: one host cannot take more groups; another host can,
// and the refused host may still refresh what it has.
TEST(Limits, MaxGroupsPerHostRefusesOnlyThatHost) {
  auto o = options(config::Protocol::IGMPv3, true);
  o.max_groups_per_host = 3;
  Harness h(o);
  for (int g = 1; g <= 5; ++g) join(h, "192.0.2.20", g);
  EXPECT_EQ(h.router.groups_of_host(ip("192.0.2.20")), 3u);
  EXPECT_EQ(h.router.counters().dropped.at("max-groups-per-host"), 2u);
  EXPECT_FALSE(h.forwarding(group(4).c_str()));
  join(h, "192.0.2.21", 4);  // another host is served
  EXPECT_TRUE(h.forwarding(group(4).c_str()));
  join(h, "192.0.2.20", 1);  // a refresh of a group the host has is no new group
  EXPECT_EQ(h.router.counters().dropped.at("max-groups-per-host"), 2u);
  leave(h, "192.0.2.20", 1);  // a leave frees a place
  EXPECT_EQ(h.router.groups_of_host(ip("192.0.2.20")), 2u);
  join(h, "192.0.2.20", 5);
  EXPECT_TRUE(h.forwarding(group(5).c_str()));
  EXPECT_EQ(h.router.counters().dropped.at("max-groups-per-host"), 2u);
}

// The host's count follows its interest timers: after GMI without reports the
// host is forgotten and may join anew.
TEST(Limits, PerHostCountFollowsHostExpiry) {
  auto o = options();
  o.max_groups_per_host = 1;
  Harness h(o);
  join(h, "192.0.2.20", 1);
  EXPECT_EQ(h.router.groups_of_host(ip("192.0.2.20")), 1u);
  h.advance(kTimers.group_membership_interval() + Duration(1));
  EXPECT_EQ(h.router.groups_of_host(ip("192.0.2.20")), 0u);
  join(h, "192.0.2.20", 2);
  EXPECT_TRUE(h.forwarding(group(2).c_str()));
}

// The instance budget is shared by the downstreams of an instance.
TEST(Limits, InstanceBudgetIsSharedByDownstreams) {
  auto budget = std::make_shared<GroupBudget>();
  budget->limit = 3;
  auto o = options();
  o.instance_budget = budget;
  Harness a(o);
  Harness b(o);
  join(a, "192.0.2.20", 1);
  join(a, "192.0.2.20", 2);
  join(b, "192.0.2.30", 3);
  EXPECT_EQ(budget->used, 3u);
  join(b, "192.0.2.30", 4);
  EXPECT_EQ(b.router.counters().dropped.at("max-groups-instance"), 1u);
  EXPECT_FALSE(b.forwarding(group(4).c_str()));
  join(b, "192.0.2.30", 1);  // a group b does not have yet counts too
  EXPECT_EQ(b.router.counters().dropped.at("max-groups-instance"), 2u);
  // A group that expires gives its place back.
  a.advance(kTimers.group_membership_interval() + Duration(1));
  EXPECT_EQ(budget->used, 1u);
  join(b, "192.0.2.30", 4);
  EXPECT_TRUE(b.forwarding(group(4).c_str()));
  EXPECT_EQ(budget->used, 2u);
}

// A router that goes away (interface down, reconfiguration) gives its groups
// back; one that is copied counts them again; a detached one (handover) stops
// counting them in its old instance.
TEST(Limits, BudgetFollowsRouterLifetime) {
  auto budget = std::make_shared<GroupBudget>();
  auto o = options();
  o.instance_budget = budget;
  {
    Harness h(o);
    join(h, "192.0.2.20", 1);
    join(h, "192.0.2.20", 2);
    EXPECT_EQ(budget->used, 2u);
    {
      DownstreamRouter copy(h.router);
      EXPECT_EQ(budget->used, 4u);
    }
    EXPECT_EQ(budget->used, 2u);
    h.router.detach_budget();
    EXPECT_EQ(budget->used, 0u);
    // Adopted elsewhere: another budget takes them over.
    auto other = std::make_shared<GroupBudget>();
    auto o2 = o;
    o2.instance_budget = other;
    Effects e;
    h.router.reconfigure(o2, h.now, e);
    EXPECT_EQ(other->used, 2u);
    EXPECT_EQ(budget->used, 0u);
  }
  EXPECT_EQ(budget->used, 0u);
}

// The downstream limit is kept with an O(1) count: groups leaving and
// returning keep it exact.
TEST(Limits, DownstreamMaxGroupsCountStaysExact) {
  auto o = options(config::Protocol::IGMPv3, true);
  o.max_groups = 2;
  Harness h(o);
  for (int round = 0; round < 3; ++round) {
    join(h, "192.0.2.20", 1);
    join(h, "192.0.2.21", 2);
    join(h, "192.0.2.22", 3);
    EXPECT_EQ(h.router.groups_with_interest(), 2u);
    leave(h, "192.0.2.20", 1);
    leave(h, "192.0.2.21", 2);
    EXPECT_EQ(h.router.groups_with_interest(), 0u);
  }
  EXPECT_EQ(h.router.counters().dropped.at("max-groups"), 3u);
}

}  // namespace
}  // namespace mcproxy::instances::test
