// Input validation: every refused packet is dropped with a counted reason
// (RFC 3376 §4, §9; RFC 3810 §5, §7.4, §7.6), and the max_groups / max_sources limits.
#include "router_test_support.hpp"

#include <gtest/gtest.h>

#include <cctype>

namespace mcproxy::instances::test {
namespace {

using codec::RecordType;
using codec::Version;

codec::Packet with(codec::Packet p, void (*change)(codec::Packet&)) {
  change(p);
  return p;
}

struct DropRow {
  const char* name;
  config::Protocol protocol;
  codec::Packet packet;
  const char* reason;
};

class Drops : public ::testing::TestWithParam<DropRow> {};

TEST_P(Drops, CountedAndIgnored) {
  const DropRow& row = GetParam();
  Harness h(options(row.protocol));
  h.clear();
  h.receive(row.packet);
  EXPECT_EQ(h.router.counters().dropped.count(row.reason), 1u) << row.name;
  EXPECT_TRUE(h.router.memberships().empty()) << row.name;
  EXPECT_TRUE(h.router.is_querier()) << row.name;
  EXPECT_TRUE(h.out.empty()) << row.name;
}

const auto kJoin = v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")});
const auto kMldJoin = mldv2_report("fe80::20", {record(RecordType::ChangeToExcludeMode, "ff3e::1")});

INSTANTIATE_TEST_SUITE_P(
    Router, Drops,
    ::testing::Values(
        // RFC 3376 §4: TTL 1.
        DropRow{"ttl", config::Protocol::IGMPv3, with(kJoin, [](codec::Packet& p) { p.ttl = 2; }), "bad-ttl"},
        // RFC 3376 §4.2.14: reports go to 224.0.0.22.
        DropRow{"v3 report destination", config::Protocol::IGMPv3,
                with(kJoin, [](codec::Packet& p) { p.destination = ip("224.0.0.1"); }), "bad-destination"},
        DropRow{"source multicast", config::Protocol::IGMPv3,
                with(kJoin, [](codec::Packet& p) { p.source = ip("239.0.0.1"); }), "bad-source"},
        DropRow{"wrong family", config::Protocol::IGMPv3, kMldJoin, "wrong-family"},
        DropRow{"own packet", config::Protocol::IGMPv3,
                with(kJoin, [](codec::Packet& p) { p.source = ip("192.0.2.10"); }), "own-packet"},
        DropRow{"v3 report on IGMPv2 link", config::Protocol::IGMPv2, kJoin, "version-not-enabled"},
        DropRow{"link-local group", config::Protocol::IGMPv3,
                v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "224.0.0.251")}), "link-local-group"},
        DropRow{"not a multicast group", config::Protocol::IGMPv3,
                v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "10.1.1.1")}), "bad-group"},
        DropRow{"v2 report not to the group", config::Protocol::IGMPv3,
                with(old_report(Version::IGMPv2, "192.0.2.20", "239.1.1.1"),
                     [](codec::Packet& p) { p.destination = ip("239.1.1.2"); }),
                "bad-destination"},
        DropRow{"leave to all-systems", config::Protocol::IGMPv3,
                with(leave(Version::IGMPv2, "192.0.2.20", "239.1.1.1"),
                     [](codec::Packet& p) { p.destination = ip("224.0.0.1"); }),
                "bad-destination"},
        // General queries go to all-systems (RFC 3376 §4.1.12).
        DropRow{"general query destination", config::Protocol::IGMPv3,
                with(query(Version::IGMPv3, "192.0.2.1"), [](codec::Packet& p) { p.destination = ip("239.1.1.1"); }),
                "bad-destination"},
        DropRow{"group query destination", config::Protocol::IGMPv3,
                with(query(Version::IGMPv3, "192.0.2.1", "239.1.1.1"),
                     [](codec::Packet& p) { p.destination = ip("239.1.1.2"); }),
                "bad-destination"},
        DropRow{"query from 0.0.0.0", config::Protocol::IGMPv3,
                with(query(Version::IGMPv3, "192.0.2.1"), [](codec::Packet& p) { p.source = ip("0.0.0.0"); }),
                "bad-source"},
        DropRow{"query group not multicast", config::Protocol::IGMPv3,
                with(query(Version::IGMPv3, "192.0.2.1", "239.1.1.1"), [](codec::Packet& p) {
                  std::get<codec::Query>(p.message).group = ip("10.0.0.1");
                }),
                "bad-group"},
        // RFC 3810 §5 / §7.4: MLD from a link-local source, with Router Alert.
        DropRow{"MLD global source", config::Protocol::MLDv2,
                with(kMldJoin, [](codec::Packet& p) { p.source = ip("2001:db8::20"); }), "source-not-link-local"},
        DropRow{"MLD unspecified source", config::Protocol::MLDv2,
                with(kMldJoin, [](codec::Packet& p) { p.source = ip("::"); }), "source-not-link-local"},
        DropRow{"MLD without router alert", config::Protocol::MLDv2,
                with(kMldJoin, [](codec::Packet& p) { p.router_alert = false; }), "no-router-alert"},
        DropRow{"MLD query global source", config::Protocol::MLDv2,
                with(query(Version::MLDv2, "fe80::1"), [](codec::Packet& p) { p.source = ip("2001:db8::1"); }),
                "source-not-link-local"},
        DropRow{"MLD hop limit", config::Protocol::MLDv2, with(kMldJoin, [](codec::Packet& p) { p.ttl = 255; }),
                "bad-ttl"},
        DropRow{"MLD link-local scope group", config::Protocol::MLDv2,
                mldv2_report("fe80::20", {record(RecordType::ChangeToExcludeMode, "ff02::1:ff00:20")}),
                "link-local-group"}),
    [](const ::testing::TestParamInfo<DropRow>& param_info) {
      std::string name = param_info.param.name;
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

// Reports to the group itself or to us are accepted (RFC 3376 §4.2.14).
TEST(Validation, ReportsToTheGroupOrToUsAccepted) {
  Harness h;
  h.receive(with(kJoin, [](codec::Packet& p) { p.destination = ip("239.1.1.1"); }));
  EXPECT_TRUE(h.forwarding("239.1.1.1"));
  h.receive(with(v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "239.1.1.2")}),
                 [](codec::Packet& p) { p.destination = ip("192.0.2.10"); }));
  EXPECT_TRUE(h.forwarding("239.1.1.2"));
  // RFC 3376 §9.2: reports from 0.0.0.0 are accepted.
  h.receive(v3_report("0.0.0.0", {record(RecordType::ChangeToExcludeMode, "239.1.1.3")}));
  EXPECT_TRUE(h.forwarding("239.1.1.3"));
  EXPECT_TRUE(h.router.counters().dropped.empty());
}

// max_groups: a report for one more group is dropped and counted; groups
// already wanted keep being refreshed.
TEST(Validation, MaxGroups) {
  auto o = options();
  o.max_groups = 2;
  Harness h(o);
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "239.1.1.1"),
                                     record(RecordType::ChangeToExcludeMode, "239.1.1.2"),
                                     record(RecordType::ChangeToExcludeMode, "239.1.1.3")}));
  EXPECT_EQ(h.router.memberships().size(), 2u);
  EXPECT_EQ(h.router.counters().dropped.at("max-groups"), 1u);
  h.receive(v3_report("192.0.2.20", {record(RecordType::ModeIsExclude, "239.1.1.1")}));
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToIncludeMode, "239.1.1.3")}));  // no interest: fine
  EXPECT_EQ(h.router.counters().dropped.at("max-groups"), 1u);
}

// max_sources: a record that would leave more source records is dropped.
TEST(Validation, MaxSources) {
  auto o = options();
  o.max_sources = 2;
  Harness h(o);
  h.receive(v3_report("192.0.2.20", {record(RecordType::AllowNewSources, "232.1.1.1", {"10.0.0.1", "10.0.0.2"})}));
  h.receive(v3_report("192.0.2.20", {record(RecordType::AllowNewSources, "232.1.1.1", {"10.0.0.3"})}));
  EXPECT_EQ(h.router.counters().dropped.at("max-sources"), 1u);
  EXPECT_EQ(h.router.membership(ip("232.1.1.1"))->sources, sources({"10.0.0.1", "10.0.0.2"}));
  h.receive(v3_report("192.0.2.20", {record(RecordType::AllowNewSources, "232.1.1.2", {"10.0.0.1", "10.0.0.2", "10.0.0.3"})}));
  EXPECT_EQ(h.router.counters().dropped.at("max-sources"), 2u);
  EXPECT_FALSE(h.forwarding("232.1.1.2"));
}

}  // namespace
}  // namespace mcproxy::instances::test

namespace mcproxy::instances::test {
namespace {

// RFC 3376 §4.1.12: "a system MUST accept and process any Query whose IP
// Destination Address field contains any of the addresses ... assigned to the interface".
TEST(Validation, Rfc3376_4_1_12_QueryToOurAddressAccepted) {
  Harness h;
  h.receive(with(query(codec::Version::IGMPv3, "192.0.2.1"), [](codec::Packet& p) { p.destination = ip("192.0.2.10"); }));
  EXPECT_FALSE(h.router.is_querier());
  EXPECT_TRUE(h.router.counters().dropped.empty());
}

}  // namespace
}  // namespace mcproxy::instances::test
