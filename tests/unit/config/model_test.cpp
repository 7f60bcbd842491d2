// The model's behaviour: ranges, rules, tables, filters, timer defaults of
// RFC 3376 §8 / RFC 3810 §9, look-ups, formatting.
#include "config_test_util.hpp"

namespace mcproxy::config::test {
namespace {

TEST(AddressRange, ContainsInclusiveBoundsOfOneFamily) {
  const AddressRange r{addr("239.1.0.0"), addr("239.1.0.255")};
  EXPECT_TRUE(r.contains(addr("239.1.0.0")));
  EXPECT_TRUE(r.contains(addr("239.1.0.255")));
  EXPECT_TRUE(r.contains(addr("239.1.0.7")));
  EXPECT_FALSE(r.contains(addr("239.1.1.0")));
  EXPECT_FALSE(r.contains(addr("239.0.255.255")));
  EXPECT_FALSE(r.contains(addr("::ffff:239.1.0.7")));  // other family
}

TEST(AddressRange, AnyCoversTheWholeFamilyOnly) {
  const auto v4 = AddressRange::any(Family::V4);
  EXPECT_TRUE(v4.contains(addr("0.0.0.0")));
  EXPECT_TRUE(v4.contains(addr("255.255.255.255")));
  EXPECT_FALSE(v4.contains(addr("ff02::1")));
  const auto v6 = AddressRange::any(Family::V6);
  EXPECT_TRUE(v6.contains(addr("::")));
  EXPECT_TRUE(v6.contains(addr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
  EXPECT_FALSE(v6.contains(addr("10.0.0.1")));
}

TEST(AddressRange, Ipv6Range) {
  const AddressRange r{addr("ff05::1"), addr("ff05::ff")};
  EXPECT_TRUE(r.contains(addr("ff05::80")));
  EXPECT_FALSE(r.contains(addr("ff05::100")));
  EXPECT_FALSE(r.contains(addr("ff04::80")));
}

Rule rule(const char* ifname, const char* g1, const char* g2, const char* s1, const char* s2) {
  Rule r;
  r.interface = ifname;
  r.group = {addr(g1), addr(g2)};
  r.source = {addr(s1), addr(s2)};
  return r;
}

TEST(Rule, MatchesInterfaceGroupAndSource) {
  const Rule any_if = rule("", "239.0.0.0", "239.255.255.255", "10.0.0.0", "10.0.0.255");
  EXPECT_TRUE(any_if.matches("eth0", addr("239.1.1.1"), addr("10.0.0.5")));
  EXPECT_TRUE(any_if.matches("whatever", addr("239.1.1.1"), addr("10.0.0.5")));
  EXPECT_FALSE(any_if.matches("eth0", addr("232.1.1.1"), addr("10.0.0.5")));
  EXPECT_FALSE(any_if.matches("eth0", addr("239.1.1.1"), addr("10.0.1.5")));
  const Rule eth1 = rule("eth1", "239.0.0.0", "239.255.255.255", "0.0.0.0", "255.255.255.255");
  EXPECT_TRUE(eth1.matches("eth1", addr("239.1.1.1"), addr("1.2.3.4")));
  EXPECT_FALSE(eth1.matches("eth2", addr("239.1.1.1"), addr("1.2.3.4")));
}

TEST(Table, MatchesIfAnyRuleMatches) {
  Table t;
  t.rules.push_back(rule("", "239.1.1.1", "239.1.1.1", "0.0.0.0", "255.255.255.255"));
  t.rules.push_back(rule("eth1", "232.0.0.0", "232.255.255.255", "10.1.0.5", "10.1.0.5"));
  EXPECT_TRUE(t.matches("eth0", addr("239.1.1.1"), addr("8.8.8.8")));
  EXPECT_TRUE(t.matches("eth1", addr("232.1.1.1"), addr("10.1.0.5")));
  EXPECT_FALSE(t.matches("eth0", addr("232.1.1.1"), addr("10.1.0.5")));
  EXPECT_FALSE(Table{}.matches("eth0", addr("239.1.1.1"), addr("1.1.1.1")));  // empty table matches nothing
}

// mcproxy: a whitelist admits only what its table matches, a blacklist admits
// everything else; an interface without a filter admits everything.
TEST(FilterBinding, WhitelistAdmitsOnlyMatchesBlacklistTheRest) {
  Table t;
  t.rules.push_back(rule("", "239.0.0.0", "239.255.255.255", "0.0.0.0", "255.255.255.255"));
  FilterBinding white{FilterKind::Whitelist, t, {}};
  FilterBinding black{FilterKind::Blacklist, t, {}};
  EXPECT_TRUE(white.admits("eth0", addr("239.1.1.1"), addr("1.1.1.1")));
  EXPECT_FALSE(white.admits("eth0", addr("232.1.1.1"), addr("1.1.1.1")));
  EXPECT_FALSE(black.admits("eth0", addr("239.1.1.1"), addr("1.1.1.1")));
  EXPECT_TRUE(black.admits("eth0", addr("232.1.1.1"), addr("1.1.1.1")));
  // Empty tables: a whitelist blocks everything, a blacklist nothing.
  EXPECT_FALSE((FilterBinding{FilterKind::Whitelist, {}, {}}).admits("eth0", addr("239.1.1.1"), addr("1.1.1.1")));
  EXPECT_TRUE((FilterBinding{FilterKind::Blacklist, {}, {}}).admits("eth0", addr("239.1.1.1"), addr("1.1.1.1")));
}

// RFC 3376 §8.1-§8.11 defaults for an IGMPv3 querier.
TEST(EffectiveTimers, Rfc3376Defaults) {
  const Timers t = effective(Protocol::IGMPv3, TimerOptions{});
  EXPECT_EQ(t.robustness, 2u);
  EXPECT_EQ(t.query_interval, Duration{125'000});
  EXPECT_EQ(t.query_response_interval, Duration{10'000});
  EXPECT_EQ(t.group_membership_interval(), Duration{270'000});     // RFC 9776 §8.4: RV x QI + 2 x QRI
  EXPECT_EQ(t.other_querier_present_interval(), Duration{255'000});  // §8.5
  EXPECT_EQ(t.startup_query_interval, Duration{31'250});            // §8.6: QI / 4
  EXPECT_EQ(t.startup_query_count, 2u);                             // §8.7: RV
  EXPECT_EQ(t.last_member_query_interval, Duration{1'000});         // §8.8
  EXPECT_EQ(t.last_member_query_count, 2u);                         // §8.9: RV
  EXPECT_EQ(t.unsolicited_report_interval, Duration{1'000});        // §8.11
}

// RFC 3810 §9: the same defaults for MLDv2.
TEST(EffectiveTimers, Rfc3810Defaults) {
  const Timers t = effective(Protocol::MLDv2, TimerOptions{});
  EXPECT_EQ(t.query_interval, Duration{125'000});
  EXPECT_EQ(t.unsolicited_report_interval, Duration{1'000});
}

// RFC 2236 §8.10 / RFC 2710 §7.10: Unsolicited Report Interval 10 s.
TEST(EffectiveTimers, OlderVersionsUnsolicitedReportInterval) {
  for (Protocol p : {Protocol::IGMPv1, Protocol::IGMPv2, Protocol::MLDv1}) {
    EXPECT_EQ(effective(p, TimerOptions{}).unsolicited_report_interval, Duration{10'000}) << to_string(p);
  }
}

// RFC 3376 §8.7, §8.9: counts follow the Robustness Variable unless set.
TEST(EffectiveTimers, CountsFollowRobustness) {
  TimerOptions instance;
  instance.robustness = 4;
  const Timers t = effective(Protocol::IGMPv3, instance);
  EXPECT_EQ(t.last_member_query_count, 4u);
  EXPECT_EQ(t.startup_query_count, 4u);
  TimerOptions interface;
  interface.robustness = 3;
  interface.last_member_query_count = 1;
  const Timers u = effective(Protocol::IGMPv3, instance, &interface);
  EXPECT_EQ(u.robustness, 3u);
  EXPECT_EQ(u.startup_query_count, 3u);
  EXPECT_EQ(u.last_member_query_count, 1u);
}

TEST(EffectiveTimers, InterfaceOverInstanceOverDefault) {
  TimerOptions instance;
  instance.query_interval = Duration{60'000};
  instance.last_member_query_interval = Duration{500};
  TimerOptions interface;
  interface.query_interval = Duration{20'000};
  const Timers t = effective(Protocol::IGMPv3, instance, &interface);
  EXPECT_EQ(t.query_interval, Duration{20'000});
  EXPECT_EQ(t.startup_query_interval, Duration{5'000});
  EXPECT_EQ(t.last_member_query_interval, Duration{500});
  EXPECT_EQ(t.query_response_interval, Duration{10'000});
  EXPECT_EQ(t.last_member_query_time(), Duration{1'000});
}

TEST(Prefix, ContainsV4AndV6) {
  const Prefix p4{addr("10.20.0.0"), 16};
  EXPECT_TRUE(p4.contains(addr("10.20.255.1")));
  EXPECT_FALSE(p4.contains(addr("10.21.0.0")));
  EXPECT_FALSE(p4.contains(addr("::a14:1")));
  EXPECT_TRUE((Prefix{addr("0.0.0.0"), 0}).contains(addr("1.2.3.4")));
  EXPECT_TRUE((Prefix{addr("1.2.3.4"), 32}).contains(addr("1.2.3.4")));
  EXPECT_FALSE((Prefix{addr("1.2.3.4"), 32}).contains(addr("1.2.3.5")));
  const Prefix p6{addr("2001:db8:100::"), 40};
  EXPECT_TRUE(p6.contains(addr("2001:db8:1ff::1")));
  EXPECT_FALSE(p6.contains(addr("2001:db8:200::1")));
  EXPECT_FALSE(p6.contains(addr("10.0.0.1")));
  EXPECT_TRUE((Prefix{addr("::"), 0}).contains(addr("fe80::1")));
}

TEST(Lookups, FindInstanceAndInterface) {
  auto c = parsed("pinstance a: u1 u2 ==> d1;\npinstance b: v ==> e;");
  ASSERT_NE(c.find_instance("b"), nullptr);
  EXPECT_EQ(c.find_instance("b")->name, "b");
  EXPECT_EQ(c.find_instance("z"), nullptr);
  const InstanceConfig& a = *c.find_instance("a");
  ASSERT_NE(a.find_interface("u2"), nullptr);
  EXPECT_EQ(a.find_interface("u2")->role, Role::Upstream);
  EXPECT_EQ(a.find_interface("d1")->role, Role::Downstream);
  EXPECT_EQ(a.find_interface("e"), nullptr);
  c.find_instance("a")->find_interface("d1")->max_groups = 3;  // the mutable overloads
  EXPECT_EQ(c.instances[0].downstreams[0].max_groups, 3u);
}

TEST(Format, Durations) {
  EXPECT_EQ(format_duration(Duration{125'000}), "125s");
  EXPECT_EQ(format_duration(Duration{500}), "500ms");
  EXPECT_EQ(format_duration(Duration{3'174'400}), "3174.4s");
  EXPECT_EQ(format_duration(Duration{1'050}), "1.05s");
  EXPECT_EQ(format_duration(Duration{0}), "0s");
}

TEST(Format, DiagnosticToString) {
  const Diagnostic d{SourceLocation{"/etc/mcproxy.conf", 12, 5}, "unknown table 'x'"};
  EXPECT_EQ(d.to_string(), "/etc/mcproxy.conf:12:5: unknown table 'x'");
}

TEST(Summary, NamesEverythingCheckConfigShows) {
  auto c = parsed(R"(protocol IGMPv3;
pinstance iptv(3): up0 up1 ==> lan0 lan1;
table groups { (239.0.0.0/8 | *) (232.0.0.0/8 | *) };
pinstance iptv upstream up0 out whitelist table groups;
pinstance iptv query-interval 60s quick-leave on;
pinstance iptv downstream lan1 query-interval 30s max-groups 10;
pinstance iptv static (232.1.1.1 | 10.1.0.5) ==> lan0;
pinstance iptv upstream * in rulematching mutex 500;
)", "iptv.conf");
  const std::string s = summarize(c);
  for (const char* expected : {
           "configuration iptv.conf", "protocol IGMPv3", "instance iptv", "multicast routing table 3",
           "up0 (priority 1)", "up1 (priority 2)", "lan0", "query-interval 60s, query-response-interval 10s, robustness 2",
           "query-interval 30s", "quick-leave on", "max-groups 10", "out whitelist table groups (2 rules)",
           "static (232.1.1.1 | 10.1.0.5) ==> lan0", "rule matching: upstream out all, upstream in mutex 500ms",
           "table groups: 2 rules: (239.0.0.0/8 | *) (232.0.0.0/8 | *)", "startup-query-interval 15s",
           "source-idle-timeout 210s",
       }) {
    EXPECT_NE(s.find(expected), std::string::npos) << "missing: " << expected << "\n" << s;
  }
}

TEST(Summary, RangesThatAreNotPrefixesAndIpv6) {
  auto c = parsed("protocol MLDv2;\ntable t { (ff05::1 - ff05::ff | 2001:db8::/32) eth1(ff3e::1 | *) };\n"
                  "pinstance a: u ==> d;");
  const std::string s = summarize(c);
  EXPECT_NE(s.find("(ff05::1 - ff05::ff | 2001:db8::/32) eth1(ff3e::1 | *)"), std::string::npos) << s;
}

TEST(Summary, ShowsDisabled) {
  auto c = parsed("disable;\npinstance a: u ==> d;");
  EXPECT_NE(summarize(c).find("DISABLED"), std::string::npos);
}

}  // namespace
}  // namespace mcproxy::config::test
