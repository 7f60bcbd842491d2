// The account of an instance mailbox (instances/runtime/instance_mailbox.hpp):
// packets and upcalls still in its bulk lane when it goes count as discarded.
#include "instances/runtime/instance_mailbox.hpp"

#include <gtest/gtest.h>

namespace mcproxy::instances {
namespace {

ReceivedPacket packet() { return ReceivedPacket{}; }

TEST(InstanceMailbox, PacketsAndUpcallsLeftInTheBulkLaneCountAsDiscarded) {
  auto totals = std::make_shared<InstanceTotals>();
  auto mailbox = make_instance_mailbox(8, totals);
  ASSERT_TRUE(mailbox->post(packet()));
  ASSERT_TRUE(mailbox->post(KernelUpcall{}));
  ASSERT_TRUE(mailbox->post(packet()));
  mailbox->drain([](InstanceEvent&&) {}, 1);  // the instance took one
  mailbox.reset();
  EXPECT_EQ(totals->discarded.load(), 2u);
}

// Link events, timers and routing replies use the control lane: not delivered
// by the Receiver's count, not discarded.
TEST(InstanceMailbox, ControlLaneEventsAreNotCounted) {
  auto totals = std::make_shared<InstanceTotals>();
  auto mailbox = make_instance_mailbox(8, totals);
  mailbox->post_control(TimerExpired{});
  mailbox->post_control(VifAdded{});
  mailbox.reset();
  EXPECT_EQ(totals->discarded.load(), 0u);
}

// The Receiver may hold the mailbox (a locked weak reference) when the
// instance lets go, and post once more: counted when the last holder lets go.
TEST(InstanceMailbox, APostAfterTheInstanceLetGoIsCountedWhenTheLastHolderLetsGo) {
  auto totals = std::make_shared<InstanceTotals>();
  auto instance_ref = make_instance_mailbox(8, totals);
  std::weak_ptr<InstanceMailbox> receiver_ref = instance_ref;
  auto locked = receiver_ref.lock();
  instance_ref.reset();  // the instance stopped
  EXPECT_EQ(totals->discarded.load(), 0u);
  ASSERT_TRUE(locked->post(packet()));
  locked.reset();
  EXPECT_EQ(totals->discarded.load(), 1u);
  EXPECT_TRUE(receiver_ref.expired());
}

TEST(InstanceMailbox, WithoutTotalsNothingIsCounted) {
  auto mailbox = make_instance_mailbox(8, nullptr);
  ASSERT_TRUE(mailbox->post(packet()));
  mailbox.reset();  // no crash, nothing to count into
}

}  // namespace
}  // namespace mcproxy::instances
