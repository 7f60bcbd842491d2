// Status requests fanned out to instance threads (mcproxy/ask_each.hpp), with
// stand-in instances that run their queries on threads of their own.
#include "mcproxy/ask_each.hpp"
#include "modules/common/mailbox.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>

namespace mcproxy {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// An instance's control lane and thread, as ProxyInstance has them.
class FakeInstance {
 public:
  explicit FakeInstance(std::string name, bool accepting = true) : name_(std::move(name)), accepting_(accepting) {
    thread_ = std::thread([this] {
      inbox_.owner().bind_to_current_thread();
      while (!stop_.load()) {
        inbox_.wait(20ms);
        inbox_.drain([this](std::function<void(FakeInstance&)>&& fn) { fn(*this); });
      }
      inbox_.drain([this](std::function<void(FakeInstance&)>&& fn) { fn(*this); });
    });
  }
  ~FakeInstance() {
    stop_.store(true);
    inbox_.notify();
    thread_.join();
  }
  bool post_control(std::function<void(FakeInstance&)> fn) {
    if (!accepting_) return false;
    inbox_.post_control(std::move(fn));
    return true;
  }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  bool accepting_;
  Mailbox<std::function<void(FakeInstance&)>> inbox_{16};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

using Done = std::function<void(json)>;

// Instance a answers only once b's query has run: asked one after the other
// (a's answer awaited before b is asked), a would wait for b in vain.
TEST(AskEachThreaded, EveryInstanceIsAskedBeforeAnyAnswerIsAwaited) {
  FakeInstance a("a"), b("b");
  std::promise<void> b_ran;
  auto b_ran_future = b_ran.get_future().share();
  const auto answers = ask_each<FakeInstance>(
      {&a, &b},
      [&](FakeInstance& i, Done done) {
        if (i.name() == "a") {
          const bool saw_b = b_ran_future.wait_for(10s) == std::future_status::ready;
          done(json{{"name", "a"}, {"saw_b", saw_b}});
        } else {
          b_ran.set_value();
          done(json{{"name", "b"}});
        }
      },
      30s);
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0], (json{{"name", "a"}, {"saw_b", true}}));
  EXPECT_EQ(answers[1], (json{{"name", "b"}}));
}

TEST(AskEachThreaded, AnswersComeInTheOrderOfTheInstancesAskedAlsoWhenLaterOnesAnswerFirst) {
  FakeInstance a("a"), b("b"), c("c");
  std::promise<void> c_answered;
  auto c_answered_future = c_answered.get_future().share();
  const auto answers = ask_each<FakeInstance>(
      {&a, &b, &c},
      [&](FakeInstance& i, Done done) {
        if (i.name() == "a") c_answered_future.wait_for(10s);
        done(json{{"name", i.name()}});
        if (i.name() == "c") c_answered.set_value();
      },
      30s);
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[0]["name"], "a");
  EXPECT_EQ(answers[1]["name"], "b");
  EXPECT_EQ(answers[2]["name"], "c");
}

// An answer that never comes: the others still get theirs; the silent one is
// an error once the deadline has passed. Its late `done` goes nowhere.
TEST(AskEachThreaded, AnInstanceThatDoesNotAnswerIsAnErrorAndTheOthersAnswer) {
  FakeInstance a("a"), silent("silent");
  Done kept;  // silent's done, called after ask_each has returned
  std::mutex kept_mutex;
  const auto answers = ask_each<FakeInstance>(
      {&a, &silent},
      [&](FakeInstance& i, Done done) {
        if (i.name() == "silent") {
          std::lock_guard lock(kept_mutex);
          kept = std::move(done);
          return;
        }
        done(json{{"name", i.name()}});
      },
      200ms);
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0], (json{{"name", "a"}}));
  EXPECT_EQ(answers[1], (json{{"error", "instance silent did not answer in time"}}));
  std::lock_guard lock(kept_mutex);
  ASSERT_TRUE(kept);
  kept(json{{"late", true}});  // no one waits: must not throw or crash
}

// A query dropped unanswered (its `done` destroyed uncalled, e.g. by an
// instance that stopped with the request pending) is an error, not an exception.
TEST(AskEachThreaded, AQueryDroppedWithoutAnAnswerIsAnError) {
  FakeInstance a("a");
  const auto answers = ask_each<FakeInstance>({&a}, [](FakeInstance&, Done done) { Done gone = std::move(done); }, 30s);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0], (json{{"error", "instance a did not answer"}}));
}

TEST(AskEachThreaded, AnInstanceThatRefusesTheQueryIsAnError) {
  FakeInstance a("a"), stopping("stopping", false);
  const auto answers =
      ask_each<FakeInstance>({&stopping, &a}, [](FakeInstance& i, Done done) { done(json{{"name", i.name()}}); }, 30s);
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0], (json{{"error", "instance stopping is not accepting requests"}}));
  EXPECT_EQ(answers[1], (json{{"name", "a"}}));
}

}  // namespace
}  // namespace mcproxy
