// The Timer module's heap without thread or clock: firing order, equal
// deadlines, cancel, reschedule, compaction of stale nodes.
#include "modules/timer/timer_heap.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace mcproxy::timer {
namespace {

const TimePoint kT0{};
TimePoint at(int ms) { return kT0 + std::chrono::milliseconds(ms); }

std::vector<TimerHeap<int>::Id> ids(const std::vector<TimerHeap<int>::Expired>& v) {
  std::vector<TimerHeap<int>::Id> out;
  for (const auto& e : v) out.push_back(e.id);
  return out;
}

TEST(TimerHeap, FiresEarliestFirstAndOnlyWhenDue) {
  TimerHeap<int> heap;
  heap.schedule(1, at(30), 10);
  heap.schedule(2, at(10), 20);
  heap.schedule(3, at(20), 30);
  EXPECT_EQ(heap.next_deadline(), at(10));
  EXPECT_TRUE(heap.pop_expired(at(9)).empty());
  EXPECT_EQ(ids(heap.pop_expired(at(20))), (std::vector<TimerHeap<int>::Id>{2, 3}));
  EXPECT_EQ(heap.size(), 1u);
  auto last = heap.pop_expired(at(100));
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].payload, 10);
  EXPECT_FALSE(heap.next_deadline().has_value());
}

// Two timers with one deadline both fire, in the order they were scheduled
// (the defect of a map keyed by deadline, STYLE.md).
TEST(TimerHeap, EqualDeadlinesBothFireInSequenceOrder) {
  TimerHeap<int> heap;
  heap.schedule(7, at(50), 1);
  heap.schedule(3, at(50), 2);
  heap.schedule(5, at(50), 3);
  EXPECT_EQ(ids(heap.pop_expired(at(50))), (std::vector<TimerHeap<int>::Id>{7, 3, 5}));
}

TEST(TimerHeap, CancelledTimerNeverFires) {
  TimerHeap<int> heap;
  heap.schedule(1, at(10), 0);
  heap.schedule(2, at(20), 0);
  EXPECT_TRUE(heap.cancel(1));
  EXPECT_FALSE(heap.cancel(1));
  EXPECT_FALSE(heap.contains(1));
  EXPECT_EQ(heap.next_deadline(), at(20));
  EXPECT_EQ(ids(heap.pop_expired(at(100))), (std::vector<TimerHeap<int>::Id>{2}));
}

TEST(TimerHeap, RescheduleMovesDeadlineBothWays) {
  TimerHeap<int> heap;
  heap.schedule(1, at(10), 0);
  heap.schedule(2, at(20), 0);
  EXPECT_TRUE(heap.reschedule(1, at(30)));  // later
  EXPECT_TRUE(heap.reschedule(2, at(5)));   // earlier
  EXPECT_EQ(ids(heap.pop_expired(at(10))), (std::vector<TimerHeap<int>::Id>{2}));
  EXPECT_TRUE(heap.pop_expired(at(29)).empty());
  EXPECT_EQ(ids(heap.pop_expired(at(30))), (std::vector<TimerHeap<int>::Id>{1}));
  EXPECT_FALSE(heap.reschedule(1, at(40)));  // already fired
}

TEST(TimerHeap, RescheduledToEqualDeadlineFiresAfterEarlierScheduled) {
  TimerHeap<int> heap;
  heap.schedule(1, at(10), 0);
  heap.schedule(2, at(20), 0);
  heap.reschedule(1, at(20));  // newer sequence than 2
  EXPECT_EQ(ids(heap.pop_expired(at(20))), (std::vector<TimerHeap<int>::Id>{2, 1}));
}

TEST(TimerHeap, ScheduleWithExistingIdReplacesIt) {
  TimerHeap<int> heap;
  heap.schedule(1, at(10), 100);
  heap.schedule(1, at(15), 200);
  EXPECT_EQ(heap.size(), 1u);
  auto fired = heap.pop_expired(at(20));
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].payload, 200);
  EXPECT_EQ(fired[0].deadline, at(15));
}

TEST(TimerHeap, StaleNodesAreCompacted) {
  TimerHeap<int> heap;
  heap.schedule(1, at(1000), 0);
  for (int i = 0; i < 10000; ++i) heap.reschedule(1, at(1000 + i));
  EXPECT_LE(heap.heap_nodes(), 2u * heap.size() + 65u);
  for (TimerHeap<int>::Id id = 2; id < 1000; ++id) {
    heap.schedule(id, at(5), 0);
    heap.cancel(id);
  }
  EXPECT_LE(heap.heap_nodes(), 2u * heap.size() + 65u);
  EXPECT_EQ(ids(heap.pop_expired(at(20000))), (std::vector<TimerHeap<int>::Id>{1}));
}

}  // namespace
}  // namespace mcproxy::timer
