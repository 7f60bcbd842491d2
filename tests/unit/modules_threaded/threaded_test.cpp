// The module threads for real (meant to run under -DMCPROXY_SANITIZE=thread):
// several producers on one mailbox, the Timer thread's firing order, and the
// Routing/Receiver/Sender threads started, used through post() and stopped.
#include "modules/codec/codec.hpp"
#include "modules/common/instance_event.hpp"
#include "modules/common/mailbox.hpp"
#include "modules/kernel/fake_kernel.hpp"
#include "modules/receiver/receiver.hpp"
#include "modules/routing/routing.hpp"
#include "modules/sender/sender.hpp"
#include "modules/timer/timer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

namespace mcproxy {
namespace {

using namespace std::chrono_literals;

// Waits (bounded) for the next event in an instance mailbox.
std::optional<InstanceEvent> next_event(InstanceMailbox& box, std::chrono::milliseconds limit = 5000ms) {
  const auto until = std::chrono::steady_clock::now() + limit;
  std::optional<InstanceEvent> got;
  while (!got && std::chrono::steady_clock::now() < until) {
    box.wait(50ms);
    box.drain([&](InstanceEvent&& e) { got = std::move(e); }, 1);
  }
  return got;
}

template <class Predicate>
bool eventually(Predicate p, std::chrono::milliseconds limit = 5000ms) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (p()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return p();
}

TEST(MailboxThreaded, ManyProducersOneConsumerKeepPerProducerOrder) {
  constexpr int kProducers = 4;
  constexpr std::uint32_t kPerProducer = 20000;
  Mailbox<std::uint64_t> box(256);
  std::atomic<std::uint64_t> refused{0};
  std::vector<std::uint32_t> next(kProducers, 0);
  std::uint64_t received = 0;
  bool ordered = true;

  std::thread consumer([&] {
    box.owner().bind_to_current_thread();
    const auto until = std::chrono::steady_clock::now() + 30s;
    while (received < kProducers * kPerProducer && std::chrono::steady_clock::now() < until) {
      box.wait(100ms);
      box.drain([&](std::uint64_t&& v) {
        const auto producer = static_cast<std::size_t>(v >> 32);
        const auto seq = static_cast<std::uint32_t>(v);
        if (seq != next[producer]) ordered = false;
        next[producer] = seq + 1;
        ++received;
      });
    }
  });
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (std::uint32_t i = 0; i < kPerProducer; ++i) {
        const std::uint64_t v = (static_cast<std::uint64_t>(p) << 32) | i;
        while (!box.post(v)) {  // full: counted, retried
          refused.fetch_add(1);
          std::this_thread::yield();
        }
      }
    });
  }
  for (auto& t : producers) t.join();
  consumer.join();
  EXPECT_EQ(received, kProducers * kPerProducer);
  EXPECT_TRUE(ordered);
  EXPECT_EQ(box.dropped(), refused.load());
}

// Cause before effect across the lanes, with real threads: one thread posts
// control message i and then tells a second thread, which posts bulk message
// i (Routing's VifAdded, the kernel, the Receiver's upcall); the owner, always
// draining, must never hand out bulk i before control i.
TEST(MailboxThreaded, ControlMessageComesBeforeTheBulkMessageItCaused) {
  constexpr std::int64_t kCount = 20000;
  Mailbox<std::int64_t> box(64);
  std::atomic<std::int64_t> caused{-1};    // the last control message posted
  std::atomic<std::int64_t> effected{-1};  // the last bulk message posted
  std::atomic<bool> stop{false};
  std::int64_t control_seen = -1;
  std::int64_t bulk_seen = -1;
  bool ordered = true;
  std::thread consumer([&] {
    box.owner().bind_to_current_thread();
    const auto until = std::chrono::steady_clock::now() + 30s;
    while (bulk_seen < kCount - 1 && std::chrono::steady_clock::now() < until) {
      box.wait(100ms);
      box.drain(
          [&](std::int64_t&& v) {
            if (v >= 0) {
              control_seen = v;
            } else {
              bulk_seen = -v - 1;
              if (bulk_seen > control_seen) ordered = false;
            }
          },
          8);
    }
    stop = true;
  });
  std::thread cause([&] {
    for (std::int64_t i = 0; i < kCount && !stop; ++i) {
      box.post_control(std::int64_t{i});
      caused.store(i, std::memory_order_release);
      while (effected.load(std::memory_order_acquire) < i && !stop) std::this_thread::yield();
    }
  });
  std::thread effect([&] {
    for (std::int64_t i = 0; i < kCount && !stop; ++i) {
      while (caused.load(std::memory_order_acquire) < i && !stop) std::this_thread::yield();
      while (!box.post(-i - 1) && !stop) std::this_thread::yield();
      effected.store(i, std::memory_order_release);
    }
  });
  cause.join();
  effect.join();
  consumer.join();
  EXPECT_EQ(bulk_seen, kCount - 1);
  EXPECT_TRUE(ordered);
}

TEST(TimerThreaded, FiresInDeadlineOrderEqualDeadlinesInScheduleOrder) {
  SteadyClockSource clock;
  timer::Timer timer(clock);
  timer.start();
  auto owner = std::make_shared<InstanceMailbox>(64);
  const auto start = clock.now();
  struct Planned {
    int offset_ms;
    std::uint64_t token;
  };
  const std::vector<Planned> plan = {{80, 4}, {20, 1}, {50, 2}, {50, 3}};
  for (const auto& p : plan) timer.schedule(start + Duration(p.offset_ms), owner, p.token);
  const TimerHandle cancelled = timer.schedule(start + 30ms, owner, 99);
  timer.cancel(cancelled);

  std::vector<std::uint64_t> order;
  for (int i = 0; i < 4; ++i) {
    auto e = next_event(*owner);
    ASSERT_TRUE(e);
    const auto& expired = std::get<TimerExpired>(*e);
    order.push_back(expired.token);
    const int offset = expired.token == 1 ? 20 : expired.token == 4 ? 80 : 50;
    EXPECT_GE(clock.now(), start + Duration(offset)) << "token " << expired.token << " fired early";
  }
  EXPECT_EQ(order, (std::vector<std::uint64_t>{1, 2, 3, 4}));
  EXPECT_FALSE(next_event(*owner, 100ms).has_value());
  timer.stop();
}

TEST(TimerThreaded, StopReturnsPromptlyWithFarTimersPending) {
  SteadyClockSource clock;
  timer::Timer timer(clock);
  timer.start();
  auto owner = std::make_shared<InstanceMailbox>(4);
  timer.schedule(clock.now() + std::chrono::hours(1), owner, 1);
  const auto before = std::chrono::steady_clock::now();
  timer.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2s);
}

TEST(RoutingThreaded, RequestsAreServedAndStopCleansTheTables) {
  kernel::FakeKernel fake;
  std::vector<receiver::ReceiverMessage> to_receiver;  // only touched by the routing thread until join
  routing::Routing r(fake, [&](receiver::ReceiverMessage m) { to_receiver.push_back(std::move(m)); });
  auto owner = std::make_shared<InstanceMailbox>(64);
  r.start();
  const TableId table{Family::V4, 12};
  r.post(routing::CreateTable{table, owner, 1});
  r.post(routing::AddVif{table, 4, "up0", 1, 2});
  auto e = next_event(*owner);
  ASSERT_TRUE(e);
  EXPECT_EQ(std::get<VifAdded>(*e).vif, 0);
  r.stop();
  EXPECT_TRUE(fake.rules().empty());
  bool done = false;
  for (const auto& c : fake.calls()) done = done || c.rfind("mrt_done", 0) == 0;
  EXPECT_TRUE(done);
  EXPECT_EQ(to_receiver.size(), 2u);  // AddMrouteSocket, RemoveMrouteSocket
}

TEST(ReceiverThreaded, UpcallInjectedFromAnotherThreadReachesInstance) {
  kernel::FakeKernel fake;
  receiver::Receiver rx(fake);
  ASSERT_TRUE(rx.start());
  auto owner = std::make_shared<InstanceMailbox>(64);
  auto fd = fake.open_mroute_socket(Family::V4);
  auto socket = std::make_shared<const Fd>(std::move(*fd));
  rx.post(receiver::AddMrouteSocket{{Family::V4, 10}, socket, owner});
  // The registration must be drained before the data arrives; retry until it is.
  const std::vector<std::uint8_t> nocache = {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 10, 1, 0, 5, 239, 1, 1, 1};
  std::optional<InstanceEvent> e;
  for (int attempt = 0; attempt < 50 && !e; ++attempt) {
    fake.inject(socket->get(), nocache, kernel::Datagram{});
    e = next_event(*owner, 100ms);
  }
  ASSERT_TRUE(e);
  EXPECT_EQ(std::get<KernelUpcall>(*e).vif, 1);
  rx.stop();
}

TEST(SenderThreaded, PostedPacketsAreSent) {
  kernel::FakeKernel fake;
  sender::Sender tx(fake);
  ASSERT_TRUE(tx.start());
  codec::Packet p;
  p.source = AddressV4({10, 0, 0, 1});
  p.destination = AddressV4({224, 0, 0, 2});
  p.message = codec::LeaveGroup{codec::Version::IGMPv2, AddressV4({239, 1, 1, 1})};
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(tx.post(sender::SendPacket{3, p}));
  EXPECT_TRUE(eventually([&] { return tx.counters().sent == 10; }));
  tx.stop();
  EXPECT_EQ(fake.sent().size(), 10u);
}

}  // namespace
}  // namespace mcproxy
