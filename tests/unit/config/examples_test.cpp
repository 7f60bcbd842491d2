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

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The original files, byte for byte (origin in mcproxy_examples/README.md).
TEST(McproxyExamples, ValidFilesParseUnchanged) {
  for (const char* name : {"test_script_1.conf", "mininet_interactive_proxy.conf", "mininet_multi_upstream_proxy.conf",
                           "mininet_pmipv6_lma.conf", "mininet_szenario_I_mag1.conf"}) {
    EXPECT_EQ(joined(load_errors(kExamples / name)), "") << name;
  }
}

TEST(McproxyExamples, MininetFilesMeanWhatMcproxyMeant) {
  auto multi = load_config_file((kExamples / "mininet_multi_upstream_proxy.conf").string());
  ASSERT_TRUE(multi.has_value());
  const auto& proxy = multi->instances.at(0);
  EXPECT_EQ(proxy.upstreams.at(1).name, "proxy-eth1");
  EXPECT_EQ(proxy.rule_matching.kind, RuleMatching::Kind::First);

  auto interactive = load_config_file((kExamples / "mininet_interactive_proxy.conf").string());
  ASSERT_TRUE(interactive.has_value());
  EXPECT_EQ(interactive->instances.at(0).upstream_in_rule_matching.kind, RuleMatching::Kind::Mutex);
  EXPECT_EQ(interactive->instances.at(0).upstream_in_rule_matching.mutex_timeout, Duration{2000});

  auto lma = load_config_file((kExamples / "mininet_pmipv6_lma.conf").string());
  ASSERT_TRUE(lma.has_value());
  EXPECT_EQ(lma->instances.at(0).table, 1u);
  EXPECT_TRUE(lma->instances.at(0).upstreams.empty());

  auto mag = load_config_file((kExamples / "mininet_szenario_I_mag1.conf").string());
  ASSERT_TRUE(mag.has_value());
  EXPECT_EQ(mag->instances.at(0).table, 3u);
  EXPECT_EQ(mag->instances.at(0).downstreams.at(1).name, "mag1-eth4");

  auto script = load_config_file((kExamples / "test_script_1.conf").string());
  ASSERT_TRUE(script.has_value());
  const auto& a = script->instances.at(0);
  EXPECT_TRUE(a.upstreams.at(0).filter_out->admits("a2", addr("239.1.1.1"), addr("1.1.1.1")));
  EXPECT_FALSE(a.upstreams.at(0).filter_out->admits("b2", addr("239.1.1.1"), addr("1.1.1.1")));
}

// The reference example loads; its class-E "groups" (240.0.0.0 - 241.0.0.0,
// not multicast) are warnings and those rules match no group.
TEST(McproxyExamples, ReferenceExampleLoadsWithWarningsOnClassEGroups) {
  const auto path = kExamples / "config_script_example.conf";
  const std::string p = path.string();
  auto c = load_config_file(p);
  ASSERT_TRUE(c.has_value()) << joined(load_errors(path));
  std::string warnings;
  for (const auto& w : c->warnings) warnings += w.to_string() + "\n";
  EXPECT_EQ(warnings, p + ":30:4: warning: group range 240.0.0.0 - 241.0.0.0 contains no multicast address: the rule "
                          "matches no group\n" +
                          p + ":31:4: warning: group range 240.0.0.0 - 241.0.0.0 contains no multicast address: the "
                              "rule matches no group\n");
  EXPECT_TRUE(c->disabled);
  EXPECT_EQ(c->instances.size(), 5u);
  const InstanceConfig& one = *c->find_instance("1");
  EXPECT_EQ(one.upstreams.size(), 3u);
  EXPECT_EQ(c->find_instance("split")->table, 10u);
  EXPECT_TRUE(c->find_instance("quierer_only")->upstreams.empty());
  EXPECT_EQ(c->tables.size(), 5u);
  EXPECT_EQ(c->tables.at("xxx").rules.size(), 3u);  // allow_PC_1, then {(*|*), allow_PC_1}
  const auto& eth4 = one.downstreams.at(0);
  EXPECT_EQ(eth4.filter_out->table.rules.at(0).source.first, addr("192.168.5.0"));
  EXPECT_EQ(eth4.filter_in->kind, FilterKind::Blacklist);
  // `table allways { (*|*) }` as an input blacklist: eth4 accepts nothing.
  EXPECT_FALSE(eth4.filter_in->admits("eth0", addr("239.1.1.1"), addr("1.1.1.1")));
  // eth1's whitelist `local` holds only class-E rules: nothing passes.
  EXPECT_FALSE(one.upstreams.at(1).filter_out->admits("eth4", addr("239.1.1.1"), addr("192.168.123.1")));
}

// The file of examples A, B and C defines instance A three times (mcproxy
// itself refused it) and lists the peering interfaces as both upstream and
// downstream of one instance: each is refused with what to write instead.
TEST(McproxyExamples, ExamplesFileIsRefusedWithReasons) {
  const auto path = kExamples / "config_script_example_1.conf";
  const std::string p = path.string();
  const std::string errors = joined(load_errors(path));
  EXPECT_NE(errors.find(p + ":58:11: duplicate instance 'A' (first defined at " + p + ":18:11)"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find(p + ":102:11: duplicate instance 'A'"), std::string::npos) << errors;
  EXPECT_NE(errors.find(p + ":103:24: interface 'bp' is both upstream and downstream of instance 'B': one kernel VIF "
                            "is either the input or an output of a route; list it once"),
            std::string::npos)
      << errors;
}

// Its Example C alone (the peering interfaces ap and bp), cut unchanged.
TEST(McproxyExamples, PeeringExampleIsRefusedWithWhatToWriteInstead) {
  const std::string text = read(kExamples / "config_script_example_1.conf");
  const auto from = text.find("##-- Example C --##");
  ASSERT_NE(from, std::string::npos);
  const std::string errors = joined(errors_of(text.substr(from)));
  EXPECT_NE(errors.find("interface 'ap' is both upstream and downstream of instance 'A': one kernel VIF"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("interface 'bp' is both upstream and downstream of instance 'B'"), std::string::npos) << errors;
}

// Its Example B alone, cut from the file unchanged, is valid and means mutex.
TEST(McproxyExamples, ExampleBOfTheExamplesFileRuns) {
  const std::string text = read(kExamples / "config_script_example_1.conf");
  const auto from = text.find("##-- Example B --##");
  const auto to = text.find("##-- Example C --##");
  ASSERT_NE(from, std::string::npos);
  auto c = parsed(text.substr(from, to - from));
  const auto& a = c.instances.at(0);
  EXPECT_EQ(a.upstream_in_rule_matching.kind, RuleMatching::Kind::Mutex);
  EXPECT_EQ(a.upstream_in_rule_matching.mutex_timeout, Duration{10});
  EXPECT_FALSE(a.upstreams.at(1).filter_out.has_value());
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
