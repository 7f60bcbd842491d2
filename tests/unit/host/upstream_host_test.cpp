// Unit tests of the upstream host side: one test per RFC 3376 §5 / §7.2 and
// RFC 3810 §6 / §8.2 rule, with a fake clock and a deterministic random source.
#include "instances/host/upstream_host.hpp"

#include <gtest/gtest.h>

#include <deque>

namespace mcproxy::codec {
// Readable failure messages.
void PrintTo(const GroupRecord& r, std::ostream* os) {
  *os << static_cast<int>(r.type) << " " << r.group.to_string() << " {";
  for (const auto& s : r.sources) *os << " " << s.to_string();
  *os << " }";
}
}  // namespace mcproxy::codec

namespace mcproxy::instances {
namespace {

using codec::RecordType;
using std::chrono::milliseconds;
using std::chrono::seconds;

Address A(const char* s) { return boost::asio::ip::make_address(s); }

const Address kGroup = A("232.1.1.1");
const Address kGroup2 = A("239.2.2.2");
const Address kS1 = A("10.0.0.1");
const Address kS2 = A("10.0.0.2");
const Address kS3 = A("10.0.0.3");
const Address kOwn = A("192.0.2.1");
const Address kQuerier = A("192.0.2.254");

Membership include(std::set<Address> s) { return {FilterMode::Include, std::move(s)}; }
Membership exclude(std::set<Address> s) { return {FilterMode::Exclude, std::move(s)}; }

// Random values are taken from a queue (default 0: the shortest delay, 1 ms).
struct FakeRandom {
  std::shared_ptr<std::deque<std::uint32_t>> values = std::make_shared<std::deque<std::uint32_t>>();
  RandomSource source() {
    auto v = values;
    return [v] {
      if (v->empty()) return 0u;
      auto x = v->front();
      v->pop_front();
      return x;
    };
  }
};

class HostTest : public ::testing::Test {
 protected:
  void make(config::Protocol p = config::Protocol::IGMPv3, std::size_t mtu = 1500) {
    HostOptions o;
    o.protocol = p;
    if (p == config::Protocol::IGMPv2 || p == config::Protocol::IGMPv1 || p == config::Protocol::MLDv1)
      o.timers.unsolicited_report_interval = Duration(10'000);
    o.mtu = mtu;
    host = std::make_unique<UpstreamHost>("up0", o, random.source());
    host->set_address(p == config::Protocol::MLDv1 || p == config::Protocol::MLDv2 ? A("fe80::1") : kOwn);
  }
  Effects set(const Address& g, const Membership& m) {
    Effects e;
    host->set_state(g, m, now, e);
    return e;
  }
  Effects advance(Duration d) {
    Effects e;
    const TimePoint until = now + d;
    // Run every deadline up to `until`, in order, like the instance's timer loop.
    while (auto dl = host->next_deadline()) {
      if (*dl > until) break;
      now = std::max(now, *dl);
      host->on_timer(now, e);
    }
    now = until;
    return e;
  }
  Effects query(codec::Query q, Address from = kQuerier) {
    codec::Packet p;
    p.source = from;
    p.destination = q.group.is_unspecified() ? (from.is_v6() ? A("ff02::1") : A("224.0.0.1")) : q.group;
    p.message = q;
    Effects e;
    host->handle(p, now, e);
    return e;
  }
  // RFC 1112 Appendix I: an IGMPv1 query is always general (group 0.0.0.0).
  static codec::Query v1_general_query() {
    codec::Query q;
    q.version = codec::Version::IGMPv1;
    q.group = A("0.0.0.0");
    return q;
  }
  static codec::Query v3_query(Address group = A("0.0.0.0"), std::vector<Address> srcs = {},
                               Duration max = Duration(10'000)) {
    codec::Query q;
    q.version = codec::Version::IGMPv3;
    q.group = group;
    q.sources = std::move(srcs);
    q.max_response_time = max;
    return q;
  }
  static std::vector<codec::GroupRecord> records(const Effects& e) {
    std::vector<codec::GroupRecord> r;
    for (const auto& p : e.packets) {
      if (auto* rep = std::get_if<codec::V3Report>(&p.packet.message))
        r.insert(r.end(), rep->records.begin(), rep->records.end());
    }
    return r;
  }
  static codec::GroupRecord rec(RecordType t, Address g, std::vector<Address> s) {
    codec::GroupRecord r;
    r.type = t;
    r.group = g;
    r.sources = std::move(s);
    return r;
  }

  FakeRandom random;
  std::unique_ptr<UpstreamHost> host;
  TimePoint now{seconds(1000)};
};

// RFC 3376 §5.1 table row 1: INCLUDE(A) -> INCLUDE(B): ALLOW(B-A), BLOCK(A-B).
TEST_F(HostTest, StateChangeIncludeToIncludeSendsAllowAndBlock) {
  make();
  set(kGroup, include({kS1, kS2}));
  advance(seconds(5));
  auto e = set(kGroup, include({kS2, kS3}));
  EXPECT_EQ(records(e), (std::vector{rec(RecordType::AllowNewSources, kGroup, {kS3}),
                                     rec(RecordType::BlockOldSources, kGroup, {kS1})}));
}

// RFC 3376 §5.1 table row 2: EXCLUDE(A) -> EXCLUDE(B): ALLOW(A-B), BLOCK(B-A).
TEST_F(HostTest, StateChangeExcludeToExcludeSendsAllowAndBlock) {
  make();
  set(kGroup, exclude({kS1, kS2}));
  advance(seconds(5));
  auto e = set(kGroup, exclude({kS2, kS3}));
  EXPECT_EQ(records(e), (std::vector{rec(RecordType::AllowNewSources, kGroup, {kS1}),
                                     rec(RecordType::BlockOldSources, kGroup, {kS3})}));
}

// RFC 3376 §5.1 table row 3: INCLUDE(A) -> EXCLUDE(B): TO_EX(B) (an ASM join).
TEST_F(HostTest, StateChangeIncludeToExcludeSendsToEx) {
  make();
  auto e = set(kGroup, exclude({kS1}));
  EXPECT_EQ(records(e), (std::vector{rec(RecordType::ChangeToExcludeMode, kGroup, {kS1})}));
}

// RFC 3376 §5.1 table row 4: EXCLUDE(A) -> INCLUDE(B): TO_IN(B); TO_IN{} is a leave.
TEST_F(HostTest, StateChangeExcludeToIncludeSendsToIn) {
  make();
  set(kGroup, exclude({}));
  advance(seconds(5));
  auto e = set(kGroup, include({}));
  EXPECT_EQ(records(e), (std::vector{rec(RecordType::ChangeToIncludeMode, kGroup, {})}));
  EXPECT_FALSE(host->state(kGroup).has_value());
}

// RFC 3376 §5.1: the report is "retransmitted [Robustness Variable] - 1 more
// times, at intervals chosen at random from the range (0, [Unsolicited Report Interval])".
TEST_F(HostTest, StateChangeRetransmittedRobustnessTimesWithinUnsolicitedReportInterval) {
  make();
  random.values->assign({499});  // 500 ms
  auto first = set(kGroup, exclude({}));
  ASSERT_EQ(first.packets.size(), 1u);
  ASSERT_TRUE(host->next_deadline().has_value());
  EXPECT_EQ(*host->next_deadline() - now, milliseconds(500));
  auto again = advance(seconds(1));
  EXPECT_EQ(records(again), (std::vector{rec(RecordType::ChangeToExcludeMode, kGroup, {})}));
  // Robustness 2: one retransmission only, then silence.
  EXPECT_FALSE(host->next_deadline().has_value());
  EXPECT_TRUE(advance(seconds(60)).packets.empty());
}

// RFC 3376 §5.1: each change re-arms the retransmission timer. Re-armed again
// and again (here back and forth between two deadlines, as the deadline index
// keeps an entry per arming), the timer still fires once, at its last deadline.
TEST_F(HostTest, RearmedRetransmissionTimerFiresOnceAtItsLastDeadline) {
  make();
  for (int i = 0; i < 300; ++i) {
    random.values->push_back(i % 2 == 0 ? 499u : 299u);  // 500 ms, 300 ms
    set(kGroup, i % 2 == 0 ? include({kS1}) : include({kS1, kS2}));
  }
  ASSERT_TRUE(host->next_deadline().has_value());
  EXPECT_EQ(*host->next_deadline() - now, milliseconds(300));
  // S2 was added by the last change and has one retransmission left.
  EXPECT_EQ(records(advance(milliseconds(300))), (std::vector{rec(RecordType::AllowNewSources, kGroup, {kS2})}));
  EXPECT_FALSE(host->next_deadline().has_value());
  EXPECT_TRUE(advance(seconds(60)).packets.empty());
}

// RFC 3376 §5.1: a change before retransmissions complete sends a merged report
// at once; each source in a difference keeps its own retransmission state.
TEST_F(HostTest, PendingSourceListChangesMergeWithPerSourceRetransmissionState) {
  make();
  set(kGroup, include({kS1}));  // ALLOW(S1), one retransmission pending
  auto merged = set(kGroup, include({kS1, kS2}));
  EXPECT_EQ(records(merged), (std::vector{rec(RecordType::AllowNewSources, kGroup, {kS1, kS2})}));
  // S1 has had its two transmissions; S2 needs one more.
  auto retx = advance(seconds(1));
  EXPECT_EQ(records(retx), (std::vector{rec(RecordType::AllowNewSources, kGroup, {kS2})}));
  EXPECT_TRUE(advance(seconds(10)).packets.empty());
}

// RFC 3376 §5.1: a source withdrawn while its ALLOW is pending turns into BLOCK
// ("ALLOW: all with retransmission state that must be forwarded; BLOCK: ... blocked").
TEST_F(HostTest, PendingAllowOfWithdrawnSourceBecomesBlock) {
  make();
  set(kGroup, include({kS1, kS2}));
  auto e = set(kGroup, include({kS2}));
  EXPECT_EQ(records(e), (std::vector{rec(RecordType::AllowNewSources, kGroup, {kS2}),
                                     rec(RecordType::BlockOldSources, kGroup, {kS1})}));
}

// RFC 3376 §5.1: after a filter-mode change the next [Robustness Variable]
// reports carry a Filter-Mode-Change record even if source lists change in
// that period; source-list records follow afterwards.
TEST_F(HostTest, FilterModeChangeRecordsTakePrecedenceOverPendingSourceChanges) {
  make();
  set(kGroup, exclude({}));                   // TO_EX{}, one more pending
  auto e = set(kGroup, exclude({kS1}));       // merged: still a filter-mode-change record
  EXPECT_EQ(records(e), (std::vector{rec(RecordType::ChangeToExcludeMode, kGroup, {kS1})}));
  auto r1 = advance(milliseconds(1));  // random delays are 1 ms here
  EXPECT_EQ(records(r1), (std::vector{rec(RecordType::BlockOldSources, kGroup, {kS1})}));
  auto r2 = advance(milliseconds(1));
  EXPECT_EQ(records(r2), (std::vector{rec(RecordType::BlockOldSources, kGroup, {kS1})}));
  EXPECT_TRUE(advance(seconds(10)).packets.empty());
}

// RFC 3376 §4.2.14 / §4.1: reports go to 224.0.0.22 from our address, TTL 1, Router Alert.
TEST_F(HostTest, ReportsGoToAllIgmpv3RoutersWithTtlOneAndRouterAlert) {
  make();
  auto e = set(kGroup, exclude({}));
  ASSERT_EQ(e.packets.size(), 1u);
  const auto& p = e.packets[0];
  EXPECT_EQ(p.interface, "up0");
  EXPECT_EQ(p.packet.source, kOwn);
  EXPECT_EQ(p.packet.destination, A("224.0.0.22"));
  EXPECT_EQ(p.packet.ttl, 1);
  EXPECT_TRUE(p.packet.router_alert);
  EXPECT_EQ(host->counters().sent.at("igmpv3-report"), 1u);
}

// RFC 3376 §5.2 rule 2 and expiry rule 1: a General Query is answered after a
// random delay within Max Resp Time with one Current-State Record per group.
TEST_F(HostTest, GeneralQueryAnsweredAfterRandomDelayWithCurrentStateRecords) {
  make();
  set(kGroup, include({kS1}));
  set(kGroup2, exclude({kS2}));
  advance(seconds(5));
  random.values->assign({2999});  // 3 s
  auto immediate = query(v3_query());
  EXPECT_TRUE(immediate.packets.empty());  // never at once ("ack-implosion")
  EXPECT_TRUE(advance(milliseconds(2999)).packets.empty());
  auto e = advance(milliseconds(1));
  EXPECT_EQ(records(e), (std::vector{rec(RecordType::ModeIsInclude, kGroup, {kS1}),
                                     rec(RecordType::ModeIsExclude, kGroup2, {kS2})}));
}

// RFC 3376 §5.2: "provided the system has state to report".
TEST_F(HostTest, QueryWithoutReceptionStateSchedulesNothing) {
  make();
  query(v3_query());
  query(v3_query(kGroup));
  EXPECT_FALSE(host->next_deadline().has_value());
}

// RFC 3376 §5.2 rule 1: a pending General Query response sooner than the
// selected delay makes a Group-Specific Query need no response of its own.
TEST_F(HostTest, PendingGeneralResponseSoonerAbsorbsGroupQuery) {
  make();
  set(kGroup, exclude({}));
  advance(seconds(5));
  random.values->assign({999, 4999});
  query(v3_query());           // general at +1 s
  query(v3_query(kGroup));     // group at +5 s: absorbed
  auto e = advance(seconds(10));
  EXPECT_EQ(records(e), (std::vector{rec(RecordType::ModeIsExclude, kGroup, {})}));
}

// RFC 3376 §5.2 rule 2: a new General Query replaces the pending one.
TEST_F(HostTest, GeneralQueryReplacesPendingGeneralResponse) {
  make();
  set(kGroup, exclude({}));
  advance(seconds(5));
  random.values->assign({4999, 999});
  query(v3_query());  // +5 s
  query(v3_query());  // +1 s: sooner, replaces
  ASSERT_TRUE(host->next_deadline().has_value());
  EXPECT_EQ(*host->next_deadline() - now, seconds(1));
  EXPECT_EQ(records(advance(seconds(10))).size(), 1u);
}

// RFC 3376 §5.2 rule 3 and expiry rule 2: a Group-Specific Query is answered
// with the group's current state.
TEST_F(HostTest, GroupSpecificQueryAnsweredWithCurrentState) {
  make();
  set(kGroup, include({kS1, kS2}));
  set(kGroup2, exclude({}));
  advance(seconds(5));
  query(v3_query(kGroup));
  auto e = advance(seconds(10));
  EXPECT_EQ(records(e), (std::vector{rec(RecordType::ModeIsInclude, kGroup, {kS1, kS2})}));
}

// RFC 3376 §5.2 expiry rule 3: INCLUDE(A) with recorded B answers IS_IN(A*B).
TEST_F(HostTest, GroupAndSourceQueryOnIncludeAnswersIntersection) {
  make();
  set(kGroup, include({kS1, kS2}));
  advance(seconds(5));
  query(v3_query(kGroup, {kS2, kS3}));
  EXPECT_EQ(records(advance(seconds(10))), (std::vector{rec(RecordType::ModeIsInclude, kGroup, {kS2})}));
}

// RFC 3376 §5.2 expiry rule 3: EXCLUDE(A) with recorded B answers IS_IN(B-A).
TEST_F(HostTest, GroupAndSourceQueryOnExcludeAnswersRecordedMinusExcluded) {
  make();
  set(kGroup, exclude({kS1}));
  advance(seconds(5));
  query(v3_query(kGroup, {kS1, kS2}));
  EXPECT_EQ(records(advance(seconds(10))), (std::vector{rec(RecordType::ModeIsInclude, kGroup, {kS2})}));
}

// RFC 3376 §5.2: "If the resulting Current-State Record has an empty set of
// source addresses, then no response is sent."
TEST_F(HostTest, GroupAndSourceQueryWithEmptyAnswerSendsNothing) {
  make();
  set(kGroup, include({kS1}));
  advance(seconds(5));
  query(v3_query(kGroup, {kS3}));
  EXPECT_TRUE(advance(seconds(10)).packets.empty());
}

// RFC 3376 §5.2 rule 5: a second Group-and-Source-Specific Query augments the
// recorded list; the response goes at the earlier time.
TEST_F(HostTest, GroupAndSourceQueriesMergeRecordedSources) {
  make();
  set(kGroup, include({kS1, kS2, kS3}));
  advance(seconds(5));
  random.values->assign({4999, 1999});
  query(v3_query(kGroup, {kS1}));
  query(v3_query(kGroup, {kS2}));
  ASSERT_TRUE(host->next_deadline().has_value());
  EXPECT_EQ(*host->next_deadline() - now, seconds(2));
  EXPECT_EQ(records(advance(seconds(2))), (std::vector{rec(RecordType::ModeIsInclude, kGroup, {kS1, kS2})}));
}

// RFC 3376 §5.2 rule 4: a Group-Specific Query on a pending source-specific
// response clears the recorded list: one group response.
TEST_F(HostTest, GroupQueryOnPendingSourceResponseClearsRecordedSources) {
  make();
  set(kGroup, include({kS1, kS2}));
  advance(seconds(5));
  query(v3_query(kGroup, {kS1}));
  query(v3_query(kGroup));
  EXPECT_EQ(records(advance(seconds(10))), (std::vector{rec(RecordType::ModeIsInclude, kGroup, {kS1, kS2})}));
}

// RFC 3376 §7.2.1: an IGMPv2 General Query switches to IGMPv2 compatibility
// mode: reports to the group, leaves to 224.0.0.2; back to v3 when the Older
// Version Querier Present timer expires.
TEST_F(HostTest, Igmpv2QuerierSwitchesToV2ModeUntilOlderVersionQuerierPresentTimeout) {
  make();
  codec::Query q;
  q.version = codec::Version::IGMPv2;
  q.group = A("0.0.0.0");
  q.max_response_time = Duration(10'000);
  query(q);
  EXPECT_EQ(host->compatibility_mode(), codec::Version::IGMPv2);
  auto join = set(kGroup, exclude({}));
  ASSERT_EQ(join.packets.size(), 1u);
  EXPECT_EQ(join.packets[0].packet.destination, kGroup);
  EXPECT_EQ(join.packets[0].packet.message,
            codec::Message(codec::MembershipReport{codec::Version::IGMPv2, kGroup}));
  auto leave = set(kGroup, include({}));
  ASSERT_EQ(leave.packets.size(), 1u);
  EXPECT_EQ(leave.packets[0].packet.destination, A("224.0.0.2"));
  EXPECT_EQ(leave.packets[0].packet.message, codec::Message(codec::LeaveGroup{codec::Version::IGMPv2, kGroup}));
  // Older Version Querier Present Interval = RV*QI + Max Response Time = 260 s.
  advance(seconds(259));
  EXPECT_EQ(host->compatibility_mode(), codec::Version::IGMPv2);
  advance(seconds(2));
  EXPECT_EQ(host->compatibility_mode(), codec::Version::IGMPv3);
  auto v3 = set(kGroup, exclude({}));
  EXPECT_EQ(records(v3), (std::vector{rec(RecordType::ChangeToExcludeMode, kGroup, {})}));
}

// RFC 3376 §7.2.1: in IGMPv1 mode reports are v1 and no leave is sent.
TEST_F(HostTest, Igmpv1QuerierMeansV1ReportsAndNoLeaves) {
  make();
  query(v1_general_query());
  EXPECT_EQ(host->compatibility_mode(), codec::Version::IGMPv1);
  auto join = set(kGroup, exclude({}));
  ASSERT_EQ(join.packets.size(), 1u);
  EXPECT_EQ(join.packets[0].packet.message,
            codec::Message(codec::MembershipReport{codec::Version::IGMPv1, kGroup}));
  EXPECT_TRUE(set(kGroup, include({})).packets.empty());
}

// RFC 3376 §7.2.1: "Whenever a host changes its compatibility mode, it cancels
// all its pending response and retransmission timers."
TEST_F(HostTest, CompatibilityModeChangeCancelsPendingTimers) {
  make();
  set(kGroup, exclude({}));  // a v3 retransmission is pending
  codec::Query q;
  q.version = codec::Version::IGMPv2;
  q.group = kGroup;  // group-specific v2 query: no mode change
  query(q);
  EXPECT_EQ(host->compatibility_mode(), codec::Version::IGMPv3);
  q.group = A("0.0.0.0");
  random.values->assign({4999});
  query(q);  // mode change: the pending v3 retransmission is cancelled, v2 response scheduled
  auto e = advance(seconds(10));
  ASSERT_EQ(e.packets.size(), 1u);
  EXPECT_EQ(e.packets[0].packet.message,
            codec::Message(codec::MembershipReport{codec::Version::IGMPv2, kGroup}));
}

// RFC 2236 §3: a running report timer is only reset when the new Max Response
// Time is less than its remaining value.
TEST_F(HostTest, OldVersionQueryKeepsEarlierRunningTimer) {
  make(config::Protocol::IGMPv2);
  set(kGroup, exclude({}));
  advance(seconds(30));
  codec::Query q;
  q.version = codec::Version::IGMPv2;
  q.group = A("0.0.0.0");
  q.max_response_time = Duration(10'000);
  random.values->assign({1999, 999});
  query(q);  // +2 s
  q.max_response_time = Duration(5'000);
  query(q);  // remaining 2 s <= 5 s: keep
  ASSERT_TRUE(host->next_deadline().has_value());
  EXPECT_EQ(*host->next_deadline() - now, seconds(2));
  EXPECT_EQ(advance(seconds(3)).packets.size(), 1u);
}

// A configured IGMPv2 instance reports with v2 messages from the start and
// repeats the unsolicited report (RFC 2236 §3) [Robustness Variable]-1 times.
TEST_F(HostTest, ConfiguredIgmpv2ReportsWithV2FromTheStart) {
  make(config::Protocol::IGMPv2);
  EXPECT_EQ(host->compatibility_mode(), codec::Version::IGMPv2);
  auto e = set(kGroup, include({kS1}));  // source lists have no v2 expression: a join
  ASSERT_EQ(e.packets.size(), 1u);
  EXPECT_EQ(e.packets[0].packet.message,
            codec::Message(codec::MembershipReport{codec::Version::IGMPv2, kGroup}));
  EXPECT_TRUE(set(kGroup, include({kS1, kS2})).packets.empty());
  EXPECT_EQ(advance(seconds(10)).packets.size(), 1u);  // one repetition
  EXPECT_TRUE(advance(seconds(100)).packets.empty());
  // An IGMPv3 query does not switch a v2 instance up.
  query(v3_query());
  EXPECT_EQ(host->compatibility_mode(), codec::Version::IGMPv2);
}

// RFC 3810 §6.1 / §5.2.14: MLDv2 reports go to ff02::16.
TEST_F(HostTest, Mldv2ReportsGoToAllMldv2Routers) {
  make(config::Protocol::MLDv2);
  auto e = set(A("ff3e::1"), exclude({}));
  ASSERT_EQ(e.packets.size(), 1u);
  EXPECT_EQ(e.packets[0].packet.destination, A("ff02::16"));
  EXPECT_EQ(e.packets[0].packet.source, A("fe80::1"));
}

// RFC 3810 §8.2.1: an MLDv1 query switches to MLDv1 mode: reports to the
// group, Done to ff02::2.
TEST_F(HostTest, Mldv1QuerierSwitchesToMldv1Mode) {
  make(config::Protocol::MLDv2);
  codec::Query q;
  q.version = codec::Version::MLDv1;
  q.group = A("::");
  q.max_response_time = Duration(10'000);
  query(q, A("fe80::99"));
  EXPECT_EQ(host->compatibility_mode(), codec::Version::MLDv1);
  const Address g = A("ff3e::1");
  auto join = set(g, exclude({}));
  ASSERT_EQ(join.packets.size(), 1u);
  EXPECT_EQ(join.packets[0].packet.destination, g);
  auto done = set(g, include({}));
  ASSERT_EQ(done.packets.size(), 1u);
  EXPECT_EQ(done.packets[0].packet.destination, A("ff02::2"));
  EXPECT_EQ(done.packets[0].packet.message, codec::Message(codec::LeaveGroup{codec::Version::MLDv1, g}));
}

// A query of the other family is counted and ignored.
TEST_F(HostTest, QueryOfOtherFamilyIsDropped) {
  make();
  set(kGroup, exclude({}));
  codec::Query q;
  q.version = codec::Version::MLDv2;
  q.group = A("::");
  query(q, A("fe80::99"));
  EXPECT_EQ(host->counters().dropped.at("wrong-family"), 1u);
}

// RFC 3376 §4.2.16: a report larger than the MTU is split into several.
TEST_F(HostTest, LargeReportIsSplitToFitTheMtu) {
  make(config::Protocol::IGMPv3, 200);
  std::set<Address> many;
  for (unsigned i = 1; i <= 100; ++i) many.insert(Address(AddressV4(0x0a000000u + i)));
  auto e = set(kGroup, include(many));
  EXPECT_GT(e.packets.size(), 1u);
  std::size_t total = 0;
  for (const auto& r : records(e)) total += r.sources.size();
  EXPECT_EQ(total, 100u);
}

// Non-query messages on the upstream are counted and otherwise ignored.
TEST_F(HostTest, ReportsFromOtherHostsAreIgnored) {
  make();
  codec::Packet p;
  p.source = A("192.0.2.7");
  p.destination = kGroup;
  p.message = codec::MembershipReport{codec::Version::IGMPv2, kGroup};
  Effects e;
  host->handle(p, now, e);
  p.message = codec::LeaveGroup{codec::Version::IGMPv2, kGroup};
  host->handle(p, now, e);
  p.message = codec::V3Report{};
  host->handle(p, now, e);
  EXPECT_TRUE(e.packets.empty());
  EXPECT_EQ(host->counters().received.at("igmpv2-report"), 1u);
}


// RFC 9776 §5 (RFC 3376 §5): no report for the all-systems group; RFC 3810 §6:
// none for ff02::1 nor node-local scope.
TEST_F(HostTest, AllSystemsGroupIsNeverReported) {
  make();
  EXPECT_TRUE(set(A("224.0.0.1"), exclude({})).packets.empty());
  EXPECT_EQ(host->counters().dropped.at("unreportable-group"), 1u);
  make(config::Protocol::MLDv2);
  EXPECT_TRUE(set(A("ff02::1"), exclude({})).packets.empty());
  EXPECT_TRUE(set(A("ff01::5"), exclude({})).packets.empty());
}

// RFC 9776 §5.2: a Query is acted on when it carries the Router Alert option.
TEST_F(HostTest, V3QueryWithoutRouterAlertIsIgnored) {
  make();
  set(kGroup, exclude({}));
  advance(seconds(5));
  codec::Packet p;
  p.source = kQuerier;
  p.destination = A("224.0.0.1");
  p.router_alert = false;
  p.message = v3_query();
  Effects e;
  host->handle(p, now, e);
  EXPECT_FALSE(host->next_deadline().has_value());
  EXPECT_EQ(host->counters().dropped.at("query-without-router-alert"), 1u);
}

// RFC 9776 §8.12 (revised): Older Version Querier Present Interval = RV x QI +
// the Max Response Time of the last received Query (here 2 x 125 s + 20 s).
TEST_F(HostTest, OlderVersionQuerierPresentIntervalUsesQueryMaxResponseTime) {
  make();
  codec::Query q;
  q.version = codec::Version::IGMPv2;
  q.group = A("0.0.0.0");
  q.max_response_time = Duration(20'000);
  query(q);
  advance(seconds(269));
  EXPECT_EQ(host->compatibility_mode(), codec::Version::IGMPv2);
  advance(seconds(2));
  EXPECT_EQ(host->compatibility_mode(), codec::Version::IGMPv3);
}

}  // namespace
}  // namespace mcproxy::instances

namespace mcproxy::instances {
namespace {

// RFC 9776 §7.2.1: "It is RECOMMENDED that implementations provide a
// configuration option to disable use of the Host Compatibility Mode to allow
// networks to operate only in SSM mode." With it off an IGMPv2 query changes
// nothing: the host stays in IGMPv3 mode and keeps its source lists.
TEST_F(HostTest, CompatibilityModeOffIgnoresOlderVersionQueries) {
  HostOptions o;
  o.compatibility = false;
  host = std::make_unique<UpstreamHost>("up0", o, random.source());
  host->set_address(kOwn);
  set(kGroup, include({kS1}));
  codec::Query q;
  q.version = codec::Version::IGMPv2;
  q.group = A("0.0.0.0");
  q.max_response_time = Duration(10'000);
  auto e = query(q);
  EXPECT_TRUE(e.packets.empty());
  EXPECT_EQ(host->compatibility_mode(), codec::Version::IGMPv3);
  EXPECT_EQ(host->counters().dropped.at("compatibility-mode-off"), 1u);
  advance(seconds(20));  // no IGMPv2 report answers the query
  auto change = set(kGroup, include({kS1, kS2}));
  EXPECT_EQ(records(change), (std::vector{rec(RecordType::AllowNewSources, kGroup, {kS2})}));
  // IGMPv3 queries are answered as usual.
  query(v3_query());
  EXPECT_FALSE(advance(seconds(11)).packets.empty());
}

// Switching compatibility off at runtime ends an older-version mode at once.
TEST_F(HostTest, CompatibilityModeOffAtRuntimeReturnsToV3) {
  make();
  query(v1_general_query());
  EXPECT_EQ(host->compatibility_mode(), codec::Version::IGMPv1);
  HostOptions o;
  o.compatibility = false;
  host->reconfigure(o);
  EXPECT_EQ(host->compatibility_mode(), codec::Version::IGMPv3);
}

// The link MTU can change while the host runs: reports are split to the new
// size from the next one on (the instance passes IFLA_MTU changes in).
TEST_F(HostTest, MtuChangeSplitsLaterReportsToTheNewSize) {
  make(config::Protocol::IGMPv3, 1500);
  std::set<Address> many;
  for (unsigned i = 1; i <= 100; ++i) many.insert(Address(AddressV4(0x0a000000u + i)));
  EXPECT_EQ(set(kGroup, include(many)).packets.size(), 1u);  // 8 + 8 + 400 bytes fit 1500
  host->set_mtu(200);
  EXPECT_EQ(host->mtu(), 200u);
  auto e = set(kGroup2, include(many));
  EXPECT_GT(e.packets.size(), 1u);
  std::size_t total = 0;
  for (const auto& p : e.packets) {
    const auto& r = std::get<codec::V3Report>(p.packet.message);
    std::size_t size = 24 + 8;  // IPv4 header with Router Alert, report header
    for (const auto& rec : r.records) size += 8 + 4 * rec.sources.size();
    EXPECT_LE(size, 200u);
    for (const auto& rec : r.records) total += rec.sources.size();
  }
  EXPECT_EQ(total, 100u);
}

}  // namespace
}  // namespace mcproxy::instances
