// The timer queue: deadline order, ties in setting order, re-set and cancel.
#include "instances/router/timer_queue.hpp"
#include "router_test_support.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mcproxy::instances::test {
namespace {

TimerKey key(TimerKind k, const char* group, const char* item = "0.0.0.0") { return {k, ip(group), ip(item)}; }

TEST(TimerQueue, PopsInDeadlineOrderAndSettingOrderForTies) {
  TimerQueue q;
  q.schedule(key(TimerKind::SourceTimer, "239.1.1.1", "10.0.0.2"), kT0 + 2s);
  q.schedule(key(TimerKind::GroupTimer, "239.1.1.2"), kT0 + 1s);
  q.schedule(key(TimerKind::GroupTimer, "239.1.1.1"), kT0 + 1s);
  EXPECT_EQ(q.next_deadline(), kT0 + 1s);
  EXPECT_FALSE(q.pop_due(kT0));
  auto first = q.pop_due(kT0 + 5s);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->first, key(TimerKind::GroupTimer, "239.1.1.2"));
  auto second = q.pop_due(kT0 + 5s);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->first, key(TimerKind::GroupTimer, "239.1.1.1"));
  auto third = q.pop_due(kT0 + 5s);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->second, kT0 + 2s);
  EXPECT_FALSE(q.pop_due(kT0 + 5s));
  EXPECT_FALSE(q.next_deadline());
}

TEST(TimerQueue, RescheduleMovesBehindEqualDeadlines) {
  TimerQueue q;
  q.schedule(key(TimerKind::GroupTimer, "239.1.1.1"), kT0 + 1s);
  q.schedule(key(TimerKind::GroupTimer, "239.1.1.2"), kT0 + 1s);
  q.schedule(key(TimerKind::GroupTimer, "239.1.1.1"), kT0 + 1s);
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(q.pop_due(kT0 + 1s)->first, key(TimerKind::GroupTimer, "239.1.1.2"));
  EXPECT_EQ(q.pop_due(kT0 + 1s)->first, key(TimerKind::GroupTimer, "239.1.1.1"));
}

TEST(TimerQueue, CancelAndCancelGroup) {
  TimerQueue q;
  q.schedule(key(TimerKind::GroupTimer, "239.1.1.1"), kT0 + 1s);
  q.schedule(key(TimerKind::SourceTimer, "239.1.1.1", "10.0.0.1"), kT0 + 1s);
  q.schedule(key(TimerKind::HostInterest, "239.1.1.1", "192.0.2.20"), kT0 + 1s);
  q.schedule(key(TimerKind::GroupTimer, "239.1.1.2"), kT0 + 3s);
  q.schedule(key(TimerKind::GeneralQuery, "0.0.0.0"), kT0 + 4s);
  q.cancel(key(TimerKind::GroupTimer, "239.9.9.9"));  // not set: no effect
  q.cancel_group(ip("239.1.1.1"));
  EXPECT_EQ(q.size(), 2u);
  EXPECT_FALSE(q.running(key(TimerKind::SourceTimer, "239.1.1.1", "10.0.0.1")));
  EXPECT_EQ(q.deadline(key(TimerKind::GroupTimer, "239.1.1.2")), kT0 + 3s);
  q.cancel(key(TimerKind::GroupTimer, "239.1.1.2"));
  EXPECT_FALSE(q.deadline(key(TimerKind::GroupTimer, "239.1.1.2")));
  EXPECT_EQ(q.next_deadline(), kT0 + 4s);
}

// The queue keeps the timers per group and the groups in a heap: cancelling or
// re-setting a group's earliest timer hands the heap that group's next one.
TEST(TimerQueue, EarliestTimerOfAGroupChanges) {
  TimerQueue q;
  q.schedule(key(TimerKind::GroupTimer, "239.1.1.1"), kT0 + 1s);
  q.schedule(key(TimerKind::HostInterest, "239.1.1.1", "192.0.2.20"), kT0 + 5s);
  q.schedule(key(TimerKind::GroupTimer, "239.1.1.2"), kT0 + 3s);
  q.cancel(key(TimerKind::GroupTimer, "239.1.1.1"));
  EXPECT_EQ(q.next_deadline(), kT0 + 3s);
  q.schedule(key(TimerKind::HostInterest, "239.1.1.1", "192.0.2.20"), kT0 + 2s);
  EXPECT_EQ(q.next_deadline(), kT0 + 2s);
  q.schedule(key(TimerKind::HostInterest, "239.1.1.1", "192.0.2.20"), kT0 + 9s);
  EXPECT_EQ(q.pop_due(kT0 + 10s)->first, key(TimerKind::GroupTimer, "239.1.1.2"));
  EXPECT_EQ(q.pop_due(kT0 + 10s)->second, kT0 + 9s);
  EXPECT_EQ(q.size(), 0u);
}

// Many groups in random deadline order come out sorted, ties in setting order.
TEST(TimerQueue, ManyGroupsPopInOrder) {
  TimerQueue q;
  for (unsigned g = 0; g < 500; ++g) {
    const Address group = AddressV4((239u << 24) + g);
    q.schedule({TimerKind::GroupTimer, group, Address{}}, kT0 + std::chrono::seconds((g * 7919) % 13));
  }
  for (unsigned g = 0; g < 500; g += 3) q.cancel({TimerKind::GroupTimer, Address(AddressV4((239u << 24) + g)), Address{}});
  TimePoint last = kT0;
  std::uint32_t last_group = 0;
  std::size_t popped = 0;
  while (auto due = q.pop_due(kT0 + 20s)) {
    const std::uint32_t group = due->first.group.address().to_v4().to_uint();
    EXPECT_GE(due->second, last);
    if (due->second == last && popped > 0) {
      EXPECT_GT(group, last_group);  // set in increasing group order
    }
    last = due->second;
    last_group = group;
    ++popped;
  }
  EXPECT_EQ(popped, 500u - 167u);
}

// A copied queue (a router copied to another instance) has its own heap.
TEST(TimerQueue, CopiesAreIndependent) {
  TimerQueue q;
  q.schedule(key(TimerKind::GroupTimer, "239.1.1.1"), kT0 + 2s);
  q.schedule(key(TimerKind::GroupTimer, "239.1.1.2"), kT0 + 1s);
  q.schedule(key(TimerKind::SourceTimer, "239.1.1.1", "10.0.0.1"), kT0 + 3s);
  TimerQueue copy = q;
  EXPECT_EQ(q.pop_due(kT0 + 5s)->first, key(TimerKind::GroupTimer, "239.1.1.2"));
  q.cancel_group(ip("239.1.1.1"));
  EXPECT_EQ(q.size(), 0u);
  ASSERT_EQ(copy.size(), 3u);
  EXPECT_EQ(copy.pop_due(kT0 + 5s)->first, key(TimerKind::GroupTimer, "239.1.1.2"));
  EXPECT_EQ(copy.pop_due(kT0 + 5s)->first, key(TimerKind::GroupTimer, "239.1.1.1"));
  TimerQueue assigned;
  assigned = copy;
  EXPECT_EQ(copy.pop_due(kT0 + 5s)->first, key(TimerKind::SourceTimer, "239.1.1.1", "10.0.0.1"));
  EXPECT_EQ(assigned.deadline(key(TimerKind::SourceTimer, "239.1.1.1", "10.0.0.1")), kT0 + 3s);
  EXPECT_EQ(assigned.pop_due(kT0 + 5s)->second, kT0 + 3s);
  EXPECT_FALSE(assigned.next_deadline());
}

// A group with more timers than its node holds (sources, hosts): the rest go
// to the group's vector; cancelling any of them keeps the others.
TEST(TimerQueue, GroupWithManyTimers) {
  TimerQueue q;
  q.schedule(key(TimerKind::GroupTimer, "239.1.1.1"), kT0 + 9s);
  for (int s = 1; s <= 5; ++s) {
    const std::string source = "10.0.0." + std::to_string(s);
    q.schedule(key(TimerKind::SourceTimer, "239.1.1.1", source.c_str()), kT0 + std::chrono::seconds(s));
  }
  EXPECT_EQ(q.size(), 6u);
  q.cancel(key(TimerKind::SourceTimer, "239.1.1.1", "10.0.0.1"));  // an inline one
  q.cancel(key(TimerKind::SourceTimer, "239.1.1.1", "10.0.0.4"));  // one in the vector
  EXPECT_EQ(q.size(), 4u);
  EXPECT_EQ(q.deadline(key(TimerKind::SourceTimer, "239.1.1.1", "10.0.0.5")), kT0 + 5s);
  EXPECT_EQ(q.deadline(key(TimerKind::GroupTimer, "239.1.1.1")), kT0 + 9s);
  EXPECT_EQ(q.next_deadline(), kT0 + 2s);
  TimerQueue copy = q;
  for (TimerQueue* queue : {&q, &copy}) {
    EXPECT_EQ(queue->pop_due(kT0 + 10s)->first, key(TimerKind::SourceTimer, "239.1.1.1", "10.0.0.2"));
    EXPECT_EQ(queue->pop_due(kT0 + 10s)->first, key(TimerKind::SourceTimer, "239.1.1.1", "10.0.0.3"));
    EXPECT_EQ(queue->pop_due(kT0 + 10s)->first, key(TimerKind::SourceTimer, "239.1.1.1", "10.0.0.5"));
    EXPECT_EQ(queue->pop_due(kT0 + 10s)->first, key(TimerKind::GroupTimer, "239.1.1.1"));
    EXPECT_EQ(queue->size(), 0u);
    EXPECT_FALSE(queue->next_deadline());
  }
}

// The setting order is a 32-bit sequence: when it runs out the timers are
// renumbered and ties still pop in setting order.
TEST(TimerQueue, SettingOrderSurvivesTheSequenceWrap) {
  TimerQueue q;
  q.set_next_sequence_for_test(0xFFFFFFFEu);
  q.schedule(key(TimerKind::GroupTimer, "239.1.1.3"), kT0 + 1s);   // 0xFFFFFFFE
  q.schedule(key(TimerKind::GroupTimer, "239.1.1.1"), kT0 + 1s);   // renumbered
  q.schedule(key(TimerKind::GroupTimer, "239.1.1.2"), kT0 + 1s);
  q.schedule(key(TimerKind::HostInterest, "239.1.1.1", "192.0.2.20"), kT0 + 1s);
  EXPECT_EQ(q.pop_due(kT0 + 1s)->first, key(TimerKind::GroupTimer, "239.1.1.3"));
  EXPECT_EQ(q.pop_due(kT0 + 1s)->first, key(TimerKind::GroupTimer, "239.1.1.1"));
  EXPECT_EQ(q.pop_due(kT0 + 1s)->first, key(TimerKind::GroupTimer, "239.1.1.2"));
  EXPECT_EQ(q.pop_due(kT0 + 1s)->first, key(TimerKind::HostInterest, "239.1.1.1", "192.0.2.20"));
  EXPECT_FALSE(q.pop_due(kT0 + 1s));
}

// The router keeps each group's state as the payload of the group's node: the
// node lives while it has timers or a payload, and a copy has both.
TEST(TimerQueue, PayloadLivesWithItsGroup) {
  BasicTimerQueue<int> q;
  EXPECT_EQ(q.payload(ip("239.1.1.1")), nullptr);
  q.emplace_payload(ip("239.1.1.1"), 7);
  EXPECT_EQ(q.emplace_payload(ip("239.1.1.1"), 8), 7);  // already set: kept
  q.schedule(key(TimerKind::GroupTimer, "239.1.1.1"), kT0 + 1s);
  q.schedule(key(TimerKind::GroupTimer, "239.1.1.2"), kT0 + 2s);
  EXPECT_EQ(q.pop_due(kT0 + 1s)->first, key(TimerKind::GroupTimer, "239.1.1.1"));
  ASSERT_NE(q.payload(ip("239.1.1.1")), nullptr);  // no timers left, the payload stays
  EXPECT_EQ(*q.payload(ip("239.1.1.1")), 7);
  q.schedule(key(TimerKind::SourceTimer, "239.1.1.1", "10.0.0.1"), kT0 + 3s);
  q.cancel_group(ip("239.1.1.1"));
  EXPECT_EQ(q.size(), 1u);
  ASSERT_NE(q.payload(ip("239.1.1.1")), nullptr);
  q.schedule(key(TimerKind::SourceTimer, "239.1.1.1", "10.0.0.1"), kT0 + 3s);
  BasicTimerQueue<int> copy = q;
  q.erase_group(ip("239.1.1.1"));
  EXPECT_EQ(q.payload(ip("239.1.1.1")), nullptr);
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.pop_due(kT0 + 5s)->first, key(TimerKind::GroupTimer, "239.1.1.2"));
  EXPECT_FALSE(q.pop_due(kT0 + 5s));
  int groups = 0;
  copy.for_each_payload([&](const CompactAddress& group, int& value) {
    EXPECT_EQ(group, CompactAddress(ip("239.1.1.1")));
    EXPECT_EQ(value, 7);
    ++groups;
  });
  EXPECT_EQ(groups, 1);
  EXPECT_EQ(copy.size(), 2u);
  EXPECT_EQ(copy.pop_due(kT0 + 5s)->first, key(TimerKind::GroupTimer, "239.1.1.2"));
  EXPECT_EQ(copy.pop_due(kT0 + 5s)->first, key(TimerKind::SourceTimer, "239.1.1.1", "10.0.0.1"));
  EXPECT_EQ(*copy.payload(ip("239.1.1.1")), 7);
}

}  // namespace
}  // namespace mcproxy::instances::test
