// parse_request(): every command in its JSON form, every kind of error, and
// the round trip with to_json().
#include "mcproxy/control/requests.hpp"

#include <gtest/gtest.h>

namespace mcproxy::control {
namespace {

using nlohmann::json;

Request parse_ok(const std::string& text) {
  auto request = parse_request(json::parse(text));
  EXPECT_TRUE(request) << text << ": " << (request ? "" : request.error());
  return request ? *request : Request{ReloadRequest{}};
}

Address ip(const char* text) { return boost::asio::ip::make_address(text); }

TEST(ParseRequest, Show) {
  EXPECT_EQ(parse_ok(R"({"cmd":"show","what":"instances"})"), Request(ShowRequest{ShowWhat::Instances, {}}));
  EXPECT_EQ(parse_ok(R"({"cmd":"show","what":"interfaces","instance":"iptv"})"),
            Request(ShowRequest{ShowWhat::Interfaces, "iptv"}));
  EXPECT_EQ(parse_ok(R"({"cmd":"show","what":"groups"})"), Request(ShowRequest{ShowWhat::Groups, {}}));
  EXPECT_EQ(parse_ok(R"({"cmd":"show","what":"mfc","id":7})"), Request(ShowRequest{ShowWhat::Mfc, {}}));
  EXPECT_EQ(parse_ok(R"({"cmd":"show","what":"stats"})"), Request(ShowRequest{ShowWhat::Stats, {}}));
}

TEST(ParseRequest, InstanceAdd) {
  auto request = parse_ok(R"({"cmd":"instance-add","name":"iptv","words":"table 3 eth0 ==> eth1 eth2"})");
  InstanceAddRequest expected{"iptv", 3, {"eth0"}, {"eth1", "eth2"}};
  EXPECT_EQ(request, Request(expected));
  EXPECT_EQ(std::get<InstanceAddRequest>(request).pinstance_line(), "pinstance iptv(3): eth0 ==> eth1 eth2;");
  auto no_table = parse_ok(R"({"cmd":"instance-add","name":"tv","words":"  eth0 eth3 ==>   eth1 "})");
  EXPECT_EQ(no_table, Request(InstanceAddRequest{"tv", std::nullopt, {"eth0", "eth3"}, {"eth1"}}));
  EXPECT_EQ(std::get<InstanceAddRequest>(no_table).pinstance_line(), "pinstance tv: eth0 eth3 ==> eth1;");
}

TEST(ParseRequest, InstanceRemove) {
  EXPECT_EQ(parse_ok(R"({"cmd":"instance-remove","name":"iptv"})"), Request(InstanceRemoveRequest{"iptv"}));
}

TEST(ParseRequest, Interfaces) {
  EXPECT_EQ(parse_ok(R"({"cmd":"interface-add","instance":"iptv","role":"upstream","name":"eth0"})"),
            Request(InterfaceAddRequest{"iptv", InterfaceRole::Upstream, "eth0"}));
  EXPECT_EQ(parse_ok(R"({"cmd":"interface-add","instance":"iptv","role":"downstream","name":"eth1"})"),
            Request(InterfaceAddRequest{"iptv", InterfaceRole::Downstream, "eth1"}));
  EXPECT_EQ(parse_ok(R"({"cmd":"interface-remove","instance":"iptv","name":"eth1"})"),
            Request(InterfaceRemoveRequest{"iptv", "eth1"}));
  EXPECT_EQ(parse_ok(R"({"cmd":"interface-move","name":"eth1","from":"iptv","to":"radio"})"),
            Request(InterfaceMoveRequest{"eth1", "iptv", "radio"}));
}

TEST(ParseRequest, Set) {
  EXPECT_EQ(parse_ok(R"({"cmd":"set","instance":"iptv","words":"query-interval 30s"})"),
            Request(SetRequest{"iptv", std::nullopt, "query-interval 30s"}));
  EXPECT_EQ(parse_ok(R"({"cmd":"set","instance":"iptv","interface":{"role":"downstream","name":"eth1"},)"
                     R"("words":"in whitelist table {(239.0.0.0/8 | *)}"})"),
            Request(SetRequest{"iptv", InterfaceRef{InterfaceRole::Downstream, "eth1"},
                               "in whitelist table {(239.0.0.0/8 | *)}"}));
  EXPECT_EQ(parse_ok(R"({"cmd":"set","instance":"iptv","interface":null,"words":"quickleave"})"),
            Request(SetRequest{"iptv", std::nullopt, "quickleave"}));
}

TEST(ParseRequest, Static) {
  EXPECT_EQ(parse_ok(R"({"cmd":"static-add","instance":"iptv","group":"239.1.1.1","source":"10.0.0.1",)"
                     R"("downstreams":["eth1","eth2"]})"),
            Request(StaticAddRequest{{"iptv", ip("239.1.1.1"), ip("10.0.0.1"), {"eth1", "eth2"}}}));
  EXPECT_EQ(parse_ok(R"({"cmd":"static-add","instance":"v6","group":"ff3e::1","source":"*","downstreams":["eth1"]})"),
            Request(StaticAddRequest{{"v6", ip("ff3e::1"), std::nullopt, {"eth1"}}}));
  EXPECT_EQ(parse_ok(R"({"cmd":"static-remove","instance":"iptv","group":"239.1.1.1"})"),
            Request(StaticRemoveRequest{{"iptv", ip("239.1.1.1"), std::nullopt, {}}}));
}

TEST(ParseRequest, NoArgumentCommands) {
  EXPECT_EQ(parse_ok(R"({"cmd":"reload"})"), Request(ReloadRequest{}));
  EXPECT_EQ(parse_ok(R"({"cmd":"metrics","id":"a"})"), Request(MetricsRequest{}));
}

struct BadRequest {
  const char* json;
  const char* error;  // exact message
};

class ParseRequestError : public ::testing::TestWithParam<BadRequest> {};

TEST_P(ParseRequestError, SaysPreciselyWhatIsWrong) {
  auto request = parse_request(json::parse(GetParam().json));
  ASSERT_FALSE(request) << GetParam().json;
  EXPECT_EQ(request.error(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    AllErrors, ParseRequestError,
    ::testing::Values(
        BadRequest{R"([1,2])", "a request must be a JSON object"},
        BadRequest{R"("show")", "a request must be a JSON object"},
        BadRequest{R"({})", "missing field 'cmd'"},
        BadRequest{R"({"cmd":5})", "field 'cmd' must be a string"},
        BadRequest{R"({"cmd":"frobnicate"})", "unknown command 'frobnicate'"},
        BadRequest{R"({"cmd":"reload","force":true})", "reload: unknown field 'force'"},
        BadRequest{R"({"cmd":"show"})", "show: missing field 'what'"},
        BadRequest{R"({"cmd":"show","what":3})", "show: field 'what' must be a string"},
        BadRequest{R"({"cmd":"show","what":"routes"})",
                   "show: unknown show target 'routes': expected instances, interfaces, groups, mfc or stats"},
        BadRequest{R"({"cmd":"show","what":"mfc","instance":""})", "show: empty instance name"},
        BadRequest{R"({"cmd":"show","what":"mfc","instance":null})", "show: field 'instance' must be a string"},
        BadRequest{R"({"cmd":"show","what":"mfc","instance":"a b"})",
                   "show: bad instance name 'a b': only letters, digits, '_', '.' and '-' are allowed"},
        BadRequest{R"({"cmd":"instance-add","words":"eth0 ==> eth1"})", "instance-add: missing field 'name'"},
        BadRequest{R"({"cmd":"instance-add","name":"tv"})", "instance-add: missing field 'words'"},
        BadRequest{R"({"cmd":"instance-add","name":"tv","words":"eth0 eth1"})",
                   "instance-add: expected UPSTREAM... ==> DOWNSTREAM..."},
        BadRequest{R"({"cmd":"instance-add","name":"tv","words":"==> eth1"})",
                   "instance-add: no upstream interface before '==>'"},
        BadRequest{R"({"cmd":"instance-add","name":"tv","words":"eth0 ==>"})",
                   "instance-add: no downstream interface after '==>'"},
        BadRequest{R"({"cmd":"instance-add","name":"tv","words":"eth0 ==> eth1 ==> eth2"})",
                   "instance-add: '==>' appears twice"},
        BadRequest{R"({"cmd":"instance-add","name":"tv","words":"table"})", "instance-add: 'table' needs a number"},
        BadRequest{R"({"cmd":"instance-add","name":"tv","words":"table x eth0 ==> eth1"})",
                   "instance-add: bad table 'x': expected a number 0..4294967295"},
        BadRequest{R"({"cmd":"instance-add","name":"tv","words":"table 4294967296 eth0 ==> eth1"})",
                   "instance-add: bad table '4294967296': expected a number 0..4294967295"},
        BadRequest{R"({"cmd":"instance-add","name":"tv","words":"eth0 ==> eth0"})",
                   "instance-add: interface 'eth0' listed twice"},
        BadRequest{R"({"cmd":"instance-add","name":"tv","words":"eth0 ==> averyveryverylongname"})",
                   "instance-add: interface name 'averyveryverylongname' is longer than 15 characters"},
        BadRequest{R"({"cmd":"instance-remove"})", "instance-remove: missing field 'name'"},
        BadRequest{R"({"cmd":"instance-remove","name":["x"]})", "instance-remove: field 'name' must be a string"},
        BadRequest{R"({"cmd":"interface-add","instance":"tv","name":"eth0"})", "interface-add: missing field 'role'"},
        BadRequest{R"({"cmd":"interface-add","instance":"tv","role":"sideways","name":"eth0"})",
                   "interface-add: bad role 'sideways': expected 'upstream' or 'downstream'"},
        BadRequest{R"({"cmd":"interface-add","instance":"tv","role":"upstream","name":"eth/0"})",
                   "interface-add: bad interface name 'eth/0': character not allowed"},
        BadRequest{R"({"cmd":"interface-add","role":"upstream","name":"eth0"})",
                   "interface-add: missing field 'instance'"},
        BadRequest{R"({"cmd":"interface-remove","instance":"tv"})", "interface-remove: missing field 'name'"},
        BadRequest{R"({"cmd":"interface-move","name":"eth1","from":"tv"})", "interface-move: missing field 'to'"},
        BadRequest{R"({"cmd":"interface-move","name":"eth1","from":"tv","to":"tv"})",
                   "interface-move: 'from' and 'to' are the same instance 'tv'"},
        BadRequest{R"({"cmd":"set","instance":"tv"})", "set: missing field 'words'"},
        BadRequest{R"({"cmd":"set","instance":"tv","words":"  "})", "set: no option given"},
        BadRequest{R"({"cmd":"set","instance":"tv","words":"quickleave; disable"})",
                   "set: option words must not contain ';' (one option per request)"},
        BadRequest{R"({"cmd":"set","instance":"tv","words":"quickleave # x"})",
                   "set: option words must not contain '#'"},
        BadRequest{R"({"cmd":"set","instance":"tv","words":"a\nb"})",
                   "set: option words must not contain control characters"},
        BadRequest{R"({"cmd":"set","instance":"tv","interface":"eth1","words":"x"})",
                   "set: field 'interface' must be an object {\"role\":..., \"name\":...}"},
        BadRequest{R"({"cmd":"set","instance":"tv","interface":{"name":"eth1"},"words":"x"})",
                   "set: interface: missing field 'role'"},
        BadRequest{R"({"cmd":"set","instance":"tv","interface":{"role":"up","name":"eth1"},"words":"x"})",
                   "set: interface: bad role 'up': expected 'upstream' or 'downstream'"},
        BadRequest{R"({"cmd":"set","instance":"tv","interface":{"role":"upstream","name":"e:1"},"words":"x"})",
                   "set: interface: bad interface name 'e:1': character not allowed"},
        BadRequest{R"({"cmd":"set","instance":"tv","interface":{"role":"upstream","name":"e1","x":1},"words":"x"})",
                   "set: interface: unknown field 'x'"},
        BadRequest{R"({"cmd":"static-add","instance":"tv","group":"239.1.1.1"})",
                   "static-add: missing field 'downstreams'"},
        BadRequest{R"({"cmd":"static-add","instance":"tv","group":"239.1.1.1","downstreams":[]})",
                   "static-add: 'downstreams' must name at least one interface"},
        BadRequest{R"({"cmd":"static-add","instance":"tv","group":"239.1.1.1","downstreams":"eth1"})",
                   "static-add: field 'downstreams' must be an array of strings"},
        BadRequest{R"({"cmd":"static-add","instance":"tv","group":"239.1.1.1","downstreams":[1]})",
                   "static-add: field 'downstreams' must be an array of strings"},
        BadRequest{R"({"cmd":"static-add","instance":"tv","group":"239.1.1.1","downstreams":["eth1","eth1"]})",
                   "static-add: interface 'eth1' listed twice"},
        BadRequest{R"({"cmd":"static-add","instance":"tv","group":"10.0.0.1","downstreams":["eth1"]})",
                   "static-add: group 10.0.0.1 is not a multicast address"},
        BadRequest{R"({"cmd":"static-add","instance":"tv","group":"239.1.1.300","downstreams":["eth1"]})",
                   "static-add: bad group address '239.1.1.300'"},
        BadRequest{R"({"cmd":"static-add","instance":"tv","group":"ff02::1%eth0","downstreams":["eth1"]})",
                   "static-add: bad group address 'ff02::1%eth0'"},
        BadRequest{R"({"cmd":"static-add","instance":"tv","group":"239.1.1.1","source":"x","downstreams":["e1"]})",
                   "static-add: bad source address 'x'"},
        BadRequest{R"({"cmd":"static-add","instance":"tv","group":"239.1.1.1","source":"::1","downstreams":["e1"]})",
                   "static-add: source ::1 and group 239.1.1.1 are of different families"},
        BadRequest{R"({"cmd":"static-add","instance":"tv","group":"239.1.1.1","source":"239.1.1.2",)"
                   R"("downstreams":["e1"]})",
                   "static-add: source 239.1.1.2 is not a unicast address (use \"*\" for any source)"},
        BadRequest{R"({"cmd":"static-add","instance":"tv","group":"239.1.1.1","source":"0.0.0.0",)"
                   R"("downstreams":["e1"]})",
                   "static-add: source 0.0.0.0 is not a unicast address (use \"*\" for any source)"},
        BadRequest{R"({"cmd":"static-remove","instance":"tv"})", "static-remove: missing field 'group'"},
        BadRequest{R"({"cmd":"static-remove","instance":"tv","group":"239.1.1.1","downstreams":["a b"]})",
                   "static-remove: bad interface name 'a b': character not allowed"},
        BadRequest{R"({"cmd":"metrics","format":"json"})", "metrics: unknown field 'format'"}));

TEST(ParseRequest, RoundTripsThroughToJson) {
  const std::vector<Request> requests = {
      ShowRequest{ShowWhat::Groups, "iptv"},
      ShowRequest{ShowWhat::Stats, std::nullopt},
      InstanceAddRequest{"iptv", 7, {"eth0", "eth9"}, {"eth1"}},
      InstanceAddRequest{"iptv", std::nullopt, {"eth0"}, {"eth1", "eth2"}},
      InstanceRemoveRequest{"iptv"},
      InterfaceAddRequest{"iptv", InterfaceRole::Upstream, "eth0"},
      InterfaceRemoveRequest{"iptv", "eth0"},
      InterfaceMoveRequest{"eth0", "a", "b"},
      SetRequest{"iptv", InterfaceRef{InterfaceRole::Upstream, "eth0"}, "threshold 4"},
      SetRequest{"iptv", std::nullopt, "robustness 3"},
      StaticAddRequest{{"iptv", ip("232.1.1.1"), ip("192.0.2.1"), {"eth1"}}},
      StaticRemoveRequest{{"iptv", ip("ff3e::8000:1"), std::nullopt, {}}},
      ReloadRequest{},
      MetricsRequest{},
  };
  for (const auto& request : requests) {
    auto j = to_json(request);
    EXPECT_EQ(j["cmd"], std::string(command_name(request)));
    auto back = parse_request(j);
    ASSERT_TRUE(back) << j.dump() << ": " << back.error();
    EXPECT_EQ(*back, request) << j.dump();
  }
}

TEST(ParseRequest, SetJsonMatchesTheDocumentedExample) {
  auto j = to_json(SetRequest{"iptv", InterfaceRef{InterfaceRole::Downstream, "eth1"}, "query-interval 30s"});
  EXPECT_EQ(j, json::parse(R"({"cmd":"set","instance":"iptv","interface":{"role":"downstream","name":"eth1"},)"
                           R"("words":"query-interval 30s"})"));
}

}  // namespace
}  // namespace mcproxy::control
