// The per-interface families of `metrics` from `show interfaces`
// (mcproxy/interface_metrics.hpp; doc/operations.md, "Metrics").
#include "mcproxy/interface_metrics.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mcproxy {
namespace {

using nlohmann::json;

std::string metrics_of(const json& interfaces) {
  control::PrometheusWriter w;
  write_interface_metrics(w, interfaces);
  return w.text();
}

bool has(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

const json kDownstream = json::parse(R"({
  "instance": "tv", "name": "lan0", "role": "downstream", "state": "up", "ifindex": 3,
  "querier": true,
  "rx": {"igmpv3-report": 12, "igmpv2-leave": 1},
  "tx": {"igmpv3-general-query": 4},
  "drops": {"max-groups-per-host": 2},
  "data": {"rx_packets": 0, "rx_bytes": 0, "tx_packets": 100, "tx_bytes": 131600}
})");

const json kUpstream = json::parse(R"({
  "instance": "tv", "name": "up0", "role": "upstream", "state": "down", "ifindex": 2,
  "querier": false, "version": "IGMPv3",
  "rx": {"igmpv3-query": 7}, "tx": {"igmpv3-report": 9}, "drops": {}
})");

TEST(InterfaceMetrics, MessageCountersAreLabelledByInstanceInterfaceAndMessage) {
  const std::string t = metrics_of(json::array({kDownstream}));
  EXPECT_TRUE(has(t, R"(mcproxy_interface_received_total{instance="tv",interface="lan0",message="igmpv3-report"} 12)")) << t;
  EXPECT_TRUE(has(t, R"(mcproxy_interface_received_total{instance="tv",interface="lan0",message="igmpv2-leave"} 1)")) << t;
  EXPECT_TRUE(has(t, R"(mcproxy_interface_sent_total{instance="tv",interface="lan0",message="igmpv3-general-query"} 4)")) << t;
  EXPECT_TRUE(has(t, R"(mcproxy_interface_drops_total{instance="tv",interface="lan0",reason="max-groups-per-host"} 2)")) << t;
  EXPECT_TRUE(has(t, "# TYPE mcproxy_interface_received_total counter")) << t;
}

TEST(InterfaceMetrics, StateRoleAndQuerierAreGauges) {
  const std::string t = metrics_of(json::array({kDownstream, kUpstream}));
  EXPECT_TRUE(has(t, R"(mcproxy_interface_up{instance="tv",interface="lan0",role="downstream"} 1)")) << t;
  EXPECT_TRUE(has(t, R"(mcproxy_interface_up{instance="tv",interface="up0",role="upstream"} 0)")) << t;
  EXPECT_TRUE(has(t, R"(mcproxy_interface_querier{instance="tv",interface="lan0"} 1)")) << t;
  // The querier gauge is a downstream's: an upstream has none.
  EXPECT_EQ(t.find(R"(mcproxy_interface_querier{instance="tv",interface="up0"})"), std::string::npos) << t;
  EXPECT_TRUE(has(t, "# TYPE mcproxy_interface_up gauge")) << t;
}

TEST(InterfaceMetrics, DataCountersOfTheVifByDirection) {
  const std::string t = metrics_of(json::array({kDownstream}));
  EXPECT_TRUE(has(t, R"(mcproxy_interface_data_packets_total{instance="tv",interface="lan0",direction="in"} 0)")) << t;
  EXPECT_TRUE(has(t, R"(mcproxy_interface_data_packets_total{instance="tv",interface="lan0",direction="out"} 100)")) << t;
  EXPECT_TRUE(has(t, R"(mcproxy_interface_data_bytes_total{instance="tv",interface="lan0",direction="out"} 131600)")) << t;
}

// An interface without a VIF (down, absent) has no data counters: they are
// left out rather than written as zero, and so is any family without samples.
TEST(InterfaceMetrics, WhatIsMissingIsLeftOut) {
  const std::string t = metrics_of(json::array({kUpstream}));
  EXPECT_EQ(t.find("mcproxy_interface_data_packets_total"), std::string::npos) << t;
  EXPECT_EQ(t.find("mcproxy_interface_drops_total"), std::string::npos) << t;
  const json absent = json::parse(R"({"instance": "tv", "name": "ppp0", "role": "upstream", "state": "absent", "ifindex": 0})");
  const std::string a = metrics_of(json::array({absent}));
  EXPECT_TRUE(has(a, R"(mcproxy_interface_up{instance="tv",interface="ppp0",role="upstream"} 0)")) << a;
  EXPECT_EQ(a.find("mcproxy_interface_received_total"), std::string::npos) << a;
}

// Two instances' interfaces: each family's samples stay together.
TEST(InterfaceMetrics, FamiliesOfSeveralInstancesAreWrittenOnce) {
  json other = kDownstream;
  other["instance"] = "office";
  other["name"] = "lan1";
  control::PrometheusWriter w;
  write_interface_metrics(w, json::array({kDownstream}));
  write_interface_metrics(w, json::array({other}));
  const std::string t = w.text();
  std::size_t types = 0;
  for (auto at = t.find("# TYPE mcproxy_interface_received_total"); at != std::string::npos;
       at = t.find("# TYPE mcproxy_interface_received_total", at + 1))
    ++types;
  EXPECT_EQ(types, 1u) << t;
  EXPECT_TRUE(has(t, R"(mcproxy_interface_received_total{instance="office",interface="lan1",message="igmpv3-report"} 12)")) << t;
}

// Whatever the JSON holds (it is the daemon's own, but the writer does not
// trust it): wrong types are skipped, negative counts written as 0.
TEST(InterfaceMetrics, MalformedEntriesAreSkipped) {
  const json odd = json::parse(R"([1, "x", null, {"instance": 5, "name": ["a"], "state": "up", "rx": {"q": -3, "r": "many"},
                                   "tx": [1, 2], "data": {"rx_packets": "x"}}])");
  const std::string t = metrics_of(odd);
  EXPECT_TRUE(has(t, R"(mcproxy_interface_up{instance="",interface="",role=""} 1)")) << t;
  EXPECT_TRUE(has(t, R"(mcproxy_interface_received_total{instance="",interface="",message="q"} 0)")) << t;
  EXPECT_EQ(t.find(R"(message="r")"), std::string::npos) << t;
  EXPECT_EQ(t.find("mcproxy_interface_sent_total"), std::string::npos) << t;
  EXPECT_TRUE(has(t, R"(mcproxy_interface_data_packets_total{instance="",interface="",direction="in"} 0)")) << t;
  EXPECT_EQ(metrics_of(json::object()), "");
}

}  // namespace
}  // namespace mcproxy
