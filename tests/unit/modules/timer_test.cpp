// The Timer module driven on the test thread (run_once with a manual clock):
// expiries reach the owner's mailbox, cancelled timers do not.
#include "modules/timer/timer.hpp"

#include "manual_clock.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace mcproxy::timer {
namespace {

std::vector<std::uint64_t> tokens(InstanceMailbox& box) {
  std::vector<std::uint64_t> out;
  box.drain([&](InstanceEvent&& e) { out.push_back(std::get<TimerExpired>(e).token); });
  return out;
}

class TimerModule : public ::testing::Test {
 protected:
  test::ManualClock clock;
  Timer timer{clock};
  std::shared_ptr<InstanceMailbox> owner = std::make_shared<InstanceMailbox>(64);
};

TEST_F(TimerModule, ExpiryIsPostedToOwnerWithHandleAndToken) {
  const TimerHandle h = timer.schedule(clock.now() + Duration(100), owner, 42);
  ASSERT_NE(h, 0u);
  timer.run_once(Duration(0));
  EXPECT_TRUE(tokens(*owner).empty());
  clock.advance(Duration(100));
  timer.run_once(Duration(0));
  std::vector<TimerExpired> got;
  owner->drain([&](InstanceEvent&& e) { got.push_back(std::get<TimerExpired>(e)); });
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].handle, h);
  EXPECT_EQ(got[0].token, 42u);
}

TEST_F(TimerModule, HandlesAreDistinct) {
  const TimerHandle a = timer.schedule(clock.now(), owner, 1);
  const TimerHandle b = timer.schedule(clock.now(), owner, 2);
  EXPECT_NE(a, b);
}

TEST_F(TimerModule, EqualDeadlinesFireInScheduleOrder) {
  const auto deadline = clock.now() + Duration(10);
  for (std::uint64_t t : {5u, 1u, 3u}) timer.schedule(deadline, owner, t);
  clock.advance(Duration(10));
  timer.run_once(Duration(0));
  EXPECT_EQ(tokens(*owner), (std::vector<std::uint64_t>{5, 1, 3}));
}

TEST_F(TimerModule, CancelBeforeExpiryPreventsIt) {
  const TimerHandle h = timer.schedule(clock.now() + Duration(10), owner, 1);
  timer.schedule(clock.now() + Duration(10), owner, 2);
  timer.cancel(h);
  clock.advance(Duration(20));
  timer.run_once(Duration(0));
  EXPECT_EQ(tokens(*owner), (std::vector<std::uint64_t>{2}));
}

TEST_F(TimerModule, RescheduleDelaysExpiry) {
  const TimerHandle h = timer.schedule(clock.now() + Duration(10), owner, 9);
  timer.reschedule(h, clock.now() + Duration(50));
  clock.advance(Duration(20));
  timer.run_once(Duration(0));
  EXPECT_TRUE(tokens(*owner).empty());
  clock.advance(Duration(30));
  timer.run_once(Duration(0));
  EXPECT_EQ(tokens(*owner), (std::vector<std::uint64_t>{9}));
}

TEST_F(TimerModule, ExpiryForVanishedOwnerIsCountedNotDelivered) {
  auto gone = std::make_shared<InstanceMailbox>(4);
  timer.schedule(clock.now(), gone, 1);
  gone.reset();
  timer.run_once(Duration(0));
  EXPECT_EQ(timer.undelivered(), 1u);
}

// Timer requests are control plane (doc/architecture.md, "Mailboxes"): a
// mailbox of one slot still takes every one of them, and each expiry arrives.
TEST_F(TimerModule, TimerRequestsAreNeverRefused) {
  Timer small(clock, 1);
  EXPECT_NE(small.schedule(clock.now(), owner, 1), 0u);
  EXPECT_NE(small.schedule(clock.now(), owner, 2), 0u);
  EXPECT_NE(small.schedule(clock.now(), owner, 3), 0u);
  EXPECT_EQ(small.dropped_messages(), 0u);
  small.run_once(Duration(0));
  EXPECT_EQ(tokens(*owner), (std::vector<std::uint64_t>{1, 2, 3}));
}

// A timer expiry reaches an instance whose mailbox is full of packets.
TEST_F(TimerModule, ExpiryReachesAFullInstanceMailbox) {
  auto full = std::make_shared<InstanceMailbox>(1);
  ASSERT_TRUE(full->post(ReceivedPacket{}));
  ASSERT_FALSE(full->has_room());
  timer.schedule(clock.now(), full, 4);
  timer.run_once(Duration(0));
  EXPECT_EQ(timer.undelivered(), 0u);
  std::vector<std::uint64_t> got;
  full->drain([&](InstanceEvent&& e) {
    if (auto* t = std::get_if<TimerExpired>(&e)) got.push_back(t->token);
  });
  EXPECT_EQ(got, (std::vector<std::uint64_t>{4}));
}

}  // namespace
}  // namespace mcproxy::timer
