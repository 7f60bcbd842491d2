// Tests of instances/runtime/dynamic_interfaces: downstream name patterns
// (`ppp*`) taken and released, the VIF limit, the configuration the core runs.
#include "instances/runtime/dynamic_interfaces.hpp"

#include "modules/common/mroute_types.hpp"

#include <gtest/gtest.h>

namespace mcproxy::instances {
namespace {

config::InterfaceConfig iface(std::string name, config::Role role) {
  config::InterfaceConfig i;
  i.name = std::move(name);
  i.role = role;
  return i;
}

config::InstanceConfig instance(std::vector<std::string> downstreams) {
  config::InstanceConfig c;
  c.name = "a";
  c.upstreams = {iface("eth0", config::Role::Upstream)};
  for (auto& d : downstreams) c.downstreams.push_back(iface(d, config::Role::Downstream));
  return c;
}

std::vector<std::string> names(const std::vector<config::InterfaceConfig>& list) {
  std::vector<std::string> out;
  for (const auto& i : list) out.push_back(i.name);
  return out;
}

TEST(InterfacePattern, Matches) {
  EXPECT_TRUE(config::is_interface_pattern("ppp*"));
  EXPECT_FALSE(config::is_interface_pattern("ppp0"));
  EXPECT_TRUE(config::interface_pattern_matches("ppp*", "ppp0"));
  EXPECT_TRUE(config::interface_pattern_matches("ppp*", "ppp"));
  EXPECT_FALSE(config::interface_pattern_matches("ppp*", "eth0"));
  EXPECT_TRUE(config::interface_pattern_matches("vlan1*", "vlan100"));
  EXPECT_FALSE(config::interface_pattern_matches("vlan1*", "vlan200"));
  EXPECT_TRUE(config::interface_pattern_matches("*.7", "eth0.7"));
  EXPECT_FALSE(config::interface_pattern_matches("*.7", "eth0.70"));
  EXPECT_TRUE(config::interface_pattern_matches("a*b*c", "axxbyyc"));
  EXPECT_FALSE(config::interface_pattern_matches("a*b*c", "axxbyy"));
  EXPECT_TRUE(config::interface_pattern_matches("*", "anything"));
}

TEST(DynamicInterfaces, TakesMatchingNamesWithThePatternsOptions) {
  auto cfg = instance({"lan0", "ppp*"});
  cfg.downstreams[1].quick_leave = true;
  DynamicInterfaces d;
  d.set_config(cfg);
  EXPECT_EQ(names(d.effective().downstreams), (std::vector<std::string>{"lan0"}));
  EXPECT_EQ(d.pattern_for("lan0"), nullptr);  // configured by itself
  EXPECT_EQ(d.pattern_for("eth0"), nullptr);
  EXPECT_EQ(d.take("wlan0"), DynamicInterfaces::Take::NoMatch);
  EXPECT_EQ(d.take("ppp0"), DynamicInterfaces::Take::Taken);
  EXPECT_EQ(d.take("ppp1"), DynamicInterfaces::Take::Taken);
  const auto eff = d.effective();
  EXPECT_EQ(names(eff.downstreams), (std::vector<std::string>{"lan0", "ppp0", "ppp1"}));
  EXPECT_EQ(eff.downstreams[1].quick_leave, true);
  d.release("ppp0");
  EXPECT_EQ(names(d.effective().downstreams), (std::vector<std::string>{"lan0", "ppp1"}));
}

TEST(DynamicInterfaces, LimitIsTheTablesVifsLessTheConfiguredOnes) {
  std::vector<std::string> fixed;
  for (int i = 0; i < kMaxVifs - 3; ++i) fixed.push_back("x" + std::to_string(i));
  fixed.push_back("ppp*");
  DynamicInterfaces d;
  d.set_config(instance(fixed));  // upstream + 29 fixed: 2 VIFs left
  EXPECT_EQ(d.take("ppp0"), DynamicInterfaces::Take::Taken);
  EXPECT_EQ(d.take("ppp1"), DynamicInterfaces::Take::Taken);
  EXPECT_EQ(d.take("ppp2"), DynamicInterfaces::Take::Full);
  EXPECT_EQ(d.take("ppp2"), DynamicInterfaces::Take::Full);
  EXPECT_EQ(d.refused(), 1u);  // once per name
  EXPECT_TRUE(d.has_waiting());
  d.release("ppp0");
  EXPECT_EQ(d.take("ppp2"), DynamicInterfaces::Take::Taken);
  EXPECT_FALSE(d.has_waiting());
}

TEST(DynamicInterfaces, ANewConfigurationKeepsOnlyNamesStillMatched) {
  DynamicInterfaces d;
  d.set_config(instance({"ppp*", "vlan*"}));
  d.take("ppp0");
  d.take("vlan5");
  d.set_config(instance({"vlan*"}));
  EXPECT_FALSE(d.is_taken("ppp0"));
  EXPECT_TRUE(d.is_taken("vlan5"));
  // A name now configured by itself is no longer dynamic.
  d.set_config(instance({"vlan5", "vlan*"}));
  EXPECT_FALSE(d.is_taken("vlan5"));
  EXPECT_EQ(names(d.effective().downstreams), (std::vector<std::string>{"vlan5"}));
}

}  // namespace
}  // namespace mcproxy::instances
