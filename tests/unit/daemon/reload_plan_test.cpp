// The first round of a reload (mcproxy/reload_plan.hpp): only an interface
// moving between running instances makes its giver release it first.
#include "mcproxy/reload_plan.hpp"

#include "modules/config/load.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mcproxy {
namespace {

config::Configuration parse(const std::string& text) {
  auto c = config::parse_config(text, "test.conf");
  EXPECT_TRUE(c.has_value());
  return c ? *c : config::Configuration{};
}

std::vector<std::string> names(const std::vector<config::InterfaceConfig>& list) {
  std::vector<std::string> out;
  for (const auto& i : list) out.push_back(i.name);
  return out;
}

const config::Configuration kRunning = parse("pinstance a: up0 ==> lan0 lan1;\npinstance b: up1 ==> lan2;\n");

TEST(ReloadPlan, AnInterfaceMovingToAnotherInstanceIsReleasedFirst) {
  const auto candidate = parse("pinstance a: up0 ==> lan0;\npinstance b: up1 ==> lan2 lan1;\n");
  const auto round = release_round(kRunning, candidate, {"a", "b"});
  ASSERT_EQ(round.size(), 1u);
  EXPECT_EQ(round[0].first, "a");
  EXPECT_EQ(names(round[0].second.downstreams), (std::vector<std::string>{"lan0"}));
}

// A swap: each gives one away and gains one; the first round holds neither's
// gain, so nothing is taken before its giver let go.
TEST(ReloadPlan, ASwapReleasesBothWithoutTheirGains) {
  const auto candidate = parse("pinstance a: up0 ==> lan0 lan2;\npinstance b: up1 ==> lan1;\n");
  const auto round = release_round(kRunning, candidate, {"a", "b"});
  ASSERT_EQ(round.size(), 2u);
  EXPECT_EQ(round[0].first, "a");
  EXPECT_EQ(names(round[0].second.downstreams), (std::vector<std::string>{"lan0"}));
  EXPECT_EQ(round[1].first, "b");
  EXPECT_TRUE(round[1].second.downstreams.empty());
  EXPECT_EQ(names(round[1].second.upstreams), (std::vector<std::string>{"up1"}));
}

TEST(ReloadPlan, AnInterfaceRemovedWithoutAnotherTakingItNeedsNoFirstRound) {
  const auto candidate = parse("pinstance a: up0 ==> lan0;\npinstance b: up1 ==> lan2;\n");
  EXPECT_TRUE(release_round(kRunning, candidate, {"a", "b"}).empty());
}

TEST(ReloadPlan, ChangedOptionsAndAddedInterfacesNeedNoFirstRound) {
  const auto candidate =
      parse("pinstance a: up0 ==> lan0 lan1 lan3;\npinstance a query-interval 30s;\npinstance b: up1 ==> lan2;\n");
  EXPECT_TRUE(release_round(kRunning, candidate, {"a", "b"}).empty());
}

// An instance started by the reload takes its interfaces after the second
// round, when their old owner has let go: no first round for it.
TEST(ReloadPlan, AnInterfaceGivenToANewInstanceNeedsNoFirstRound) {
  const auto candidate = parse("pinstance a: up0 ==> lan0;\npinstance b: up1 ==> lan2;\npinstance c: up2 ==> lan1;\n");
  EXPECT_TRUE(release_round(kRunning, candidate, {"a", "b"}).empty());
}

// An instance being restarted (protocol or table changed) is stopped before
// the rounds: it is not among the staying ones and gives nothing away here.
TEST(ReloadPlan, OnlyStayingInstancesTakePart) {
  const auto candidate = parse("pinstance a: up0 ==> lan0;\npinstance b: up1 ==> lan2 lan1;\n");
  EXPECT_TRUE(release_round(kRunning, candidate, {"b"}).empty());
  EXPECT_TRUE(release_round(kRunning, candidate, {"a"}).empty());
}

}  // namespace
}  // namespace mcproxy
