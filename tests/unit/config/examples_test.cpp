// The original mcproxy's configuration files parse unchanged, and every
// example in conf/ passes the checker.
#include "config_test_util.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace mcproxy::config::test {
namespace {

const std::filesystem::path kSource = MCPROXY_SOURCE_DIR;
const std::filesystem::path kExamples = kSource / "tests/unit/config/mcproxy_examples";

std::vector<std::string> load_errors(const std::filesystem::path& path) {
  auto result = load_config_file(path.string());
  std::vector<std::string> out;
  if (!result) {
    for (const auto& d : result.error()) out.push_back(d.to_string());
  }
  return out;
}

TEST(McproxyExamples, ValidFilesParseUnchanged) {
  for (const char* name : {"example_a.conf", "example_b.conf", "mininet_interactive_proxy.conf",
                           "mininet_multi_upstream_proxy.conf", "mininet_lma.conf", "mininet_mag1.conf",
                           "test_script.conf", "mcproxy_conf_mldv2.conf"}) {
    EXPECT_EQ(joined(load_errors(kExamples / name)), "") << name;
  }
}

TEST(McproxyExamples, MininetFilesMeanWhatMcproxyMeant) {
  auto multi = load_config_file((kExamples / "mininet_multi_upstream_proxy.conf").string());
  ASSERT_TRUE(multi.has_value());
  const auto& proxy = multi->instances.at(0);
  EXPECT_EQ(proxy.upstreams.at(1).name, "proxy-eth1");
  EXPECT_EQ(proxy.rule_matching.kind, RuleMatching::Kind::First);
  EXPECT_EQ(proxy.upstreams.at(1).filter_out->kind, FilterKind::Blacklist);
  EXPECT_FALSE(proxy.upstreams.at(1).filter_out->admits("proxy-eth2", addr("239.99.99.99"), addr("1.1.1.1")));

  auto interactive = load_config_file((kExamples / "mininet_interactive_proxy.conf").string());
  ASSERT_TRUE(interactive.has_value());
  EXPECT_EQ(interactive->instances.at(0).upstream_in_rule_matching.kind, RuleMatching::Kind::Mutex);
  EXPECT_EQ(interactive->instances.at(0).upstream_in_rule_matching.mutex_timeout, Duration{2000});

  auto lma = load_config_file((kExamples / "mininet_lma.conf").string());
  ASSERT_TRUE(lma.has_value());
  EXPECT_EQ(lma->instances.at(0).table, 1u);
  EXPECT_TRUE(lma->instances.at(0).upstreams.empty());

  auto mld = load_config_file((kExamples / "mcproxy_conf_mldv2.conf").string());
  ASSERT_TRUE(mld.has_value());
  EXPECT_TRUE(mld->disabled);
  EXPECT_EQ(mld->protocol, Protocol::MLDv2);
}

// The reference example parses completely; only its class-E "groups"
// (240.0.0.0 - 241.0.0.0, not multicast) are refused by our checker.
TEST(McproxyExamples, ReferenceExampleOnlyFailsOnClassEGroups) {
  const auto path = kExamples / "config_script_example.conf";
  const std::string p = path.string();
  EXPECT_EQ(joined(load_errors(path)),
            p + ":28:4: group range 240.0.0.0 - 241.0.0.0 contains no multicast address\n" + p +
                ":29:4: group range 240.0.0.0 - 241.0.0.0 contains no multicast address\n");
}

TEST(McproxyExamples, ReferenceExampleContentWithoutClassE) {
  // The same file with the class-E table replaced by a multicast one.
  const auto path = kExamples / "config_script_example.conf";
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string content = ss.str();
  for (std::size_t at; (at = content.find("240.0.0.0 - 241.0.0.0")) != std::string::npos;) {
    content.replace(at, 21, "239.0.0.0 - 239.1.0.0");
  }
  auto c = parsed(content);
  EXPECT_TRUE(c.disabled);
  EXPECT_EQ(c.instances.size(), 5u);
  const InstanceConfig& one = *c.find_instance("1");
  EXPECT_EQ(one.upstreams.size(), 3u);
  EXPECT_EQ(c.find_instance("split")->table, 10u);
  EXPECT_TRUE(c.find_instance("quierer_only")->upstreams.empty());
  EXPECT_EQ(c.tables.size(), 5u);
  EXPECT_EQ(c.tables.at("xxx").rules.size(), 3u);  // allow_PC_1, then {(*|*), allow_PC_1}
  const auto& eth4 = one.downstreams.at(0);
  EXPECT_EQ(eth4.filter_out->table.rules.at(0).source.first, addr("192.168.5.0"));
  EXPECT_EQ(eth4.filter_in->kind, FilterKind::Blacklist);
  // `table allways { (*|*) }` as an input blacklist: eth4 accepts nothing.
  EXPECT_FALSE(eth4.filter_in->admits("eth0", addr("239.1.1.1"), addr("1.1.1.1")));
}

// mcproxy's "peering interface" example lists ap as both upstream and
// downstream of one instance; we refuse that (one VIF cannot be both).
TEST(McproxyExamples, PeeringExampleIsRefusedForUpAndDownstreamInterface) {
  const auto path = kExamples / "example_c_peering.conf";
  const std::string p = path.string();
  EXPECT_EQ(joined(load_errors(path)),
            p + ":3:24: interface 'ap' is both upstream and downstream of instance 'A'\n" + p +
                ":4:24: interface 'bp' is both upstream and downstream of instance 'B'\n");
}

TEST(ConfExamples, EveryFileInConfParsesWithoutError) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kSource / "conf")) {
    if (entry.path().extension() != ".conf") continue;
    ++count;
    EXPECT_EQ(joined(load_errors(entry.path())), "") << entry.path();
  }
  EXPECT_GE(count, 4);
}

TEST(ConfExamples, IptvUsesTheDemoInterfaces) {
  auto c = load_config_file((kSource / "conf/iptv.conf").string());
  ASSERT_TRUE(c.has_value());
  ASSERT_EQ(c->instances.size(), 1u);
  const auto& iptv = c->instances[0];
  EXPECT_EQ(c->protocol, Protocol::IGMPv3);
  EXPECT_EQ(iptv.upstreams.at(0).name, "up0");
  EXPECT_EQ(iptv.downstreams.at(0).name, "lan0");
  EXPECT_EQ(iptv.downstreams.at(1).name, "lan1");
  EXPECT_TRUE(iptv.quick_leave);
  const auto& out = *iptv.upstreams[0].filter_out;
  EXPECT_TRUE(out.admits("lan0", addr("239.1.2.3"), addr("10.1.1.1")));
  EXPECT_TRUE(out.admits("lan0", addr("232.1.2.3"), addr("10.1.1.1")));
  EXPECT_FALSE(out.admits("lan0", addr("238.1.2.3"), addr("10.1.1.1")));
}

TEST(ConfExamples, Mldv2AndPmipv6AreIpv6) {
  for (const char* name : {"conf/mldv2.conf", "conf/pmipv6-mag.conf"}) {
    auto c = load_config_file((kSource / name).string());
    ASSERT_TRUE(c.has_value()) << name;
    EXPECT_EQ(c->protocol, Protocol::MLDv2) << name;
  }
  auto mag = load_config_file((kSource / "conf/pmipv6-mag.conf").string());
  ASSERT_TRUE(mag.has_value());
  EXPECT_EQ(mag->instances.size(), 2u);
  EXPECT_EQ(mag->instances[0].upstreams.size(), 1u);
}

}  // namespace
}  // namespace mcproxy::config::test
