// Mailbox benchmarks: post() then drain() of the instance mailbox with the
// daemon's real message type (a received report), on one thread (the cost a
// message pays: two lock-free queue operations each way, a slot move and the
// eventfd write/read), in batches, and across two threads.
#include "modules/common/instance_event.hpp"
#include "tests/bench/bench_support.hpp"

#include <benchmark/benchmark.h>

#include <atomic>
#include <thread>

namespace mcproxy::bench {
namespace {

InstanceEvent report_event() {
  ReceivedPacket p;
  p.ifindex = 3;
  p.ifname = "lan0";
  p.packet = v3_report(false, boost::asio::ip::make_address("10.2.0.11"), 0, 1, 0,
                       codec::RecordType::ChangeToExcludeMode);
  return p;
}

// Post `batch` messages, then drain them all (one eventfd read per drain).
void BM_MailboxPostDrain(benchmark::State& state) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  InstanceMailbox mailbox;
  const InstanceEvent event = report_event();
  std::size_t handled = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < batch; ++i) mailbox.post(event);
    handled += mailbox.drain([](InstanceEvent&& e) { benchmark::DoNotOptimize(e); });
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(handled));
  state.counters["dropped"] = static_cast<double>(mailbox.dropped());
}
BENCHMARK(BM_MailboxPostDrain)->Arg(1)->Arg(16)->Arg(256);

// The same with a trivially small message, to separate the mailbox's own cost
// from copying the packet (strings and vectors).
void BM_MailboxPostDrainTrivial(benchmark::State& state) {
  Mailbox<std::uint64_t> mailbox;
  std::uint64_t sum = 0;
  for (auto _ : state) {
    mailbox.post(1);
    mailbox.drain([&](std::uint64_t&& v) { sum += v; });
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MailboxPostDrainTrivial);

// Producer thread posts, the owner (this thread) polls the eventfd and drains:
// throughput of the cross-thread hand-off, messages per second.
void BM_MailboxCrossThread(benchmark::State& state) {
  InstanceMailbox mailbox;
  const InstanceEvent event = report_event();
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> posted{0};
  std::thread producer([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      if (mailbox.post(event)) {
        posted.fetch_add(1, std::memory_order_relaxed);
      } else {
        std::this_thread::yield();
      }
    }
  });
  std::size_t handled = 0;
  for (auto _ : state) {
    mailbox.wait(std::chrono::milliseconds(100));
    handled += mailbox.drain([](InstanceEvent&& e) { benchmark::DoNotOptimize(e); }, 1024);
  }
  stop = true;
  producer.join();
  mailbox.drain([](InstanceEvent&&) {});
  state.SetItemsProcessed(static_cast<std::int64_t>(handled));
  state.counters["full_mailbox_drops"] = static_cast<double>(mailbox.dropped());
}
BENCHMARK(BM_MailboxCrossThread)->UseRealTime();

}  // namespace
}  // namespace mcproxy::bench

BENCHMARK_MAIN();
