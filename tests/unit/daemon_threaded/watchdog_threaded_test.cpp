// The watchdog with the real module threads (mcproxy/thread_watch.hpp): every
// module answers its probe, so rounds complete and pings go out; a module
// thread that is stuck stops the pings until it moves again.
#include "mcproxy/thread_watch.hpp"
#include "tests/unit/daemon_threaded/module_threads.hpp"

#include <gtest/gtest.h>
#include <pthread.h>

#include <chrono>
#include <future>
#include <thread>

namespace mcproxy {
namespace {

using namespace std::chrono_literals;

// The four module threads on a fake kernel, and the main thread's side: its
// mailbox and a ThreadWatch over the modules.
struct Modules : ModuleThreads {
  Mailbox<std::function<void()>> main{64};
  ThreadWatch watch{main};
  ~Modules() { stop(); }  // the threads answer into `main`

  std::map<std::string, ThreadWatch::Prober> probers() {
    return {
        {"receiver", [this](std::function<void()> a) { return receiver.post(Probe{std::move(a)}); }},
        {"sender", [this](std::function<void()> a) { return sender.post(Probe{std::move(a)}); }},
        {"routing", [this](std::function<void()> a) { return routing.post(Probe{std::move(a)}); }},
        {"timer", [this](std::function<void()> a) { return timer.probe(std::move(a)); }},
    };
  }
  // What the daemon's main loop does between ticks: run the answers.
  bool round_completes(std::chrono::milliseconds limit = 5000ms) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      main.wait(20ms);
      main.drain([](std::function<void()>&& fn) { fn(); });
      if (watch.complete()) return true;
    }
    return false;
  }
};

TEST(WatchdogThreaded, EveryModuleAnswersSoThePingsGoOut) {
  Modules m;
  m.main.owner().bind_to_current_thread();
  EXPECT_FALSE(m.watch.tick(m.probers()).ping);  // round 1 starts
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE(m.round_completes());
    auto t = m.watch.tick(m.probers());
    EXPECT_TRUE(t.ping);
    EXPECT_TRUE(t.missing.empty());
  }
  m.main.owner().unbind();
}

// doc/operations.md, "Threads": each module thread carries its name (what
// `top -H` and /proc/PID/task/*/comm show); a probe reads it on that thread.
TEST(WatchdogThreaded, EveryModuleThreadCarriesItsName) {
  Modules m;
  for (const auto& [module, prober] : m.probers()) {
    auto name = std::make_shared<std::promise<std::string>>();
    auto answer = name->get_future();
    ASSERT_TRUE(prober([name] {
      char buffer[16] = {};
      ::pthread_getname_np(::pthread_self(), buffer, sizeof buffer);
      name->set_value(buffer);
    }));
    ASSERT_EQ(answer.wait_for(5s), std::future_status::ready) << module;
    EXPECT_EQ(answer.get(), "mcpx-" + module);
  }
}

TEST(WatchdogThreaded, AStuckModuleThreadStopsThePingsUntilItMovesAgain) {
  Modules m;
  m.main.owner().bind_to_current_thread();
  // The Sender's thread blocks inside a message until `release` is set.
  std::promise<void> release;
  auto released = release.get_future().share();
  std::promise<void> entered;
  ASSERT_TRUE(m.sender.post(Probe{[released, &entered] {
    entered.set_value();
    released.wait();
  }}));
  entered.get_future().wait();

  m.watch.tick(m.probers());
  EXPECT_FALSE(m.round_completes(300ms));  // the others answer, the sender cannot
  for (int i = 0; i < 3; ++i) {
    auto t = m.watch.tick(m.probers());
    EXPECT_FALSE(t.ping);
    EXPECT_EQ(t.missing, std::vector<std::string>{"sender"});
    m.main.drain([](std::function<void()>&& fn) { fn(); });
  }
  release.set_value();
  ASSERT_TRUE(m.round_completes());
  EXPECT_TRUE(m.watch.tick(m.probers()).ping);
  m.main.owner().unbind();
}

}  // namespace
}  // namespace mcproxy
