// The timer queue: deadline order, ties in setting order, re-set and cancel.
#include "instances/router/timer_queue.hpp"
#include "router_test_support.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace mcproxy::instances::test
