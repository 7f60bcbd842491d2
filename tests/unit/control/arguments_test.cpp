// mcproxyctl's command words into requests, for every command and bad input.
#include "mcproxy/ctl/arguments.hpp"

#include <sstream>

#include <gtest/gtest.h>

namespace mcproxy::ctl {
namespace {

using namespace mcproxy::control;
using Words = std::vector<std::string>;

Address ip(const char* text) { return boost::asio::ip::make_address(text); }

struct Good {
  Words words;
  Request expected;
};

class TranslateGood : public ::testing::TestWithParam<Good> {};

TEST_P(TranslateGood, GivesTheRequest) {
  auto request = translate_arguments(GetParam().words);
  ASSERT_TRUE(request) << request.error();
  EXPECT_EQ(*request, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    EveryCommand, TranslateGood,
    ::testing::Values(
        Good{{"show", "instances"}, ShowRequest{ShowWhat::Instances, {}}},
        Good{{"show", "interfaces", "iptv"}, ShowRequest{ShowWhat::Interfaces, "iptv"}},
        Good{{"show", "groups"}, ShowRequest{ShowWhat::Groups, {}}},
        Good{{"show", "mfc", "iptv"}, ShowRequest{ShowWhat::Mfc, "iptv"}},
        Good{{"show", "stats"}, ShowRequest{ShowWhat::Stats, {}}},
        Good{{"instance", "add", "iptv", "eth0", "==>", "eth1", "eth2"},
             InstanceAddRequest{"iptv", std::nullopt, {"eth0"}, {"eth1", "eth2"}}},
        Good{{"instance", "add", "iptv", "table", "5", "eth0", "eth9", "==>", "eth1"},
             InstanceAddRequest{"iptv", 5, {"eth0", "eth9"}, {"eth1"}}},
        // The spelling of a pinstance line works too.
        Good{{"instance", "add", "iptv(5):", "eth0", "==>", "eth1;"}, InstanceAddRequest{"iptv", 5, {"eth0"}, {"eth1"}}},
        Good{{"instance", "add", "iptv:", "eth0", "==>", "eth1", ";"},
             InstanceAddRequest{"iptv", std::nullopt, {"eth0"}, {"eth1"}}},
        Good{{"instance", "remove", "iptv"}, InstanceRemoveRequest{"iptv"}},
        Good{{"interface", "add", "iptv", "upstream", "eth0"},
             InterfaceAddRequest{"iptv", InterfaceRole::Upstream, "eth0"}},
        Good{{"interface", "add", "iptv", "downstream", "eth3"},
             InterfaceAddRequest{"iptv", InterfaceRole::Downstream, "eth3"}},
        Good{{"interface", "remove", "iptv", "eth3"}, InterfaceRemoveRequest{"iptv", "eth3"}},
        Good{{"interface", "move", "eth3", "iptv", "radio"}, InterfaceMoveRequest{"eth3", "iptv", "radio"}},
        Good{{"set", "iptv", "query-interval", "30s"}, SetRequest{"iptv", std::nullopt, "query-interval 30s"}},
        Good{{"set", "iptv", "downstream", "eth1", "query-interval", "30s"},
             SetRequest{"iptv", InterfaceRef{InterfaceRole::Downstream, "eth1"}, "query-interval 30s"}},
        Good{{"set", "iptv", "upstream", "eth0", "threshold", "4"},
             SetRequest{"iptv", InterfaceRef{InterfaceRole::Upstream, "eth0"}, "threshold 4"}},
        Good{{"static", "add", "iptv", "(239.1.1.1", "|", "10.0.0.1)", "==>", "eth1", "eth2"},
             StaticAddRequest{{"iptv", ip("239.1.1.1"), ip("10.0.0.1"), {"eth1", "eth2"}}}},
        Good{{"static", "add", "iptv", "(239.1.1.1|*)", "==>", "eth1"},
             StaticAddRequest{{"iptv", ip("239.1.1.1"), std::nullopt, {"eth1"}}}},
        Good{{"static", "add", "iptv", "(ff3e::1 | 2001:db8::1)", "==>", "eth1"},
             StaticAddRequest{{"iptv", ip("ff3e::1"), ip("2001:db8::1"), {"eth1"}}}},
        // Shell-friendly: no parentheses.
        Good{{"static", "add", "iptv", "239.1.1.1", "10.0.0.1", "==>", "eth1"},
             StaticAddRequest{{"iptv", ip("239.1.1.1"), ip("10.0.0.1"), {"eth1"}}}},
        Good{{"static", "remove", "iptv", "239.1.1.1"}, StaticRemoveRequest{{"iptv", ip("239.1.1.1"), std::nullopt, {}}}},
        Good{{"static", "remove", "iptv", "(239.1.1.1)", "==>", "eth2"},
             StaticRemoveRequest{{"iptv", ip("239.1.1.1"), std::nullopt, {"eth2"}}}},
        Good{{"reload"}, ReloadRequest{}},
        Good{{"metrics"}, MetricsRequest{}}));

// describe() writes a request in mcproxyctl's words; they translate back.
TEST_P(TranslateGood, DescribeGivesWordsThatTranslateBack) {
  const std::string text = describe(GetParam().expected);
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string word; in >> word;) words.push_back(word);
  auto request = translate_arguments(words);
  ASSERT_TRUE(request) << text << ": " << request.error();
  EXPECT_EQ(*request, GetParam().expected) << text;
}

TEST(Describe, ReadsLikeTheCommandLine) {
  EXPECT_EQ(describe(SetRequest{"iptv", InterfaceRef{InterfaceRole::Downstream, "eth1"}, "query-interval 30s"}),
            "set iptv downstream eth1 query-interval 30s");
  EXPECT_EQ(describe(StaticAddRequest{{"iptv", ip("239.1.1.1"), std::nullopt, {"eth1", "eth2"}}}),
            "static add iptv (239.1.1.1 | *) ==> eth1 eth2");
  EXPECT_EQ(describe(InstanceAddRequest{"iptv", 3, {"eth0"}, {"eth1"}}), "instance add iptv table 3 eth0 ==> eth1");
  EXPECT_EQ(describe(ShowRequest{ShowWhat::Mfc, "iptv"}), "show mfc iptv");
}

struct Bad {
  Words words;
  const char* error;
};

class TranslateBad : public ::testing::TestWithParam<Bad> {};

TEST_P(TranslateBad, IsAUsageError) {
  auto request = translate_arguments(GetParam().words);
  ASSERT_FALSE(request);
  EXPECT_EQ(request.error(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    BadInput, TranslateBad,
    ::testing::Values(
        Bad{{}, "no command given"},
        Bad{{"frob"}, "unknown command 'frob'"},
        Bad{{"show"}, "show: what? instances, interfaces, groups, mfc or stats"},
        Bad{{"show", "routes"}, "show: unknown show target 'routes': expected instances, interfaces, groups, mfc or stats"},
        Bad{{"show", "mfc", "a", "b"}, "show: too many arguments (show WHAT [INSTANCE])"},
        Bad{{"show", "mfc", "a/b"}, "show: bad instance name 'a/b': only letters, digits, '_', '.' and '-' are allowed"},
        Bad{{"instance"}, "instance: add or remove?"},
        Bad{{"instance", "rename", "a"}, "instance: unknown action 'rename' (add or remove)"},
        Bad{{"instance", "add"}, "instance add: missing NAME"},
        Bad{{"instance", "add", "iptv", "eth0", "eth1"}, "instance-add: expected UPSTREAM... ==> DOWNSTREAM..."},
        // What the shell leaves of an unquoted `eth0 ==> eth1 eth2`.
        Bad{{"instance", "add", "iptv", "eth0", "==", "eth2"},
            "instance-add: expected UPSTREAM... ==> DOWNSTREAM... (quote '==>' in the shell: an unquoted '>' "
            "redirects the output)"},
        Bad{{"instance", "remove"}, "instance remove: expected exactly one NAME"},
        Bad{{"instance", "remove", "a", "b"}, "instance remove: expected exactly one NAME"},
        Bad{{"interface"}, "interface: add, remove or move?"},
        Bad{{"interface", "swap"}, "interface: unknown action 'swap' (add, remove or move)"},
        Bad{{"interface", "add", "iptv", "eth0"}, "interface add: expected INSTANCE upstream|downstream IFNAME"},
        Bad{{"interface", "add", "iptv", "up", "eth0"},
            "interface-add: bad role 'up': expected 'upstream' or 'downstream'"},
        Bad{{"interface", "add", "iptv", "upstream", "averyveryverylongname"},
            "interface-add: interface name 'averyveryverylongname' is longer than 15 characters"},
        Bad{{"interface", "remove", "iptv"}, "interface remove: expected INSTANCE IFNAME"},
        Bad{{"interface", "move", "eth0", "a"}, "interface move: expected IFNAME FROM_INSTANCE TO_INSTANCE"},
        Bad{{"interface", "move", "eth0", "a", "a"}, "interface-move: 'from' and 'to' are the same instance 'a'"},
        Bad{{"set", "iptv"}, "set: expected INSTANCE [upstream|downstream IFNAME] OPTION VALUE..."},
        Bad{{"set", "iptv", "downstream"}, "set: downstream needs an interface name"},
        Bad{{"set", "iptv", "downstream", "eth1"}, "set: no OPTION given"},
        Bad{{"set", "iptv", "quickleave;", "disable"}, "set: option words must not contain ';' (one option per request)"},
        Bad{{"static"}, "static: add or remove?"},
        Bad{{"static", "add"}, "static add: missing INSTANCE"},
        Bad{{"static", "add", "iptv", "==>", "eth1"}, "static add: missing (GROUP | SOURCE)"},
        Bad{{"static", "add", "iptv", "(239.1.1.1", "==>", "eth1"}, "static add: missing ')' in '(239.1.1.1'"},
        Bad{{"static", "add", "iptv", "(239.1.1.1 |)", "==>", "eth1"},
            "static add: missing SOURCE after '|' (use * for any)"},
        Bad{{"static", "add", "iptv", "239.1.1.1"},
            "static add: missing '==> IFNAME...' (quote '==>' in the shell: an unquoted '>' redirects the output)"},
        Bad{{"static", "add", "iptv", "239.1.1.1", "==>"}, "static add: no interface after '==>'"},
        Bad{{"static", "add", "iptv", "10.1.1.1", "==>", "eth1"}, "static-add: group 10.1.1.1 is not a multicast address"},
        Bad{{"static", "add", "iptv", "(239.1.1.1 | ::1)", "==>", "eth1"},
            "static-add: source ::1 and group 239.1.1.1 are of different families"},
        Bad{{"reload", "now"}, "reload: takes no arguments"},
        Bad{{"metrics", "x"}, "metrics: takes no arguments"}));

}  // namespace
}  // namespace mcproxy::ctl
