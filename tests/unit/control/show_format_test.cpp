// mcproxyctl's tables for each show answer (shapes of doc/control-protocol.md).
#include "mcproxy/ctl/show_format.hpp"

#include <gtest/gtest.h>

namespace mcproxy::ctl {
namespace {

using nlohmann::json;
using control::ShowWhat;

TEST(ShowFormat, Instances) {
  auto response = json::parse(R"({"ok":true,"instances":[
    {"name":"iptv","protocol":"IGMPv3","table":3,"upstreams":["eth0"],"downstreams":["eth1","eth2"],"state":"running"},
    {"name":"radio6","protocol":"MLDv2","table":null,"upstreams":["eth0"],"downstreams":[],"state":"starting"}]})");
  EXPECT_EQ(format_show(ShowWhat::Instances, response),
            "NAME    PROTOCOL  TABLE  UPSTREAMS  DOWNSTREAMS  STATE\n"
            "iptv    IGMPv3        3  eth0       eth1,eth2    running\n"
            "radio6  MLDv2         -  eth0       -            starting\n");
}

TEST(ShowFormat, InterfacesWithCounterDetails) {
  auto response = json::parse(R"({"ok":true,"interfaces":[
    {"instance":"iptv","name":"eth1","role":"downstream","state":"up","addresses":["192.168.1.1"],
     "querier":true,"querier_address":"192.168.1.1","version":3,
     "rx":{"report_v3":5},"tx":{"query":12},"drops":{"bad_checksum":1},
     "data":{"rx_packets":0,"rx_bytes":0,"tx_packets":1000,"tx_bytes":1316000}},
    {"instance":"iptv","name":"eth0","role":"upstream","state":"down","addresses":[],"querier":false,
     "querier_address":null,"version":2}]})");
  EXPECT_EQ(format_show(ShowWhat::Interfaces, response),
            "INSTANCE  INTERFACE  ROLE        STATE  ADDRESSES    QUERIER            VERSION  RX-PKTS  RX-BYTES  "
            "TX-PKTS  TX-BYTES\n"
            "iptv      eth1       downstream  up     192.168.1.1  yes (192.168.1.1)  3              0         0     "
            "1000   1316000\n"
            "iptv      eth0       upstream    down   -            no                 2              -         -     "
            "   -         -\n"
            "\n"
            "iptv eth1 (downstream)\n"
            "  rx: report_v3 5\n"
            "  tx: query 12\n"
            "  drops: bad_checksum 1\n");
}

TEST(ShowFormat, InterfacesShowADownstreamsTimersAndHostReportRate) {
  auto response = json::parse(R"({"ok":true,"interfaces":[
    {"instance":"iptv","name":"eth1","role":"downstream","state":"up","addresses":[],"querier":false,
     "host_report_rate":1000,"robustness":3,"query_interval_ms":60000,"query_response_interval_ms":5000,
     "last_member_query_interval_ms":500},
    {"instance":"iptv","name":"eth2","role":"downstream","state":"up","addresses":[],"querier":true,
     "host_report_rate":0,"robustness":2,"query_interval_ms":125000,"query_response_interval_ms":10000,
     "last_member_query_interval_ms":1000}]})");
  const std::string text = format_show(ShowWhat::Interfaces, response);
  EXPECT_NE(text.find("iptv eth1 (downstream)\n"
                      "  timers: robustness 3, query interval 1m00s, query response interval 5.0s, "
                      "last member query interval 500ms\n"
                      "  host report rate: 1000 packets/s per host\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("iptv eth2 (downstream)\n"
                      "  timers: robustness 2, query interval 2m05s, query response interval 10s, "
                      "last member query interval 1.0s\n"
                      "  host report rate: unlimited\n"),
            std::string::npos)
      << text;
}

TEST(ShowFormat, GroupsDownstreamAndUpstream) {
  auto response = json::parse(R"({"ok":true,
    "downstream":[{"instance":"iptv","interface":"eth1","group":"239.1.1.1","filter_mode":"include",
                   "group_timer_ms":null,"sources":[{"address":"10.0.0.1","timer_ms":251000}],
                   "hosts":["192.168.1.10","192.168.1.11"]},
                  {"instance":"iptv","interface":"eth2","group":"239.2.2.2","filter_mode":"exclude",
                   "group_timer_ms":4500,"sources":[],"hosts":[]}],
    "upstream":[{"instance":"iptv","interface":"eth0","group":"239.1.1.1","filter_mode":"include",
                 "sources":["10.0.0.1"]}]})");
  EXPECT_EQ(format_show(ShowWhat::Groups, response),
            "INSTANCE  DOWNSTREAM  GROUP      MODE     TIMER  SOURCES           HOSTS\n"
            "iptv      eth1        239.1.1.1  include      -  10.0.0.1 (4m11s)  192.168.1.10,192.168.1.11\n"
            "iptv      eth2        239.2.2.2  exclude   4.5s  -                 -\n"
            "\n"
            "INSTANCE  UPSTREAM  GROUP      MODE     SOURCES\n"
            "iptv      eth0      239.1.1.1  include  10.0.0.1\n");
}

TEST(ShowFormat, Mfc) {
  auto response = json::parse(R"({"ok":true,"mfc":[
    {"instance":"iptv","source":"10.0.0.1","group":"239.1.1.1","upstream":"eth0","downstreams":["eth1"],
     "packets":100,"bytes":131600,"wrong_interface":2,"static":false},
    {"instance":"iptv","source":"*","group":"239.9.9.9","upstream":"eth0","downstreams":["eth1","eth2"],
     "packets":0,"bytes":0,"wrong_interface":0,"static":true}]})");
  EXPECT_EQ(format_show(ShowWhat::Mfc, response),
            "INSTANCE  SOURCE    GROUP      UPSTREAM  DOWNSTREAMS  PACKETS   BYTES  WRONG-IF  TYPE\n"
            "iptv      10.0.0.1  239.1.1.1  eth0      eth1             100  131600         2  dynamic\n"
            "iptv      *         239.9.9.9  eth0      eth1,eth2          0       0         0  static\n");
}

TEST(ShowFormat, Stats) {
  auto response = json::parse(R"({"ok":true,"stats":[
    {"scope":"control","counters":{"connections":3,"requests":10}},
    {"scope":"instance iptv","counters":{}}]})");
  EXPECT_EQ(format_show(ShowWhat::Stats, response),
            "SCOPE          COUNTER      VALUE\n"
            "control        connections      3\n"
            "               requests        10\n"
            "instance iptv  -                -\n");
}

TEST(ShowFormat, EmptyListsAndMissingListsSaySo) {
  EXPECT_EQ(format_show(ShowWhat::Instances, json::parse(R"({"ok":true,"instances":[]})")), "no instances\n");
  EXPECT_EQ(format_show(ShowWhat::Mfc, json::parse(R"({"ok":true,"mfc":[]})")), "no forwarding entries\n");
  EXPECT_EQ(format_show(ShowWhat::Mfc, json::parse(R"({"ok":true})")),
            "(the answer has no \"mfc\" list; try --json)\n");
  EXPECT_EQ(format_show(ShowWhat::Groups, json::parse(R"({"ok":true,"downstream":[],"upstream":[]})")),
            "no groups on downstream interfaces\n\nnothing reported upstream\n");
}

TEST(ShowFormat, OddFieldsNeverThrow) {
  auto response = json::parse(R"({"ok":true,"instances":[5,{"name":{"x":1},"table":-1.5},null],
    "interfaces":"no","mfc":[[]],"stats":[1],"downstream":[{"sources":[3,{"timer_ms":"x"}]}]})");
  for (auto what : {ShowWhat::Instances, ShowWhat::Interfaces, ShowWhat::Groups, ShowWhat::Mfc, ShowWhat::Stats})
    EXPECT_NO_THROW((void)format_show(what, response));
}

TEST(ShowFormat, Durations) {
  EXPECT_EQ(format_duration_ms(850), "850ms");
  EXPECT_EQ(format_duration_ms(4500), "4.5s");
  EXPECT_EQ(format_duration_ms(42'000), "42s");
  EXPECT_EQ(format_duration_ms(260'000), "4m20s");
  EXPECT_EQ(format_duration_ms(7'500'000), "2h05m");
  EXPECT_EQ(format_duration_ms(-1), "-");
}

TEST(FormatResponse, MetricsPrintsTheTextAndOthersTheirMessage) {
  EXPECT_EQ(format_response(control::MetricsRequest{}, json::parse(R"({"ok":true,"text":"# TYPE m counter\nm 1"})")),
            "# TYPE m counter\nm 1\n");
  EXPECT_EQ(format_response(control::ReloadRequest{}, json::parse(R"({"ok":true,"message":"reloaded 2 instances"})")),
            "reloaded 2 instances\n");
  EXPECT_EQ(format_response(control::InstanceRemoveRequest{"x"}, json::parse(R"({"ok":true})")), "");
}

}  // namespace
}  // namespace mcproxy::ctl
