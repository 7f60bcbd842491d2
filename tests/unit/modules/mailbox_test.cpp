// Mailbox logic on one thread: order, bounded capacity with counted drops,
// eventfd wake-up semantics, slot reuse.
#include "modules/common/mailbox.hpp"

#include <gtest/gtest.h>
#include <poll.h>

#include <string>
#include <vector>

namespace mcproxy {
namespace {

bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1;
}

TEST(Mailbox, DrainsInPostOrder) {
  Mailbox<std::string> box(8);
  EXPECT_TRUE(box.post("a"));
  EXPECT_TRUE(box.post("b"));
  EXPECT_TRUE(box.post("c"));
  std::vector<std::string> got;
  EXPECT_EQ(box.drain([&](std::string&& s) { got.push_back(std::move(s)); }), 3u);
  EXPECT_EQ(got, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(Mailbox, ControlLaneDrainHonoursMax) {
  Mailbox<std::string> box(8);
  box.post_control("a");
  box.post_control("b");
  box.post_control("c");
  std::vector<std::string> got;
  EXPECT_EQ(box.drain([&](std::string&& s) { got.push_back(std::move(s)); }, 1), 1u);
  EXPECT_EQ(got, (std::vector<std::string>{"a"}));
  EXPECT_TRUE(readable(box.fd()));
  EXPECT_EQ(box.drain([&](std::string&& s) { got.push_back(std::move(s)); }), 2u);
  EXPECT_EQ(got, (std::vector<std::string>{"a", "b", "c"}));
}

// control_waiting() tells another loop (ProxyInstance's) that this mailbox's
// control lane has work: set by post_control, cleared once all of it is
// drained, untouched by the bulk lane.
TEST(Mailbox, ControlWaitingFollowsTheControlLaneOnly) {
  Mailbox<std::string> box(8);
  EXPECT_FALSE(box.control_waiting());
  EXPECT_TRUE(box.post("bulk"));
  EXPECT_FALSE(box.control_waiting());
  box.post_control("a");
  box.post_control("b");
  EXPECT_TRUE(box.control_waiting());
  std::vector<std::string> got;
  box.drain([&](std::string&& s) { got.push_back(std::move(s)); }, 1);
  EXPECT_TRUE(box.control_waiting());  // "b" still waits
  box.drain([&](std::string&& s) { got.push_back(std::move(s)); });
  EXPECT_FALSE(box.control_waiting());
  EXPECT_EQ(got, (std::vector<std::string>{"a", "b", "bulk"}));
}

TEST(Mailbox, FullMailboxDropsAndCounts) {
  Mailbox<int> box(2);
  EXPECT_TRUE(box.post(1));
  EXPECT_TRUE(box.post(2));
  EXPECT_FALSE(box.post(3));
  EXPECT_FALSE(box.post(4));
  EXPECT_EQ(box.dropped(), 2u);
  std::vector<int> got;
  box.drain([&](int&& v) { got.push_back(v); });
  EXPECT_EQ(got, (std::vector<int>{1, 2}));
  EXPECT_TRUE(box.post(5));  // slots came back
}

TEST(Mailbox, EventFdReadableExactlyWhileMessagesWait) {
  Mailbox<int> box(4);
  EXPECT_FALSE(readable(box.fd()));
  box.post(1);
  EXPECT_TRUE(readable(box.fd()));
  box.drain([](int&&) {});
  EXPECT_FALSE(readable(box.fd()));
}

TEST(Mailbox, PartialDrainStaysReadable) {
  Mailbox<int> box(8);
  for (int i = 0; i < 5; ++i) box.post(int{i});
  std::vector<int> got;
  EXPECT_EQ(box.drain([&](int&& v) { got.push_back(v); }, 2), 2u);
  EXPECT_TRUE(readable(box.fd()));
  EXPECT_EQ(box.drain([&](int&& v) { got.push_back(v); }), 3u);
  EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(Mailbox, WaitTimesOutWhenEmptyAndReturnsAtOnceWhenNot) {
  Mailbox<int> box(4);
  EXPECT_FALSE(box.wait(std::chrono::milliseconds(1)));
  box.post(7);
  EXPECT_TRUE(box.wait(std::chrono::milliseconds(1000)));
}

TEST(Mailbox, NotifyWakesWithoutMessage) {
  Mailbox<int> box(4);
  box.notify();
  EXPECT_TRUE(box.wait(std::chrono::milliseconds(0)));
  EXPECT_EQ(box.drain([](int&&) {}), 0u);
  EXPECT_FALSE(readable(box.fd()));
}

TEST(Mailbox, SlotsAreReusedAcrossManyRounds) {
  Mailbox<std::vector<int>> box(3);
  int next = 0;
  int expected = 0;
  for (int round = 0; round < 100; ++round) {
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(box.post(std::vector<int>{next++}));
    box.drain([&](std::vector<int>&& v) { EXPECT_EQ(v.at(0), expected++); });
  }
  EXPECT_EQ(box.dropped(), 0u);
}

// The control lane (doc/architecture.md, "Mailboxes"): never refused, even
// with every slot taken, and handed out before the bulk lane.
TEST(Mailbox, ControlLaneIsNeverRefusedAndComesFirst) {
  Mailbox<int> box(2);
  EXPECT_TRUE(box.post(1));
  EXPECT_TRUE(box.post(2));
  EXPECT_FALSE(box.has_room());
  EXPECT_FALSE(box.post(3));
  for (int i = 100; i < 110; ++i) box.post_control(int{i});
  EXPECT_TRUE(readable(box.fd()));
  std::vector<int> got;
  box.drain([&](int&& v) { got.push_back(v); });
  EXPECT_EQ(got, (std::vector<int>{100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 1, 2}));
  EXPECT_EQ(box.dropped(), 1u);  // only the bulk message
  EXPECT_EQ(box.control_posted(), 10u);
  EXPECT_EQ(box.control_peak(), 10u);
  EXPECT_TRUE(box.has_room());
}

// Cause before effect across the lanes: a control message posted while the
// owner drains (Routing's VifAdded) is handed out before the bulk messages
// still waiting (the upcall on that VIF, posted after it), beyond `max` too.
TEST(Mailbox, ControlPostedDuringADrainComesBeforeTheNextBulkMessage) {
  Mailbox<int> box(8);
  box.post(1);
  box.post(2);
  std::vector<int> got;
  const auto handled = box.drain(
      [&](int&& v) {
        got.push_back(v);
        if (v == 1) {
          box.post_control(100);  // as if another thread posted it now...
          box.post(3);            // ...and then what it caused
        }
      },
      2);
  EXPECT_EQ(got, (std::vector<int>{1, 100, 2}));
  EXPECT_EQ(handled, 3u);  // one past `max`: the control message
  box.drain([&](int&& v) { got.push_back(v); });
  EXPECT_EQ(got, (std::vector<int>{1, 100, 2, 3}));
}

TEST(Mailbox, InUseFollowsPostsAndDrains) {
  Mailbox<int> box(3);
  box.post(1);
  box.post(2);
  EXPECT_EQ(box.in_use(), 2u);
  box.post_control(3);  // the control lane takes no slot
  EXPECT_EQ(box.in_use(), 2u);
  box.drain([](int&&) {}, 2);  // the control message and one bulk message
  EXPECT_EQ(box.in_use(), 1u);
}

TEST(Mailbox, MoveOnlyMessages) {
  Mailbox<std::unique_ptr<int>> box(2);
  box.post(std::make_unique<int>(42));
  int got = 0;
  box.drain([&](std::unique_ptr<int>&& p) { got = *p; });
  EXPECT_EQ(got, 42);
}

}  // namespace
}  // namespace mcproxy
