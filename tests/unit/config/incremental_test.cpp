// parse_statements(): control-socket style changes applied to a running
// configuration, validated as a whole with check() before use.
#include "config_test_util.hpp"

namespace mcproxy::config::test {
namespace {

Configuration base() {
  return parsed(R"(protocol IGMPv3;
pinstance iptv: eth0 ==> eth1 eth2;
pinstance other: eth5 ==> eth6;
table groups { (239.0.0.0/8 | *) };
pinstance iptv query-interval 60s;
pinstance iptv upstream eth0 out whitelist table groups;
)");
}

TEST(Incremental, SetOverridesAnOptionOfTheFile) {
  Configuration c = base();
  EXPECT_TRUE(parse_statements("set iptv query-interval 30s;", "control", c).empty());
  EXPECT_EQ(c.instances[0].timers.query_interval, Duration{30'000});
  EXPECT_EQ(c.instances[0].option_where.at("query-interval").file, "control");
  EXPECT_TRUE(check(c).empty());
}

TEST(Incremental, SetPerInterfaceOptions) {
  Configuration c = base();
  // The end of the text ends the statement: a control-socket line needs no `;`.
  EXPECT_TRUE(parse_statements("set iptv downstream eth1 query-interval 20s max-groups 5", "control", c).empty());
  EXPECT_EQ(c.instances[0].downstreams[0].max_groups, 5u);
  EXPECT_EQ(c.instances[0].downstreams[0].timers.query_interval, Duration{20'000});
}

TEST(Incremental, PinstanceLineWithNamedTableOfTheBase) {
  Configuration c = base();
  EXPECT_TRUE(parse_statements("pinstance iptv downstream eth2 out whitelist table groups;", "control", c).empty());
  ASSERT_TRUE(c.instances[0].downstreams[1].filter_out.has_value());
  EXPECT_EQ(c.instances[0].downstreams[1].filter_out->table.name, "groups");
}

TEST(Incremental, ReplacingAFilterOfTheFileIsAllowed) {
  Configuration c = base();
  EXPECT_TRUE(parse_statements("pinstance iptv upstream eth0 out blacklist table {(232.0.0.0/8|*)};", "control", c)
                  .empty());
  EXPECT_EQ(c.instances[0].upstreams[0].filter_out->kind, FilterKind::Blacklist);
}

TEST(Incremental, ErrorsOfAChangeCarryTheirPosition) {
  Configuration c = base();
  const auto errors = parse_statements("set nosuch robustness 3;", "control", c);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].to_string(), "control:1:5: unknown instance 'nosuch'");
}

TEST(Incremental, ChangeValidatedAsAWholeBeforeApplying) {
  const Configuration running = base();
  Configuration copy = running;
  // Each statement is fine alone; together they break RFC 3376 §8.3.
  auto errors = parse_statements("set iptv query-interval 5s;", "control", copy);
  EXPECT_TRUE(errors.empty());
  errors = check(copy);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].to_string(),
            "control:1:10: query-response-interval 10s must be less than query-interval 5s of instance 'iptv' "
            "(RFC 3376 §8.3)");
  // The running configuration is untouched.
  EXPECT_EQ(running.instances[0].timers.query_interval, Duration{60'000});
}

TEST(Incremental, NewInstanceConflictingWithTheBaseIsCaughtByCheck) {
  Configuration c = base();
  EXPECT_TRUE(parse_statements("pinstance third: eth7 ==> eth1;", "control", c).empty());
  const auto errors = check(c);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].to_string(), "control:1:27: interface 'eth1' is already used by instance 'iptv' (at t.conf:2:26)");
}

TEST(Incremental, RedefiningAnInstanceNeedsItErasedFirst) {
  Configuration c = base();
  EXPECT_EQ(parse_statements("pinstance other: eth5 ==> eth6 eth8;", "control", c).size(), 1u);
  std::erase_if(c.instances, [](const InstanceConfig& i) { return i.name == "other"; });
  EXPECT_TRUE(parse_statements("pinstance other: eth5 ==> eth6 eth8;", "control", c).empty());
  EXPECT_EQ(c.find_instance("other")->downstreams.size(), 2u);
  EXPECT_TRUE(check(c).empty());
}

TEST(Incremental, SameOptionTwiceInOneChangeIsAnError) {
  Configuration c = base();
  const auto errors = parse_statements("set iptv robustness 3 robustness 4;", "control", c);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].to_string(), "control:1:23: 'robustness' of instance 'iptv' is already set at control:1:10");
}

}  // namespace
}  // namespace mcproxy::config::test
