// The extension options: timers, quick leave, alternative subnets, threshold,
// limits, static routes; durations and their units; effective values.
#include "config_test_util.hpp"

#include "modules/config/parser.hpp"
#include "modules/config/summary.hpp"

namespace mcproxy::config::test {
namespace {

constexpr const char* kBase = "pinstance iptv: eth0 ==> eth1 eth2;\n";

Configuration with(const std::string& statements, const char* protocol = "") {
  return parsed(std::string(protocol) + kBase + statements);
}

TEST(Options, InstanceTimersSeveralPerStatement) {
  auto c = with("pinstance iptv query-interval 125s query-response-interval 10s robustness 2;\n"
                "pinstance iptv last-member-query-interval 1s last-member-query-count 2;\n");
  const TimerOptions& t = c.instances.at(0).timers;
  EXPECT_EQ(t.query_interval, Duration{125'000});
  EXPECT_EQ(t.query_response_interval, Duration{10'000});
  EXPECT_EQ(t.robustness, 2u);
  EXPECT_EQ(t.last_member_query_interval, Duration{1'000});
  EXPECT_EQ(t.last_member_query_count, 2u);
  EXPECT_EQ(c.instances[0].option_where.at("robustness").line, 2);
  EXPECT_EQ(c.instances[0].option_where.at("robustness").column, 64);
}

TEST(Options, StartupAndUnsolicitedReportOptions) {
  auto c = with("pinstance iptv startup-query-interval 20s startup-query-count 3 unsolicited-report-interval 2s;\n"
                "pinstance iptv downstream eth1 startup-query-interval 10s startup-query-count 4;\n"
                "pinstance iptv upstream eth0 unsolicited-report-interval 500ms;\n");
  const auto& i = c.instances.at(0);
  EXPECT_EQ(i.timers.startup_query_interval, Duration{20'000});
  EXPECT_EQ(i.timers.startup_query_count, 3u);
  EXPECT_EQ(i.timers.unsolicited_report_interval, Duration{2'000});
  EXPECT_EQ(i.downstreams[0].timers.startup_query_interval, Duration{10'000});
  EXPECT_EQ(i.downstreams[0].timers.startup_query_count, 4u);
  EXPECT_EQ(i.upstreams[0].timers.unsolicited_report_interval, Duration{500});
}

TEST(Options, QuickLeaveOnOffAndPerInterface) {
  auto c = with("pinstance iptv quick-leave on;\npinstance iptv downstream eth2 quick-leave off;\n");
  const auto& i = c.instances.at(0);
  EXPECT_TRUE(i.quick_leave);
  EXPECT_FALSE(i.downstreams[0].quick_leave.has_value());
  EXPECT_EQ(i.downstreams[1].quick_leave, false);
  for (const char* word : {"yes", "true", "ON"}) {
    EXPECT_TRUE(with(std::string("pinstance iptv quick-leave ") + word + ";").instances[0].quick_leave) << word;
  }
  EXPECT_FALSE(parsed(kBase).instances[0].quick_leave);  // default off
}

TEST(Options, PerInterfaceTimerOverrideWinsOverInstance) {
  // RFC 3376 §8: the values are per interface; the instance gives the default.
  auto c = with("pinstance iptv query-interval 60s;\npinstance iptv downstream eth1 query-interval 30s;\n");
  const auto& i = c.instances.at(0);
  EXPECT_EQ(effective(c.protocol, i.timers, &i.downstreams[0].timers).query_interval, Duration{30'000});
  EXPECT_EQ(effective(c.protocol, i.timers, &i.downstreams[1].timers).query_interval, Duration{60'000});
  EXPECT_EQ(effective(c.protocol, i.timers).query_interval, Duration{60'000});
  // Derived from the interface's own query interval: startup query interval = QI / 4 (§8.6).
  EXPECT_EQ(effective(c.protocol, i.timers, &i.downstreams[0].timers).startup_query_interval, Duration{7'500});
}

TEST(Options, AlternativeSubnets) {
  auto c = with("pinstance iptv downstream eth1 alternative-subnets 10.20.0.0/16 192.168.100.0/24;\n"
                "pinstance iptv upstream eth0 alternative-subnets 10.1.0.0/16;\n");
  const auto& i = c.instances.at(0);
  const auto& subnets = i.downstreams[0].alternative_subnets;
  ASSERT_EQ(subnets.size(), 2u);
  EXPECT_EQ(subnets[0], (Prefix{addr("10.20.0.0"), 16}));
  EXPECT_EQ(subnets[1], (Prefix{addr("192.168.100.0"), 24}));
  EXPECT_EQ(i.upstreams[0].alternative_subnets.at(0), (Prefix{addr("10.1.0.0"), 16}));
  EXPECT_TRUE(subnets[0].contains(addr("10.20.5.6")));
  EXPECT_FALSE(subnets[0].contains(addr("10.21.0.1")));
}

TEST(Options, AlternativeSubnetsFollowedByAnotherOption) {
  auto c = with("pinstance iptv downstream eth1 alternative-subnets 10.20.0.0/16 10.30.0.1 max-groups 5;\n");
  const auto& d = c.instances[0].downstreams[0];
  ASSERT_EQ(d.alternative_subnets.size(), 2u);
  EXPECT_EQ(d.alternative_subnets[1], (Prefix{addr("10.30.0.1"), 32}));  // a bare address is a host prefix
  EXPECT_EQ(d.max_groups, 5u);
}

TEST(Options, AlternativeSubnetsIpv6) {
  auto c = with("pinstance iptv upstream eth0 alternative-subnets 2001:db8:100::/48 ::/0;\n", "protocol MLDv2;\n");
  const auto& s = c.instances[0].upstreams[0].alternative_subnets;
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0], (Prefix{addr("2001:db8:100::"), 48}));
  EXPECT_TRUE(s[1].contains(addr("fe80::1")));
}

TEST(Options, QuerySource) {
  auto c = with("pinstance iptv downstream eth1 query-source 0.0.0.0;\n"
                "pinstance iptv downstream eth2 query-source 192.0.2.9 max-groups 5;\n");
  const auto& i = c.instances.at(0);
  EXPECT_EQ(i.downstreams[0].query_source, addr("0.0.0.0"));
  EXPECT_EQ(i.downstreams[1].query_source, addr("192.0.2.9"));
  EXPECT_EQ(i.downstreams[1].max_groups, 5u);
  EXPECT_EQ(with("pinstance iptv downstream eth1 query-source fe80::9;\n", "protocol MLDv2;\n")
                .instances[0].downstreams[0].query_source,
            addr("fe80::9"));
}

TEST(Options, QuerySourceErrors) {
  EXPECT_EQ(errors_of(std::string(kBase) + "pinstance iptv upstream eth0 query-source 10.0.0.1;\n").at(0),
            "t.conf:2:30: 'query-source' applies to downstream interfaces only");
  EXPECT_EQ(errors_of(std::string(kBase) + "pinstance iptv downstream eth1 query-source 239.1.1.1;\n").at(0),
            "t.conf:2:32: query-source 239.1.1.1 is a multicast address");
  EXPECT_EQ(errors_of("protocol MLDv2;\n" + std::string(kBase) + "pinstance iptv downstream eth1 query-source 2001:db8::1;\n")
                .at(0),
            "t.conf:3:32: query-source 2001:db8::1 is not a link-local address (RFC 3810 §5: MLD is sent from fe80::/10)");
  EXPECT_FALSE(errors_of(std::string(kBase) + "pinstance iptv downstream eth1 query-source;\n").empty());
}

TEST(Options, DownstreamPatterns) {
  auto c = parsed("pinstance a: eth0 ==> lan0 ppp* \"vlan1*\" x*.7;\npinstance a downstream ppp* quick-leave on;\n");
  const auto& d = c.instances.at(0).downstreams;
  ASSERT_EQ(d.size(), 4u);
  EXPECT_EQ(d[1].name, "ppp*");
  EXPECT_EQ(d[1].quick_leave, true);
  EXPECT_EQ(d[2].name, "vlan1*");
  EXPECT_EQ(d[3].name, "x*.7");
}

TEST(Options, DownstreamPatternErrors) {
  EXPECT_EQ(errors_of("pinstance a: \"up*\" ==> lan0;\n").at(0),
            "t.conf:1:14: interface pattern 'up*' in instance 'a': patterns are for downstream interfaces only");
  EXPECT_EQ(errors_of("pinstance a: eth0 ==> ppp*;\npinstance b: eth1 ==> ppp7;\n").at(0),
            "t.conf:1:23: interface pattern 'ppp*' of instance 'a' matches interface 'ppp7' of instance 'b'");
}

TEST(Options, ThresholdAndLimits) {
  auto c = with("pinstance iptv upstream eth0 threshold 2;\n"
                "pinstance iptv downstream eth1 max-groups 512 max-sources 64;\n");
  const auto& i = c.instances.at(0);
  EXPECT_EQ(i.upstreams[0].threshold, 2u);
  EXPECT_EQ(i.downstreams[0].max_groups, 512u);
  EXPECT_EQ(i.downstreams[0].max_sources, 64u);
  EXPECT_FALSE(i.downstreams[1].max_groups.has_value());  // unlimited
}

// Instance limits: max-groups is the instance's own; max-groups-per-host and
// max-sources there are the defaults of its downstreams (doc/configuration.md, "Limits").
TEST(Options, InstanceLimits) {
  auto c = with("pinstance iptv max-groups 200000 max-groups-per-host 32 max-sources 8;\n"
                "pinstance iptv downstream eth1 max-groups-per-host 4;\n");
  const auto& i = c.instances.at(0);
  EXPECT_EQ(i.max_groups, 200000u);
  EXPECT_EQ(i.max_groups_per_host, 32u);
  EXPECT_EQ(i.max_sources, 8u);
  EXPECT_EQ(i.downstreams[0].max_groups_per_host, 4u);
  EXPECT_FALSE(i.downstreams[1].max_groups_per_host.has_value());
  auto d = with("");
  EXPECT_FALSE(d.instances.at(0).max_groups.has_value());  // kDefaultInstanceMaxGroups applies
}

// host-report-rate: the instance's value is the downstreams' default, 0 is
// unlimited, unset is kDefaultHostReportRate (doc/configuration.md, "Limits").
TEST(Options, HostReportRate) {
  auto c = with("pinstance iptv host-report-rate 200;\n"
                "pinstance iptv downstream eth1 host-report-rate 0;\n");
  const auto& i = c.instances.at(0);
  EXPECT_EQ(i.host_report_rate, 200u);
  EXPECT_EQ(i.downstreams[0].host_report_rate, 0u);
  EXPECT_FALSE(i.downstreams[1].host_report_rate.has_value());
  const std::string text = summarize(c);
  EXPECT_NE(text.find("host-report-rate unlimited"), std::string::npos) << text;
  EXPECT_NE(text.find(", host-report-rate 200/s"), std::string::npos) << text;
  EXPECT_NE(summarize(with("")).find(", host-report-rate 1000/s"), std::string::npos);
}

// RFC 9776 §7.2.1 / §7.3.1: the per-interface switch for SSM-only links; unset means on.
TEST(Options, CompatibilityModePerInterface) {
  auto c = with("pinstance iptv upstream eth0 compatibility-mode off;\n"
                "pinstance iptv downstream eth1 compatibility-mode on;\n");
  const auto& i = c.instances.at(0);
  EXPECT_EQ(i.upstreams[0].compatibility_mode, false);
  EXPECT_EQ(i.downstreams[0].compatibility_mode, true);
  EXPECT_FALSE(i.downstreams[1].compatibility_mode.has_value());
  EXPECT_NE(summarize(c).find("eth0 (priority 1)\n        compatibility-mode off"), std::string::npos) << summarize(c);
}

TEST(Options, StaticRouteExtension) {
  auto c = with("pinstance iptv static (232.1.1.1 | 10.1.0.5) ==> eth1 eth2;\n");
  const auto& r = c.instances.at(0).static_routes.at(0);
  EXPECT_EQ(r.group, addr("232.1.1.1"));
  EXPECT_EQ(r.source, addr("10.1.0.5"));
  EXPECT_EQ(r.downstreams.size(), 2u);
  EXPECT_EQ(r.downstreams_where.at(1).column, 55);
}

TEST(Options, DurationUnits) {
  struct Case {
    const char* text;
    long long ms;
  };
  const Case cases[] = {
      {"125", 125'000}, {"125s", 125'000}, {"1500ms", 1'500}, {"2m", 120'000}, {"1h", 3'600'000},
      {"1.5s", 1'500},  {"0.1s", 100},     {"2.25m", 135'000}, {"10S", 10'000}, {"100MS", 100},
  };
  for (const auto& c : cases) {
    auto d = parse_duration(c.text);
    ASSERT_TRUE(d.has_value()) << c.text;
    EXPECT_EQ(d->count(), c.ms) << c.text;
  }
  for (const char* bad : {"", "s", "1x", "1.s", "1..2s", "-1s", "1.0001s", "0.5ms", "99999999999999999s"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
  EXPECT_EQ(parse_duration("10", 1)->count(), 10);  // the mutex timeout's bare unit is ms
}

TEST(Options, DurationsInStatements) {
  auto c = with("pinstance iptv query-interval 2m query-response-interval 12.5s last-member-query-interval 300ms;\n");
  const auto& t = c.instances[0].timers;
  EXPECT_EQ(t.query_interval, Duration{120'000});
  EXPECT_EQ(t.query_response_interval, Duration{12'500});
  EXPECT_EQ(t.last_member_query_interval, Duration{300});
}

TEST(Options, BoundaryValuesAreAccepted) {
  // Table-driven: every documented range's ends.
  const char* accepted[] = {
      "pinstance iptv robustness 1;",
      "pinstance iptv robustness 7;",
      "pinstance iptv query-interval 31744s;",
      "pinstance iptv query-interval 2s query-response-interval 1s;",
      "pinstance iptv query-interval 20000s query-response-interval 3174.4s;",
      "pinstance iptv query-response-interval 100ms;",
      "pinstance iptv last-member-query-interval 100ms;",
      "pinstance iptv last-member-query-interval 25.5s;",
      "pinstance iptv last-member-query-count 255 startup-query-count 1;",
      "pinstance iptv startup-query-interval 100ms;",
      "pinstance iptv unsolicited-report-interval 25.5s;",
      "pinstance iptv upstream eth0 threshold 255;",
      "pinstance iptv downstream eth1 max-groups 65535 max-sources 1;",
  };
  for (const char* statement : accepted) {
    EXPECT_EQ(errors_of(std::string(kBase) + statement).size(), 0u) << statement << "\n"
                                                                   << joined(errors_of(std::string(kBase) + statement));
  }
  const char* rejected[] = {
      "pinstance iptv query-interval 31745s;",
      "pinstance iptv query-interval 999ms query-response-interval 500ms;",
      "pinstance iptv query-interval 20000s query-response-interval 3174.5s;",
      "pinstance iptv query-response-interval 99ms;",
      "pinstance iptv last-member-query-interval 25.6s;",
      "pinstance iptv startup-query-interval 99ms;",
      "pinstance iptv unsolicited-report-interval 26s;",
  };
  for (const char* statement : rejected) {
    EXPECT_EQ(errors_of(std::string(kBase) + statement).size(), 1u) << statement;
  }
}

TEST(Options, QueryResponseIntervalMaximumDependsOnProtocol) {
  // IGMPv3: Max Resp Code up to 3174.4 s (RFC 3376 §4.1.1); MLDv2: 8387.584 s
  // (RFC 3810 §5.1.3); MLDv1: 65.535 s (RFC 2710 §3.4); IGMPv2: 25.5 s (RFC 2236 §2.2).
  const std::string set = "pinstance iptv query-interval 10000s query-response-interval ";
  EXPECT_TRUE(errors_of("protocol MLDv2;\n" + std::string(kBase) + set + "8387.584s;").empty());
  EXPECT_FALSE(errors_of("protocol MLDv2;\n" + std::string(kBase) + set + "8387.585s;").empty());
  EXPECT_TRUE(errors_of("protocol MLDv1;\n" + std::string(kBase) + set + "65.535s;").empty());
  EXPECT_FALSE(errors_of("protocol MLDv1;\n" + std::string(kBase) + set + "65.536s;").empty());
  EXPECT_TRUE(errors_of("protocol IGMPv2;\n" + std::string(kBase) + set + "25.5s;").empty());
  EXPECT_FALSE(errors_of("protocol IGMPv3;\n" + std::string(kBase) + set + "3174.5s;").empty());
}

// `pinstance NAME source-idle-timeout DURATION;` (doc/configuration.md):
// default RFC 7761 §4.11 Keepalive_Period, 5 s..1 day, instance only.
TEST(Options, SourceIdleTimeout) {
  EXPECT_EQ(parsed(kBase).instances[0].source_idle_timeout, Duration{210'000});
  EXPECT_EQ(with("pinstance iptv source-idle-timeout 30s;").instances[0].source_idle_timeout, Duration{30'000});
  EXPECT_TRUE(errors_of(std::string(kBase) + "pinstance iptv source-idle-timeout 5s;").empty());
  EXPECT_TRUE(errors_of(std::string(kBase) + "pinstance iptv source-idle-timeout 24h;").empty());
  auto low = errors_of(std::string(kBase) + "pinstance iptv source-idle-timeout 4.999s;");
  ASSERT_EQ(low.size(), 1u);
  EXPECT_NE(joined(low).find("source-idle-timeout 4.999s is out of range 5s..86400s"), std::string::npos) << joined(low);
  EXPECT_NE(joined(low).find(":2:"), std::string::npos) << joined(low);
  EXPECT_EQ(errors_of(std::string(kBase) + "pinstance iptv source-idle-timeout 25h;").size(), 1u);
  auto misplaced = errors_of(std::string(kBase) + "pinstance iptv downstream eth1 source-idle-timeout 30s;");
  ASSERT_EQ(misplaced.size(), 1u);
  EXPECT_NE(joined(misplaced).find("instance option"), std::string::npos) << joined(misplaced);
}

TEST(Options, OptionKeywordsAreCaseInsensitive) {
  auto c = with("pinstance iptv Query-Interval 60S;\n");
  EXPECT_EQ(c.instances[0].timers.query_interval, Duration{60'000});
}

}  // namespace
}  // namespace mcproxy::config::test
