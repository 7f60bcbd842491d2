// Every semantic error, with its exact FILE:LINE:COL and message; and every
// error of a file collected at once.
#include "config_test_util.hpp"

namespace mcproxy::config::test {
namespace {

struct ErrorCase {
  const char* name;
  const char* text;
  std::vector<std::string> expected;
};

class SemanticError : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(SemanticError, IsReportedWithItsPosition) {
  const ErrorCase& c = GetParam();
  EXPECT_EQ(joined(errors_of(c.text)), joined(c.expected)) << c.text;
}

const ErrorCase kCases[] = {
    {"CompatibilityModeIsAnInterfaceOption",
     "pinstance a: u ==> d;\npinstance a compatibility-mode off;",
     {"t.conf:2:13: 'compatibility-mode' is an interface option: write 'pinstance NAME upstream|downstream IF "
      "compatibility-mode ...'"}},
    {"CompatibilityModeOffNeedsAVersion3Protocol",
     "protocol IGMPv2;\npinstance a: u ==> d;\npinstance a downstream d compatibility-mode off;",
     {"t.conf:3:26: 'compatibility-mode off' needs protocol IGMPv3 or MLDv2, not IGMPv2"}},
    {"UnknownTableInBinding",
     "pinstance a: u ==> d;\npinstance a upstream u out whitelist table nope;",
     {"t.conf:2:44: unknown table 'nope'"}},
    {"UnknownTableInTable",
     "table t {\n  (table missing)\n};\npinstance a: u ==> d;",
     {"t.conf:2:10: unknown table 'missing'"}},
    {"DuplicateInstance",
     "pinstance a: u ==> d;\npinstance a: v ==> w;",
     {"t.conf:2:11: duplicate instance 'a' (first defined at t.conf:1:11)"}},
    {"DuplicateTable",
     "table t { (*|*) };\ntable t { (*|*) };\npinstance a: u ==> d;",
     {"t.conf:2:7: duplicate table 't' (first defined at t.conf:1:7)"}},
    {"TableCycle",
     "table a { (table b) };\ntable b { (table c) };\ntable c { (table a) };\npinstance p: u ==> d;",
     {"t.conf:3:18: table reference cycle: a -> b -> c -> a"}},
    {"TableSelfReference",
     "table a {\n (table a)\n};\npinstance p: u ==> d;",
     {"t.conf:2:9: table reference cycle: a -> a"}},
    {"InterfaceInTwoInstances",
     "pinstance a: u ==> d;\npinstance b: v ==> d;",
     {"t.conf:2:20: interface 'd' is already used by instance 'a' (at t.conf:1:20)"}},
    {"InterfaceUpAndDownstream",
     "pinstance a: eth0 ==> eth1 eth0;",
     {"t.conf:1:28: interface 'eth0' is both upstream and downstream of instance 'a': one kernel VIF is either "
      "the input or an output of a route; list it once, as an upstream (what the original's peering interface did, "
      "see doc/configuration.md)"}},
    // The original's peering set-up across two instances: refused with the why.
    {"InterfaceUpstreamOfOneDownstreamOfAnother",
     "pinstance a: p ==> d;\npinstance b: u ==> p;",
     {"t.conf:2:20: interface 'p' is downstream of instance 'b' and upstream of instance 'a' (at t.conf:1:14): the "
      "kernel hands the packets of one interface to one multicast routing table and one instance; put both roles' "
      "interfaces into one instance, or connect the two instances through a veth pair (see doc/configuration.md)"}},
    {"RoutingTableZero", "pinstance a(0): u ==> d;",
     {"t.conf:1:13: multicast routing table 0 is out of range 1..4294967295 (0 is the kernel's 'unspecified'; "
      "leave the number out to have one assigned)"}},
    {"InterfaceListedTwice",
     "pinstance a: eth0 ==> eth1 eth1;",
     {"t.conf:1:28: interface 'eth1' is listed twice in instance 'a'"}},
    {"TooManyInterfaces",
     "pinstance big: u ==> d1 d2 d3 d4 d5 d6 d7 d8 d9 d10 d11 d12 d13 d14 d15 d16 d17 d18 d19 d20 d21 "
     "d22 d23 d24 d25 d26 d27 d28 d29 d30 d31 d32;",
     {"t.conf:1:11: instance 'big' has 33 interfaces; the kernel allows 32 per multicast routing table (MAXVIFS)"}},
    {"Ipv6UnderIgmp",
     "table t {\n  (ff05::1 | *)\n};\npinstance a: u ==> d;",
     {"t.conf:2:4: IPv6 address ff05::1 under protocol IGMPv3 (IPv4)"}},
    {"Ipv4UnderMld",
     "protocol MLDv2;\ntable t { (* | 10.0.0.1) };\npinstance a: u ==> d;",
     {"t.conf:2:16: IPv4 address 10.0.0.1 under protocol MLDv2 (IPv6)"}},
    {"Ipv4StaticUnderMld",
     "protocol MLDv1;\npinstance a: u ==> d;\npinstance a static (239.1.1.1) ==> d;",
     {"t.conf:3:20: IPv4 address 239.1.1.1 under protocol MLDv1 (IPv6)"}},
    {"Ipv6AlternativeSubnetUnderIgmp",
     "pinstance a: u ==> d;\npinstance a upstream u alternative-subnets 2001:db8::/32;",
     {"t.conf:2:24: IPv6 address 2001:db8:: under protocol IGMPv3 (IPv4)"}},
    {"TimerOutOfRange",
     "pinstance a: u ==> d;\npinstance a query-interval 40000s;",
     {"t.conf:2:13: query-interval 40000s is out of range 1s..31744s (largest QQIC, RFC 3376 §4.1.7)"}},
    {"RobustnessZero",
     "pinstance a: u ==> d;\npinstance a robustness 0;",
     {"t.conf:2:13: robustness 0 is out of range 1..7 (QRV is 3 bits and must not be 0, RFC 3376 §4.1.6)"}},
    {"RobustnessEight",
     "pinstance a: u ==> d;\npinstance a downstream d robustness 8;",
     {"t.conf:2:26: robustness 8 is out of range 1..7 (QRV is 3 bits and must not be 0, RFC 3376 §4.1.6)"}},
    {"QueryResponseIntervalTooLargeForIgmpv2",
     "protocol IGMPv2;\npinstance a: u ==> d;\npinstance a query-response-interval 30s;",
     {"t.conf:3:13: query-response-interval 30s is out of range 100ms..25.5s (IGMPv2 Max Resp Time is 8 bits of "
      "1/10 s, RFC 2236 §2.2)"}},
    {"LastMemberQueryIntervalTooSmall",
     "pinstance a: u ==> d;\npinstance a last-member-query-interval 50ms;",
     {"t.conf:2:13: last-member-query-interval 50ms is out of range 100ms..25.5s (sent as a Max Resp Code in "
      "1/10 s, RFC 3376 §8.8)"}},
    {"CountsOutOfRange",
     "pinstance a: u ==> d;\npinstance a last-member-query-count 256 startup-query-count 0;\n"
     "pinstance a upstream u threshold 0;\npinstance a downstream d max-groups 70000 max-sources 0;",
     {"t.conf:2:13: last-member-query-count 256 is out of range 1..255",
      "t.conf:2:41: startup-query-count 0 is out of range 1..255",
      "t.conf:3:24: threshold 0 is out of range 1..255",
      "t.conf:4:26: max-groups 70000 is out of range 1..65535",
      "t.conf:4:43: max-sources 0 is out of range 1..65535"}},
    {"QueryResponseNotBelowQueryInterval",
     "pinstance a: u ==> d;\npinstance a query-interval 10s;",
     {"t.conf:2:13: query-response-interval 10s must be less than query-interval 10s of instance 'a' "
      "(RFC 3376 §8.3)"}},
    {"QueryResponseNotBelowQueryIntervalOnInterface",
     "pinstance a: u ==> d e;\npinstance a downstream e query-interval 5s;",
     {"t.conf:2:26: query-response-interval 10s must be less than query-interval 5s on 'e' (RFC 3376 §8.3)"}},
    {"OptionOnUnknownInstance",
     "pinstance a: u ==> d;\npinstance b query-interval 30s;",
     {"t.conf:2:11: unknown instance 'b'"}},
    {"OptionOnUnknownInterface",
     "pinstance a: u ==> d;\npinstance a downstream x query-interval 30s;",
     {"t.conf:2:24: instance 'a' has no downstream interface 'x'"}},
    {"OptionOnInterfaceOfOtherRole",
     "pinstance a: u ==> d;\npinstance a upstream d threshold 2;",
     {"t.conf:2:22: instance 'a' has no upstream interface 'd'"}},
    {"FilterOnUnknownInterface",
     "pinstance a: u ==> d;\npinstance a downstream eth9 in whitelist table {(*|*)};",
     {"t.conf:2:24: instance 'a' has no downstream interface 'eth9'"}},
    {"InterfaceOptionAtInstanceLevel",
     "pinstance a: u ==> d;\npinstance a threshold 10;",
     {"t.conf:2:13: 'threshold' is an interface option: write 'pinstance NAME upstream|downstream IF threshold "
      "...'"}},
    {"InstanceLimitsOutOfRange",
     "pinstance a: u ==> d;\npinstance a max-groups 2000000 max-groups-per-host 0;",
     {"t.conf:2:13: max-groups 2000000 is out of range 1..1048576",
      "t.conf:2:32: max-groups-per-host 0 is out of range 1..65535"}},
    {"HostReportRateOutOfRange",
     "pinstance a: u ==> d;\npinstance a host-report-rate 1000001;\npinstance a downstream d host-report-rate 2000000;",
     {"t.conf:2:13: host-report-rate 1000001 is out of range 0..1000000",
      "t.conf:3:26: host-report-rate 2000000 is out of range 0..1000000"}},
    {"HostReportRateOnUpstream",
     "pinstance a: u ==> d;\npinstance a upstream u host-report-rate 10;",
     {"t.conf:2:24: 'host-report-rate' applies to downstream interfaces only"}},
    {"DownstreamOptionOnUpstream",
     "pinstance a: u ==> d;\npinstance a upstream u query-interval 30s;",
     {"t.conf:2:24: 'query-interval' applies to downstream interfaces only"}},
    {"UpstreamOptionOnDownstream",
     "pinstance a: u ==> d;\npinstance a downstream d unsolicited-report-interval 1s;",
     {"t.conf:2:26: 'unsolicited-report-interval' applies to upstream interfaces only"}},
    {"StaticRouteToNonDownstream",
     "pinstance a: u ==> d;\npinstance a static (232.1.1.1 | 10.0.0.1) ==> d u x;",
     {"t.conf:2:49: static forwarding to 'u', which is not a downstream of instance 'a'",
      "t.conf:2:51: static forwarding to 'x', which is not a downstream of instance 'a'"}},
    {"StaticRouteGroupNotMulticast",
     "pinstance a: u ==> d;\npinstance a static (10.1.1.1) ==> d;",
     {"t.conf:2:20: group 10.1.1.1 is not a multicast address"}},
    {"StaticRouteSourceMulticast",
     "pinstance a: u ==> d;\npinstance a static (239.1.1.1 | 239.2.2.2) ==> d;",
     {"t.conf:2:20: source 239.2.2.2 is a multicast address"}},
    {"RuleGroupNotMulticast",
     "table t {\n  (10.0.0.1 | *)\n  (240.0.0.0 - 241.0.0.0 | *)\n};\npinstance a: u ==> d;",
     {"t.conf:2:4: group 10.0.0.1 is not a multicast address"}},  // the range: a warning (GroupRanges)
    {"AnonymousRuleGroupNotMulticast",
     "pinstance a: u ==> d;\npinstance a upstream u out whitelist table {(192.0.2.1 | *)};",
     {"t.conf:2:46: group 192.0.2.1 is not a multicast address"}},
    {"SameRoutingTableNumber",
     "pinstance a(5): u ==> d;\npinstance b(5): v ==> e;",
     {"t.conf:2:13: instance 'b' uses multicast routing table 5 of instance 'a'"}},
    {"DuplicateFilter",
     "pinstance a: u ==> d;\npinstance a downstream d in whitelist table {(*|*)};\n"
     "pinstance a downstream d in blacklist table {(*|*)};",
     {"t.conf:3:29: the input filter of 'd' is already set at t.conf:2:29"}},
    {"DuplicateOption",
     "pinstance a: u ==> d;\npinstance a query-interval 30s;\npinstance a query-interval 60s;",
     {"t.conf:3:13: 'query-interval' of instance 'a' is already set at t.conf:2:13"}},
    {"DuplicateProtocol",
     "protocol IGMPv3;\nprotocol IGMPv2;\npinstance a: u ==> d;",
     {"t.conf:2:10: the protocol is already set at t.conf:1:10"}},
    {"RuleMatchingAllForUpstreamIn",
     "pinstance a: u ==> d;\npinstance a upstream * in rulematching all;",
     {"t.conf:2:40: 'upstream * in' takes 'first' or 'mutex MS', not 'all'"}},
    {"RuleMatchingMutexForUpstreamOut",
     "pinstance a: u ==> d;\npinstance a upstream * out rulematching mutex 10;",
     {"t.conf:2:41: 'upstream * out' takes 'all' or 'first', not 'mutex'"}},
    {"RuleMatchingOnDownstream",
     "pinstance a: u ==> d;\npinstance a downstream * in rulematching first;",
     {"t.conf:2:42: rule matching applies to upstream interfaces only ('pinstance NAME upstream * in|out "
      "rulematching ...')"}},
    {"MutexTimeoutZero",
     "pinstance a: u ==> d;\npinstance a upstream * in rulematching mutex 0;",
     {"t.conf:2:40: the mutex timeout must be at least 1ms"}},
    {"DuplicateStaticRoute",
     "pinstance a: u ==> d;\npinstance a static (239.1.1.1) ==> d;\npinstance a static (239.1.1.1 | *) ==> d;",
     {"t.conf:3:20: duplicate static forwarding entry (first at t.conf:2:20)"}},
    {"FilterOnStar",
     "pinstance a: u ==> d;\npinstance a upstream * in whitelist table {(*|*)};",
     {"t.conf:2:22: a filter needs an interface name, not '*'"}},
};

INSTANTIATE_TEST_SUITE_P(Config, SemanticError, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<ErrorCase>& p) { return std::string(p.param.name); });

struct SyntaxCase {
  const char* name;
  const char* text;
  std::vector<std::string> expected;
};

class SyntaxError : public ::testing::TestWithParam<SyntaxCase> {};

TEST_P(SyntaxError, IsReportedWithItsPosition) {
  const SyntaxCase& c = GetParam();
  EXPECT_EQ(joined(errors_of(c.text)), joined(c.expected)) << c.text;
}

const SyntaxCase kSyntaxCases[] = {
    {"UnknownStatement", "pinstanc a: u ==> d;",
     {"t.conf:1:1: expected a statement ('protocol', 'pinstance', 'table' or 'disable'), found 'pinstanc'"}},
    {"UnknownProtocol", "protocol IGMPv4;", {"t.conf:1:10: expected IGMPv1, IGMPv2, IGMPv3, MLDv1 or MLDv2, found 'IGMPv4'"}},
    {"MissingSemicolon", "pinstance a: u ==> d\npinstance b: x ==> y;",
     {"t.conf:2:1: expected ';' at the end of the definition of instance 'a', found 'pinstance'"}},
    // The definition is kept: what follows about `a` is not "unknown instance".
    {"MissingSemicolonAfterInstance",
     "pinstance a: u ==> d\npinstance a quick-leave on;\npinstance a downstream d threshold 3;\n"
     "pinstance a upstream u out whitelist table {(239.0.0.0/8 | *)};",
     {"t.conf:2:1: expected ';' at the end of the definition of instance 'a', found 'pinstance'"}},
    {"NoDownstream", "pinstance a: u ==> ;", {"t.conf:1:20: instance 'a' needs at least one downstream interface after '==>'"}},
    {"MissingArrow", "pinstance a: u d;", {"t.conf:1:17: expected an upstream interface name or '==>', found ';'"}},
    {"UnterminatedTable", "table t {\n  (239.1.1.1 | *)\n", {"t.conf:1:9: table is not closed: '}' expected before end of file at line 3"}},
    {"BadAddress", "table t { (239.1.1.300 | *) };", {"t.conf:1:12: '239.1.1.300' is not an IP address"}},
    {"MixedRange", "table t { (239.1.1.1 - ff05::1 | *) };", {"t.conf:1:24: address range 239.1.1.1 - ff05::1 mixes IPv4 and IPv6"}},
    {"BackwardsRange", "table t { (239.1.1.9 - 239.1.1.1 | *) };", {"t.conf:1:24: address range 239.1.1.9 - 239.1.1.1 ends before it starts"}},
    {"PrefixTooLong", "table t { (239.1.1.1/33 | *) };", {"t.conf:1:22: prefix length /33 is out of range 0..32"}},
    {"MissingPipe", "table t { (239.1.1.1 *) };", {"t.conf:1:22: expected '|' between group and source, found '*'"}},
    {"UnknownOption", "pinstance a: u ==> d;\npinstance a query-intervall 5s;", {"t.conf:2:13: unknown option 'query-intervall'"}},
    {"BadDuration", "pinstance a: u ==> d;\npinstance a query-interval 5x;", {"t.conf:2:28: '5x' is not a duration (a number with unit ms, s, m or h)"}},
    {"SubMillisecondDuration", "pinstance a: u ==> d;\npinstance a query-interval 1.0005s;",
     {"t.conf:2:28: '1.0005s' is not a duration (a number with unit ms, s, m or h)"}},
    {"HugeNumber", "pinstance a: u ==> d;\npinstance a robustness 99999999999999999999;",
     {"t.conf:2:24: number 99999999999999999999 is too large"}},
    {"HugeTableNumber", "pinstance a(4294967296): u ==> d;", {"t.conf:1:13: number 4294967296 is too large"}},
    {"BadQuickLeave", "pinstance a: u ==> d;\npinstance a quick-leave maybe;", {"t.conf:2:25: expected 'on' or 'off', found 'maybe'"}},
    {"StaticRange", "pinstance a: u ==> d;\npinstance a static (239.1.1.0/24) ==> d;",
     {"t.conf:2:21: a static forwarding entry needs a single group address"}},
    {"UnexpectedCharacter", "pinstance a: u ==> d; $$$", {"t.conf:1:23: unexpected character '$'"}},
    {"UnterminatedQuote", "pinstance a: \"u ==> d;", {"t.conf:1:14: unterminated quoted name (missing '\"' before the end of the line)",
      "t.conf:1:23: expected an upstream interface name or '==>', found end of file"}},
    {"NoOption", "pinstance a: u ==> d;\npinstance a downstream d;", {"t.conf:2:25: expected an option, found ';'"}},
    {"WhitelistWithoutTable", "pinstance a: u ==> d;\npinstance a upstream u in whitelist {(*|*)};",
     {"t.conf:2:37: expected 'table', found '{'"}},
};

INSTANTIATE_TEST_SUITE_P(Config, SyntaxError, ::testing::ValuesIn(kSyntaxCases),
                         [](const ::testing::TestParamInfo<SyntaxCase>& p) { return std::string(p.param.name); });

TEST(SemanticErrors, AllErrorsOfAFileAreCollectedInOrder) {
  const char* text = R"(protocol IGMPv3;
pinstance a: u ==> d;
pinstance a: x ==> y;
pinstance b: v ==> d;
table t { (ff02::1 | *) };
pinstance a query-interval 0s robustness 9;
pinstance a upstream u out whitelist table missing;
pinstance a static (10.0.0.1) ==> u;
pinstance c quick-leave on;
bogus;
)";
  const std::vector<std::string> expected{
      "t.conf:3:11: duplicate instance 'a' (first defined at t.conf:2:11)",
      "t.conf:4:20: interface 'd' is already used by instance 'a' (at t.conf:2:20)",
      "t.conf:5:12: IPv6 address ff02::1 under protocol IGMPv3 (IPv4)",
      "t.conf:6:13: query-interval 0s is out of range 1s..31744s (largest QQIC, RFC 3376 §4.1.7)",
      "t.conf:6:13: query-response-interval 10s must be less than query-interval 0s of instance 'a' (RFC 3376 §8.3)",
      "t.conf:6:31: robustness 9 is out of range 1..7 (QRV is 3 bits and must not be 0, RFC 3376 §4.1.6)",
      "t.conf:7:44: unknown table 'missing'",
      "t.conf:8:20: group 10.0.0.1 is not a multicast address",
      "t.conf:8:35: static forwarding to 'u', which is not a downstream of instance 'a'",
      "t.conf:9:11: unknown instance 'c'",
      "t.conf:10:1: expected a statement ('protocol', 'pinstance', 'table' or 'disable'), found 'bogus'",
  };
  EXPECT_EQ(joined(errors_of(text)), joined(expected));
}

TEST(SemanticErrors, SyntaxErrorsDoNotHideLaterStatements) {
  const char* text = "table t { (239.1.1.1 | ) };\npinstance a: u ==> d;\npinstance a robustness 0;\n";
  const auto errors = errors_of(text);
  ASSERT_EQ(errors.size(), 2u) << joined(errors);
  EXPECT_EQ(errors[0], "t.conf:1:24: expected a source address, range, prefix or '*', found ')'");
  EXPECT_EQ(errors[1],
            "t.conf:3:13: robustness 0 is out of range 1..7 (QRV is 3 bits and must not be 0, RFC 3376 §4.1.6)");
}

TEST(SemanticErrors, ANamedTableUsedTwiceIsReportedOnce) {
  const char* text = R"(pinstance a: u1 u2 ==> d;
table t { (10.0.0.1 | *) };
pinstance a upstream u1 out whitelist table t;
pinstance a upstream u2 out whitelist table {(table t)};
)";
  EXPECT_EQ(joined(errors_of(text)), "t.conf:2:12: group 10.0.0.1 is not a multicast address\n");
}

TEST(SemanticErrors, LoadingAnUnreadableFileIsADiagnostic) {
  auto result = load_config_file("/nonexistent/mcproxy.conf");
  ASSERT_FALSE(result.has_value());
  ASSERT_EQ(result.error().size(), 1u);
  EXPECT_EQ(result.error()[0].to_string(),
            "/nonexistent/mcproxy.conf:0:0: cannot read configuration file: No such file or directory");
  auto directory = load_config_file("/");
  ASSERT_FALSE(directory.has_value());
  EXPECT_EQ(directory.error().at(0).to_string(), "/:0:0: cannot read configuration file: is a directory");
}

}  // namespace
}  // namespace mcproxy::config::test

namespace mcproxy::config::test {
namespace {

// Issue 13: a group range reaching beyond multicast is clipped with a warning
// (the original warned), one without any multicast address matches nothing.
TEST(GroupRanges, ReachingBeyondMulticastIsClippedWithAWarning) {
  auto c = parsed(
      "table t {\n (200.0.0.0 - 239.1.0.0 | *)\n (0.0.0.0/0 | *)\n (240.0.0.0 - 241.0.0.0 | *)\n (239.1.1.1 | *)\n};\n"
      "pinstance a: u ==> d;\npinstance a upstream u out whitelist table t;");
  ASSERT_EQ(c.warnings.size(), 3u);
  EXPECT_EQ(c.warnings[0].to_string(),
            "t.conf:2:3: warning: group range 200.0.0.0 - 239.1.0.0 reaches beyond multicast: clipped to 224.0.0.0 - "
            "239.1.0.0");
  EXPECT_EQ(c.warnings[1].to_string(),
            "t.conf:3:3: warning: group range 0.0.0.0 - 255.255.255.255 reaches beyond multicast: clipped to 224.0.0.0 "
            "- 239.255.255.255");
  EXPECT_EQ(c.warnings[2].to_string(),
            "t.conf:4:3: warning: group range 240.0.0.0 - 241.0.0.0 contains no multicast address: the rule matches no "
            "group");
  const auto& rules = c.tables.at("t").rules;
  EXPECT_EQ(rules[0].group.first, addr("224.0.0.0"));
  EXPECT_EQ(rules[0].group.last, addr("239.1.0.0"));
  EXPECT_TRUE(rules[2].group.empty());
  EXPECT_FALSE(rules[2].matches("d", addr("239.255.255.255"), addr("10.0.0.1")));
  EXPECT_TRUE(c.warnings.size() == 3 && rules[3].group.first == rules[3].group.last);  // untouched
  EXPECT_NE(summarize(c).find("(no multicast group)"), std::string::npos);
}

TEST(GroupRanges, Ipv6RangesAreClippedToFf00) {
  auto c = parsed("protocol MLDv2;\ntable t { (fe00:: - ff05::ffff | *) (:: - fe00:: | *) };\npinstance a: u ==> d;");
  ASSERT_EQ(c.warnings.size(), 2u);
  EXPECT_EQ(c.tables.at("t").rules[0].group.first, addr("ff00::"));
  EXPECT_TRUE(c.tables.at("t").rules[1].group.empty());
}

TEST(GroupRanges, MulticastRangesAndStarGiveNoWarning) {
  auto c = parsed("table t { (* | *) (239.0.0.0/8 | *) (224.0.0.0 - 239.255.255.255 | 10.0.0.0/8) };\npinstance a: u ==> d;");
  EXPECT_TRUE(c.warnings.empty());
}

}  // namespace
}  // namespace mcproxy::config::test
