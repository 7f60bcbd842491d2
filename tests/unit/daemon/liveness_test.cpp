// The watchdog's decision without threads (mcproxy/liveness.hpp): a ping only
// after every thread answered the previous round; a silent thread stops them.
#include "mcproxy/liveness.hpp"

#include <gtest/gtest.h>

namespace mcproxy {
namespace {

const std::vector<std::string> kThreads = {"receiver", "routing", "sender", "timer", "instance a"};

void answer_all(LivenessMonitor& m, const std::vector<std::string>& who) {
  for (const auto& w : who) m.answered(m.round(), w);
}

TEST(Liveness, FirstTickStartsARoundWithoutPinging) {
  LivenessMonitor m;
  auto t = m.tick(kThreads);
  EXPECT_FALSE(t.ping);
  EXPECT_TRUE(t.new_round);
  EXPECT_EQ(m.round(), 1u);
  EXPECT_FALSE(m.ever_completed());
}

TEST(Liveness, PingsWhenEveryThreadAnsweredTheLastRound) {
  LivenessMonitor m;
  m.tick(kThreads);
  answer_all(m, kThreads);
  EXPECT_TRUE(m.complete(kThreads));
  auto t = m.tick(kThreads);
  EXPECT_TRUE(t.ping);
  EXPECT_TRUE(t.new_round);
  EXPECT_TRUE(t.missing.empty());
  EXPECT_EQ(m.round(), 2u);
  EXPECT_TRUE(m.ever_completed());
  // The new round needs new answers.
  EXPECT_FALSE(m.complete(kThreads));
}

TEST(Liveness, AStuckThreadStopsThePingsForGood) {
  LivenessMonitor m;
  m.tick(kThreads);
  answer_all(m, {"receiver", "routing", "timer", "instance a"});  // the sender is stuck
  for (int i = 0; i < 5; ++i) {
    auto t = m.tick(kThreads);
    EXPECT_FALSE(t.ping);
    EXPECT_FALSE(t.new_round);  // no new probes: the old one is still queued
    EXPECT_EQ(t.missing, std::vector<std::string>{"sender"});
    // The others answering again changes nothing.
    answer_all(m, {"receiver", "routing", "timer", "instance a"});
  }
  EXPECT_EQ(m.round(), 1u);
}

TEST(Liveness, ALateAnswerToTheOpenRoundResumesThePings) {
  LivenessMonitor m;
  m.tick(kThreads);
  answer_all(m, {"receiver", "routing", "timer", "instance a"});
  EXPECT_FALSE(m.tick(kThreads).ping);
  m.answered(1, "sender");  // the slow thread got to its probe
  EXPECT_TRUE(m.tick(kThreads).ping);
}

TEST(Liveness, AnswersToAnEarlierRoundDoNotCount) {
  LivenessMonitor m;
  m.tick(kThreads);
  answer_all(m, kThreads);
  m.tick(kThreads);  // round 2
  for (const auto& w : kThreads) m.answered(1, w);
  EXPECT_FALSE(m.complete(kThreads));
  EXPECT_FALSE(m.tick(kThreads).ping);
}

TEST(Liveness, UnknownParticipantsAreIgnored) {
  LivenessMonitor m;
  m.tick({"timer"});
  m.answered(1, "intruder");
  EXPECT_FALSE(m.complete({"timer"}));
  m.answered(1, "timer");
  EXPECT_TRUE(m.complete({"timer"}));
}

TEST(Liveness, AnInstanceRemovedDuringARoundIsNotWaitedFor) {
  LivenessMonitor m;
  m.tick(kThreads);
  answer_all(m, {"receiver", "routing", "sender", "timer"});  // "instance a" stopped meanwhile
  const std::vector<std::string> now = {"receiver", "routing", "sender", "timer"};
  auto t = m.tick(now);
  EXPECT_TRUE(t.ping);
}

TEST(Liveness, AnInstanceAddedDuringARoundJoinsTheNextRound) {
  LivenessMonitor m;
  m.tick({"timer"});
  m.answered(1, "timer");
  auto t = m.tick({"timer", "instance b"});  // b was not asked in round 1
  EXPECT_TRUE(t.ping);
  m.answered(2, "timer");
  EXPECT_FALSE(m.complete({"timer", "instance b"}));
  m.answered(2, "instance b");
  EXPECT_TRUE(m.complete({"timer", "instance b"}));
}

TEST(Liveness, NothingIsCompleteBeforeTheFirstRound) {
  LivenessMonitor m;
  EXPECT_FALSE(m.complete(kThreads));
}

}  // namespace
}  // namespace mcproxy
