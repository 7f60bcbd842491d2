// Querier election, startup and periodic General Queries, QRV/QQI adoption
// (RFC 3376 §6.6.2, §8.5-§8.7, §4.1.6, §4.1.7), and the version of queries sent.
#include "router_test_support.hpp"

#include <gtest/gtest.h>

namespace mcproxy::instances::test {
namespace {

using codec::Version;

// RFC 3376 §8.6, §8.7: [Startup Query Count] General Queries [Startup Query
// Interval] apart, then one every [Query Interval].
TEST(Querier, Rfc3376_8_7_StartupQueries_ThenQueryInterval) {
  Harness h;
  ASSERT_EQ(h.queries().size(), 1u);
  EXPECT_TRUE(h.router.is_querier());
  EXPECT_EQ(h.router.querier_address(), ip("192.0.2.10"));
  EXPECT_EQ(h.router.next_deadline(), kT0 + 31250ms);
  h.advance(31250ms);
  EXPECT_EQ(h.queries().size(), 2u);
  EXPECT_EQ(h.router.next_deadline(), kT0 + 31250ms + 125s);
  h.advance(125s - 1ms);
  EXPECT_EQ(h.queries().size(), 2u);
  h.advance(1ms);
  EXPECT_EQ(h.queries().size(), 3u);
  h.advance(125s);
  EXPECT_EQ(h.queries().size(), 4u);
  EXPECT_EQ(h.router.counters().sent.at("igmpv3-general-query"), 4u);
}

// RFC 3376 §4.1.12, §4: General Query to 224.0.0.1, TTL 1, Router Alert, from
// our address, Max Resp = Query Response Interval, QRV and QQIC ours.
TEST(Querier, Rfc3376_4_1_GeneralQueryFields) {
  Harness h;
  const auto packets = h.packets();
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(h.out.packets[0].interface, "eth1");
  EXPECT_EQ(packets[0].source, ip("192.0.2.10"));
  EXPECT_EQ(packets[0].destination, ip("224.0.0.1"));
  EXPECT_EQ(packets[0].ttl, 1);
  EXPECT_TRUE(packets[0].router_alert);
  const auto q = std::get<codec::Query>(packets[0].message);
  EXPECT_EQ(q.version, Version::IGMPv3);
  EXPECT_TRUE(q.group.is_unspecified());
  EXPECT_EQ(q.max_response_time, 10s);
  EXPECT_EQ(q.qrv, 2);
  EXPECT_EQ(q.qqi, 125s);
  EXPECT_FALSE(q.suppress_router_side_processing);
}

// §4.1.6: "If the querier's [Robustness Variable] exceeds 7 ... the QRV is set to zero."
TEST(Querier, Rfc3376_4_1_6_RobustnessAboveSevenSentAsZero) {
  auto o = options();
  o.timers.robustness = 9;
  Harness h(o);
  EXPECT_EQ(h.queries().at(0).qrv, 0);
}

// The version of queries sent follows the configured protocol.
TEST(Querier, QueryVersionFollowsProtocol) {
  struct Row {
    config::Protocol protocol;
    Version version;
    Duration max_response;
  };
  for (const Row& row : {Row{config::Protocol::IGMPv1, Version::IGMPv1, 0s},
                         Row{config::Protocol::IGMPv2, Version::IGMPv2, 10s},
                         Row{config::Protocol::IGMPv3, Version::IGMPv3, 10s},
                         Row{config::Protocol::MLDv1, Version::MLDv1, 10s},
                         Row{config::Protocol::MLDv2, Version::MLDv2, 10s}}) {
    Harness h(options(row.protocol));
    ASSERT_EQ(h.queries().size(), 1u);
    EXPECT_EQ(h.queries()[0].version, row.version);
    EXPECT_EQ(h.queries()[0].max_response_time, row.max_response);
    EXPECT_EQ(h.packets()[0].destination, codec::family_of(row.version) == Family::V4 ? ip("224.0.0.1") : ip("ff02::1"));
  }
}

TEST(Querier, NoQueriesBeforeStartOrAddress) {
  Harness h(options(), false);
  EXPECT_TRUE(h.out.packets.empty());
  EXPECT_FALSE(h.router.is_querier());
  DownstreamRouter r("eth2", options());
  Effects out;
  r.start(kT0, out);
  EXPECT_TRUE(out.packets.empty());
  EXPECT_FALSE(r.querier_address());
  r.set_address(ip("192.0.2.10"), kT0 + 1s, out);  // address known: startup begins
  EXPECT_EQ(out.packets.size(), 1u);
  r.set_address(ip("2001:db8::1"), kT0 + 1s, out);  // wrong family: refused and counted
  EXPECT_EQ(r.counters().dropped.at("own-address-wrong-family"), 1u);
  r.start(kT0 + 2s, out);  // started twice: nothing new
  EXPECT_EQ(out.packets.size(), 1u);
}

// §6.6.2: a query from a lower address makes us a non-querier; after the Other
// Querier Present Interval without queries we query again.
TEST(Querier, Rfc3376_6_6_2_LowerAddressQuerierTakesOver_ThenWeResumeAfterOqpi) {
  Harness h;
  h.advance(1s);
  h.clear();
  h.receive(query(Version::IGMPv3, "192.0.2.1"));
  EXPECT_FALSE(h.router.is_querier());
  EXPECT_EQ(h.router.querier_address(), ip("192.0.2.1"));
  h.advance(254s);  // OQPI = 2 * 125 + 10 / 2 = 255 s
  EXPECT_TRUE(h.queries().empty());
  h.advance(1s);
  ASSERT_EQ(h.queries().size(), 1u);
  EXPECT_TRUE(h.router.is_querier());
  EXPECT_EQ(h.router.querier_address(), ip("192.0.2.10"));
  h.advance(125s);
  EXPECT_EQ(h.queries().size(), 2u);
}

// §6.6.2: the other querier keeps us silent as long as it keeps querying.
TEST(Querier, Rfc3376_6_6_2_OtherQuerierPresentRefreshedByQueries) {
  Harness h;
  h.receive(query(Version::IGMPv3, "192.0.2.1"));
  h.clear();
  for (int i = 0; i < 4; ++i) {
    h.advance(125s);
    h.receive(query(Version::IGMPv3, "192.0.2.1"));
  }
  EXPECT_TRUE(h.queries().empty());
  EXPECT_FALSE(h.router.is_querier());
}

// A router without an address queries from 0.0.0.0 (as the Linux bridge
// querier does) and yields to any querier that has one (§6.6.2 compares
// addresses; 0.0.0.0 is no address to win with).
TEST(Querier, UnspecifiedOwnAddressQueriesAndYieldsToAnyOtherQuerier) {
  Harness h(options(), false);
  h.router.set_address(ip("0.0.0.0"), h.now, h.out);
  h.router.start(h.now, h.out);
  ASSERT_EQ(h.packets().size(), 1u);
  EXPECT_EQ(h.packets()[0].source, ip("0.0.0.0"));
  h.receive(query(Version::IGMPv3, "192.0.2.200"));
  EXPECT_FALSE(h.router.is_querier());
}

// The link went down: no queries until start() again, which begins with the
// startup queries (§8.6) as on a fresh link; memberships stay.
TEST(Querier, StopThenStartSendsStartupQueriesAgain) {
  Harness h;
  h.receive(v3_report("192.0.2.20", {record(codec::RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  h.clear();
  h.router.stop(h.now, h.out);
  h.advance(200s);
  EXPECT_TRUE(h.queries().empty());
  EXPECT_TRUE(h.forwarding("239.1.1.1"));  // 60 s of the 260 s Group Membership Interval left
  h.router.start(h.now, h.out);
  EXPECT_EQ(h.queries().size(), 1u);
  h.advance(31250ms);
  EXPECT_EQ(h.queries().size(), 2u);
  EXPECT_TRUE(h.router.is_querier());
}

// §6.6.2: a query from a higher address does not silence us.
TEST(Querier, Rfc3376_6_6_2_HigherAddressQueryIgnored) {
  Harness h;
  h.receive(query(Version::IGMPv3, "192.0.2.200", nullptr, {}, false, 5, 30s));
  EXPECT_TRUE(h.router.is_querier());
  EXPECT_EQ(h.router.querier_address(), ip("192.0.2.10"));
  h.clear();
  h.advance(31250ms);
  ASSERT_EQ(h.queries().size(), 1u);
  EXPECT_EQ(h.queries()[0].qrv, 2);  // nothing adopted from a losing router
}

// RFC 9776 §6.6.2: the election is by General Queries; a group-specific query
// from a lower address does not make us stop.
TEST(Querier, Rfc9776_6_6_2_GroupSpecificQueryDoesNotElect) {
  Harness h;
  h.receive(query(Version::IGMPv3, "192.0.2.1", "239.1.1.1"));
  EXPECT_TRUE(h.router.is_querier());
}

// RFC 3376 §4.1.6 / §4.1.7: adopt the querier's QRV and QQI (unless 0); they
// set GMI and OQPI; when we become querier again we use our own.
TEST(Querier, Rfc3376_4_1_6_and_4_1_7_AdoptQrvAndQqi) {
  Harness h;
  h.receive(query(Version::IGMPv3, "192.0.2.1", nullptr, {}, false, 3, 60s));
  EXPECT_EQ(h.router.timers().robustness, 3u);  // as the status shows them
  EXPECT_EQ(h.router.timers().query_interval, 60s);
  // GMI with the querier's values: 3 * 60 + 2 * 10 = 200 s.
  h.receive(v3_report("192.0.2.20", {record(codec::RecordType::ModeIsExclude, "239.1.1.1")}));
  h.advance(199s);
  h.receive(query(Version::IGMPv3, "192.0.2.1", nullptr, {}, false, 3, 60s));
  EXPECT_TRUE(h.forwarding("239.1.1.1"));
  h.advance(1s);
  EXPECT_FALSE(h.forwarding("239.1.1.1"));
  // OQPI with the querier's values: 3 * 60 + 5 = 185 s after its last query.
  h.clear();
  h.advance(183s);
  EXPECT_FALSE(h.router.is_querier());
  h.advance(1s);
  EXPECT_TRUE(h.router.is_querier());
  ASSERT_EQ(h.queries().size(), 1u);
  EXPECT_EQ(h.queries()[0].qrv, 2);
  EXPECT_EQ(h.queries()[0].qqi, 125s);
  EXPECT_EQ(h.router.timers().robustness, 2u);
  EXPECT_EQ(h.router.timers().query_interval, 125s);
}

// §4.1.6: a QRV of zero means "use the default / configured value".
TEST(Querier, Rfc3376_4_1_6_ZeroQrvMeansOwnValue) {
  Harness h;
  h.receive(query(Version::IGMPv3, "192.0.2.1", nullptr, {}, false, 5, 60s));
  h.receive(query(Version::IGMPv3, "192.0.2.1", nullptr, {}, false, 0, 0s));
  h.receive(v3_report("192.0.2.20", {record(codec::RecordType::ModeIsExclude, "239.1.1.1")}));
  h.advance(269s);
  EXPECT_TRUE(h.forwarding("239.1.1.1"));  // GMI back to 2 * 125 + 2 * 10
  h.advance(1s);
  EXPECT_FALSE(h.forwarding("239.1.1.1"));
}

// §7.3.1: an older version query on an IGMPv3 link is noted (warning counter);
// it still takes part in the election.
TEST(Querier, Rfc3376_7_3_1_OlderVersionQueryCounted) {
  Harness h;
  h.receive(query(Version::IGMPv2, "192.0.2.1"));
  EXPECT_EQ(h.router.counters().received.at("older-version-query"), 1u);
  EXPECT_EQ(h.router.counters().received.at("igmpv2-query"), 1u);
  EXPECT_FALSE(h.router.is_querier());
}

// A query heard before we start: we begin as non-querier.
TEST(Querier, QueryBeforeStartMakesUsNonQuerier) {
  Harness h(options(), false);
  h.receive(query(Version::IGMPv3, "192.0.2.1"));
  h.router.start(h.now, h.out);
  EXPECT_FALSE(h.router.is_querier());
  EXPECT_TRUE(h.out.packets.empty());
  h.advance(255s);
  EXPECT_TRUE(h.router.is_querier());
}

// Reconfiguring a shorter Query Interval takes effect at once.
TEST(Querier, ReconfigureShorterQueryInterval) {
  Harness h;
  h.advance(31250ms);
  auto o = options();
  o.timers.query_interval = 60s;
  h.router.reconfigure(o, h.now, h.out);
  EXPECT_EQ(h.router.next_deadline(), h.now + 60s);
}

}  // namespace
}  // namespace mcproxy::instances::test
