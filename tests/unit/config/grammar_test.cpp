// Every construct of mcproxy's configuration grammar parses into the model.
#include "config_test_util.hpp"

namespace mcproxy::config::test {
namespace {

TEST(Grammar, DefaultProtocolIsIgmpv3) {
  auto c = parsed("pinstance a: up ==> down;");
  EXPECT_EQ(c.protocol, Protocol::IGMPv3);
  EXPECT_FALSE(c.disabled);
  EXPECT_EQ(c.file, "t.conf");
}

TEST(Grammar, EveryProtocolKeywordCaseInsensitive) {
  const std::pair<const char*, Protocol> cases[] = {
      {"IGMPv1", Protocol::IGMPv1}, {"igmpv2", Protocol::IGMPv2}, {"IGMPV3", Protocol::IGMPv3},
      {"MLDv1", Protocol::MLDv1},   {"mldv2", Protocol::MLDv2},
  };
  for (const auto& [word, protocol] : cases) {
    auto c = parsed(std::string("protocol ") + word + ";");
    EXPECT_EQ(c.protocol, protocol) << word;
  }
  EXPECT_EQ(parsed("PROTOCOL MLDv2; PINSTANCE a: x ==> y;").instances.size(), 1u);
}

TEST(Grammar, DisableMarksTheConfigurationButKeepsChecking) {
  auto c = parsed("disable;\nprotocol IGMPv2;\npinstance a: up ==> down;");
  EXPECT_TRUE(c.disabled);
  EXPECT_EQ(c.disabled_where.line, 1);
  EXPECT_EQ(c.protocol, Protocol::IGMPv2);
  // A disabled file with errors still reports them all.
  EXPECT_EQ(errors_of("disable;\npinstance a: x ==> x;").size(), 1u);
}

TEST(Grammar, InstanceDefinitionKeepsUpstreamPriorityOrder) {
  auto c = parsed("pinstance 1:  eth0 eth1 eth3 ==> eth4 eth5 eth10;");
  ASSERT_EQ(c.instances.size(), 1u);
  const auto& i = c.instances[0];
  EXPECT_EQ(i.name, "1");
  EXPECT_FALSE(i.table.has_value());
  ASSERT_EQ(i.upstreams.size(), 3u);
  EXPECT_EQ(i.upstreams[0].name, "eth0");
  EXPECT_EQ(i.upstreams[1].name, "eth1");
  EXPECT_EQ(i.upstreams[2].name, "eth3");
  ASSERT_EQ(i.downstreams.size(), 3u);
  EXPECT_EQ(i.downstreams[2].name, "eth10");
  EXPECT_EQ(i.upstreams[0].role, Role::Upstream);
  EXPECT_EQ(i.downstreams[0].role, Role::Downstream);
  EXPECT_EQ(i.where.line, 1);
  EXPECT_EQ(i.where.column, 11);
  EXPECT_EQ(i.upstreams[1].where.column, 20);
}

TEST(Grammar, InstanceWithTableNumberAndWithoutUpstream) {
  auto c = parsed("pinstance split(10): tunU1 tunU2 ==> tunD1 tunD2;\npinstance q: ==> eth8;");
  ASSERT_EQ(c.instances.size(), 2u);
  EXPECT_EQ(c.instances[0].table, 10u);
  EXPECT_TRUE(c.instances[1].upstreams.empty());
  EXPECT_EQ(c.instances[1].downstreams.size(), 1u);
}

TEST(Grammar, InterfaceNamesWithDotsDashesAndQuotes) {
  auto c = parsed("pinstance p: eth0.100 \"proxy-eth1\" ==> veth-a br_lan \"we ird\";");
  const auto& i = c.instances.at(0);
  EXPECT_EQ(i.upstreams.at(0).name, "eth0.100");
  EXPECT_EQ(i.upstreams.at(1).name, "proxy-eth1");
  EXPECT_EQ(i.downstreams.at(0).name, "veth-a");
  EXPECT_EQ(i.downstreams.at(1).name, "br_lan");
  EXPECT_EQ(i.downstreams.at(2).name, "we ird");
}

TEST(Grammar, ColonDirectlyAfterNameOrTable) {
  auto c = parsed("pinstance a:x ==> y;\npinstance b(7):z==>w;");
  EXPECT_EQ(c.instances.at(0).upstreams.at(0).name, "x");
  EXPECT_EQ(c.instances.at(1).table, 7u);
  EXPECT_EQ(c.instances.at(1).downstreams.at(0).name, "w");
}

TEST(Grammar, CommentsAreIgnoredAnywhere) {
  auto c = parsed("# head\npinstance a: # here\n up ==> down; # tail\n#end");
  EXPECT_EQ(c.instances.at(0).upstreams.at(0).name, "up");
}

TEST(Grammar, TableRuleForms) {
  auto c = parsed(R"(
table t {
  (239.99.99.99 | *)
  (* | 1.1.1.1/12)
  (239.1.0.0 - 239.1.0.255 | 192.168.2.0 - 192.168.2.55)
  eth1(232.0.0.0/8 | 10.0.0.1)
  eth2 (224.0.0.0/4|*)
};
pinstance a: up ==> down;
)");
  const Table& t = c.tables.at("t");
  ASSERT_EQ(t.rules.size(), 5u);
  EXPECT_EQ(t.rules[0].group, (AddressRange{addr("239.99.99.99"), addr("239.99.99.99")}));
  EXPECT_EQ(t.rules[0].source, AddressRange::any(Family::V4));
  EXPECT_EQ(t.rules[1].group, AddressRange::any(Family::V4));
  // A prefix with host bits set covers its whole network.
  EXPECT_EQ(t.rules[1].source, (AddressRange{addr("1.0.0.0"), addr("1.15.255.255")}));
  EXPECT_EQ(t.rules[2].group, (AddressRange{addr("239.1.0.0"), addr("239.1.0.255")}));
  EXPECT_EQ(t.rules[2].source, (AddressRange{addr("192.168.2.0"), addr("192.168.2.55")}));
  EXPECT_EQ(t.rules[3].interface, "eth1");
  EXPECT_EQ(t.rules[4].interface, "eth2");
  EXPECT_EQ(t.rules[4].group, (AddressRange{addr("224.0.0.0"), addr("239.255.255.255")}));
  EXPECT_EQ(t.rules[0].where.line, 3);
  EXPECT_EQ(t.rules[0].group_where.column, 4);
  EXPECT_EQ(t.rules[0].source_where.column, 19);
  EXPECT_EQ(t.where.line, 2);
}

TEST(Grammar, RangeWithoutSpaces) {
  auto c = parsed("table t { (239.0.0.1-239.0.0.9|*) }; pinstance a: u ==> d;");
  EXPECT_EQ(c.tables.at("t").rules.at(0).group, (AddressRange{addr("239.0.0.1"), addr("239.0.0.9")}));
}

TEST(Grammar, SemicolonAfterTableIsOptional) {
  auto c = parsed("table a { (*|*) }\ntable b { (*|*) };\npinstance a: u ==> d;");
  EXPECT_EQ(c.tables.size(), 2u);
}

TEST(Grammar, EmptyTable) {
  auto c = parsed("table empty { };\npinstance a: u ==> d;\npinstance a downstream d in blacklist table empty;");
  EXPECT_TRUE(c.tables.at("empty").rules.empty());
  EXPECT_TRUE(c.instances[0].downstreams[0].filter_in->admits("x", addr("239.1.1.1"), addr("1.1.1.1")));
}

TEST(Grammar, NestedReferenceAndAnonymousTablesExpandInPlace) {
  auto c = parsed(R"(
table allow_PC_1 { (* | 3.3.3.3) };
table xxx {
  (239.1.1.1 | *)
  (table allow_PC_1)
  (table {(239.2.2.2 | *) ( table allow_PC_1)})
};
pinstance a: u ==> d;
)");
  const Table& t = c.tables.at("xxx");
  ASSERT_EQ(t.rules.size(), 4u);
  EXPECT_EQ(t.rules[0].group.first, addr("239.1.1.1"));
  EXPECT_EQ(t.rules[1].source.first, addr("3.3.3.3"));
  EXPECT_EQ(t.rules[2].group.first, addr("239.2.2.2"));
  EXPECT_EQ(t.rules[3].source.first, addr("3.3.3.3"));
}

TEST(Grammar, ForwardTableReference) {
  auto c = parsed("table a { (table b) };\ntable b { (239.1.1.1|*) };\npinstance p: u ==> d;");
  EXPECT_EQ(c.tables.at("a").rules.size(), 1u);
}

TEST(Grammar, InterfaceBeforeNestedTableRestrictsItsRules) {
  auto c = parsed(R"(
table inner { (239.1.1.1|*) eth1(239.2.2.2|*) eth2(239.3.3.3|*) };
table outer { eth1(table inner) };
pinstance p: u ==> d;
)");
  const Table& t = c.tables.at("outer");
  ASSERT_EQ(t.rules.size(), 2u);  // the eth2 rule can never match on eth1
  EXPECT_EQ(t.rules[0].interface, "eth1");
  EXPECT_EQ(t.rules[1].interface, "eth1");
  EXPECT_TRUE(t.matches("eth1", addr("239.1.1.1"), addr("1.1.1.1")));
  EXPECT_FALSE(t.matches("eth2", addr("239.1.1.1"), addr("1.1.1.1")));
}

TEST(Grammar, FilterBindingsNamedAndAnonymous) {
  auto c = parsed(R"(
pinstance split: tunU1 tunU2 ==> tunD1 tunD2;
table allways { (*|*) };
pinstance split upstream tunU1 out whitelist table {tunD1(* | *)};
pinstance split upstream tunU2 in blacklist table allways;
pinstance split downstream tunD1 out whitelist table {tunU1(* | *)};
pinstance split downstream tunD2 in whitelist table { (239.0.0.0/8 | *) };
)");
  const auto& i = c.instances.at(0);
  const auto& u1 = i.upstreams.at(0);
  ASSERT_TRUE(u1.filter_out.has_value());
  EXPECT_FALSE(u1.filter_in.has_value());
  EXPECT_EQ(u1.filter_out->kind, FilterKind::Whitelist);
  EXPECT_EQ(u1.filter_out->table.name, "");
  EXPECT_EQ(u1.filter_out->table.rules.at(0).interface, "tunD1");
  EXPECT_EQ(u1.filter_out->where.line, 4);
  const auto& u2 = i.upstreams.at(1);
  ASSERT_TRUE(u2.filter_in.has_value());
  EXPECT_EQ(u2.filter_in->kind, FilterKind::Blacklist);
  EXPECT_EQ(u2.filter_in->table.name, "allways");
  EXPECT_EQ(u2.filter_in->table.rules.size(), 1u);
  EXPECT_TRUE(i.downstreams.at(1).filter_in.has_value());
}

TEST(Grammar, RuleMatchingLongForms) {
  auto c = parsed(R"(
pinstance a: u1 u2 ==> d;
pinstance a upstream * in rulematching mutex 10;
pinstance a upstream * out rulematching first;
)");
  const auto& i = c.instances.at(0);
  EXPECT_EQ(i.upstream_in_rule_matching.kind, RuleMatching::Kind::Mutex);
  EXPECT_EQ(i.upstream_in_rule_matching.mutex_timeout, Duration{10});  // bare number: ms, as in mcproxy
  EXPECT_EQ(i.rule_matching.kind, RuleMatching::Kind::First);
}

TEST(Grammar, RuleMatchingDefaults) {
  auto c = parsed("pinstance a: u1 u2 ==> d;");
  EXPECT_EQ(c.instances[0].rule_matching.kind, RuleMatching::Kind::All);
  EXPECT_EQ(c.instances[0].upstream_in_rule_matching.kind, RuleMatching::Kind::First);
}

TEST(Grammar, RuleMatchingShortForms) {
  auto c = parsed(R"(
pinstance a: u1 u2 ==> d1;
pinstance b: v1 v2 ==> d2;
pinstance a rulematching first;
pinstance b rulematching mutex 2s;
)");
  EXPECT_EQ(c.instances[0].rule_matching.kind, RuleMatching::Kind::First);
  EXPECT_EQ(c.instances[0].upstream_in_rule_matching.kind, RuleMatching::Kind::First);
  EXPECT_EQ(c.instances[1].rule_matching.kind, RuleMatching::Kind::All);
  EXPECT_EQ(c.instances[1].upstream_in_rule_matching.kind, RuleMatching::Kind::Mutex);
  EXPECT_EQ(c.instances[1].upstream_in_rule_matching.mutex_timeout, Duration{2000});
}

TEST(Grammar, RuleMatchingWithNamedInterfaceIsInstanceWide) {
  // mcproxy: "the interface name is unimportant".
  auto c = parsed("pinstance a: u1 u2 ==> d;\npinstance a upstream u1 out rulematching first;");
  EXPECT_EQ(c.instances[0].rule_matching.kind, RuleMatching::Kind::First);
}

TEST(Grammar, StaticRoute) {
  auto c = parsed("pinstance iptv: eth0 ==> eth1 eth2;\npinstance iptv static (232.1.1.1 | 10.1.0.5) ==> eth1 eth2;\n"
                  "pinstance iptv static (239.1.1.1) ==> eth2;\npinstance iptv static (239.1.1.2 | *) ==> eth1;");
  const auto& routes = c.instances.at(0).static_routes;
  ASSERT_EQ(routes.size(), 3u);
  EXPECT_EQ(routes[0].group, addr("232.1.1.1"));
  EXPECT_EQ(routes[0].source, addr("10.1.0.5"));
  EXPECT_EQ(routes[0].downstreams, (std::vector<std::string>{"eth1", "eth2"}));
  EXPECT_EQ(routes[0].where.line, 2);
  EXPECT_TRUE(routes[1].source.is_unspecified());
  EXPECT_TRUE(routes[1].source.is_v4());
  EXPECT_TRUE(routes[2].source.is_unspecified());
}

TEST(Grammar, Ipv6AddressesUnderMld) {
  auto c = parsed(R"(
protocol MLDv2;
table t {
  (ff05::1 - ff05::ff | 2001:db8::/32)
  (ff3e::/32 | ::)
  (* | *)
};
pinstance a: u ==> d;
pinstance a static (ff3e::8000:1 | 2001:db8::10) ==> d;
)");
  const Table& t = c.tables.at("t");
  EXPECT_EQ(t.rules[0].group, (AddressRange{addr("ff05::1"), addr("ff05::ff")}));
  EXPECT_EQ(t.rules[0].source.first, addr("2001:db8::"));
  EXPECT_EQ(t.rules[0].source.last, addr("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_EQ(t.rules[1].source.first, addr("::"));
  EXPECT_EQ(t.rules[2].group, AddressRange::any(Family::V6));
  EXPECT_EQ(c.instances[0].static_routes.at(0).source, addr("2001:db8::10"));
}

TEST(Grammar, StatementOrderDoesNotMatter) {
  // Bindings and options before the definition they refer to.
  auto c = parsed(R"(
pinstance a upstream u out whitelist table t;
pinstance a query-interval 60s;
table t { (239.1.1.1 | *) };
protocol IGMPv2;
pinstance a: u ==> d;
)");
  EXPECT_EQ(c.protocol, Protocol::IGMPv2);
  EXPECT_TRUE(c.instances.at(0).upstreams.at(0).filter_out.has_value());
  EXPECT_EQ(c.instances.at(0).timers.query_interval, Duration{60'000});
}

TEST(Grammar, SetIsASynonymOfPinstance) {
  auto c = parsed("pinstance a: u ==> d;\nset a downstream d query-interval 30s;");
  EXPECT_EQ(c.instances[0].downstreams[0].timers.query_interval, Duration{30'000});
}

TEST(Grammar, LastStatementNeedsNoSemicolon) {
  // mcproxy split its file at ';', so a missing last ';' was accepted.
  auto c = parsed("pinstance a: u ==> d;\npinstance a query-interval 30s");
  EXPECT_EQ(c.instances[0].timers.query_interval, Duration{30'000});
  EXPECT_EQ(parsed("protocol MLDv1").protocol, Protocol::MLDv1);
  EXPECT_EQ(parsed("pinstance a: u ==> d").instances.size(), 1u);
}

TEST(Grammar, EmptyStatementsAreIgnored) {
  EXPECT_EQ(parsed(";;pinstance a: u ==> d;;;").instances.size(), 1u);
  EXPECT_TRUE(parsed("").instances.empty());
}

}  // namespace
}  // namespace mcproxy::config::test
