// ProxyCore scenarios (RFC 4605): routers, hosts, aggregation, filters and
// forwarding composed, with a fake clock and a fixed random source.
#include "core_test_fixture.hpp"

namespace mcproxy::instances {
namespace {

// RFC 4605 §4.1/§4.2: a second host joining and the first leaving change
// nothing; the last leave removes the route after the Last Member Query Time.
TEST_F(CoreTest, TwoHostsJoinOneLeavesThenLastLeaveRemovesRouteAfterLastMemberQueryTime) {
  make();
  up_all();
  advance(seconds(1));
  auto first = join("d0", H1);
  EXPECT_EQ(upstream_records(first), (std::vector{rec(RecordType::ChangeToExcludeMode, G)}));
  auto d = data("u0");
  EXPECT_EQ(d.routes, (std::vector{route(S, G, "u0", {"d0"})}));
  EXPECT_TRUE(join("d0", H2).routes.empty());
  auto one_left = leave("d0", H1);
  EXPECT_TRUE(one_left.routes.empty());
  EXPECT_TRUE(upstream_records(one_left).empty());
  // H2 answers the Group-Specific Query (RFC 3376 §6.4.2) and keeps the group.
  EXPECT_TRUE(report("d0", H2, {rec(RecordType::ModeIsExclude, G)}).routes.empty());
  EXPECT_TRUE(advance(seconds(5)).routes.empty());
  leave("d0", H2);
  // Last Member Query Time = 2 x 1 s: the route goes, and the upstream leaves.
  auto gone = advance(seconds(3));
  EXPECT_EQ(gone.routes, (std::vector{route(S, G, "u0", {})}));
  auto recs = upstream_records(gone);
  ASSERT_FALSE(recs.empty());
  EXPECT_EQ(recs.front(), rec(RecordType::ChangeToIncludeMode, G));
  EXPECT_TRUE(core->routes().empty());
}

// Quick leave: the last host's leave removes forwarding at once.
TEST_F(CoreTest, QuickLeaveRemovesRouteAtOnce) {
  cfg.quick_leave = true;
  make();
  up_all();
  join("d0", H1);
  data("u0");
  auto e = leave("d0", H1);
  EXPECT_EQ(e.routes, (std::vector{route(S, G, "u0", {})}));
}

// RFC 3376 §5.1: an instance that stops leaves its upstream groups with a
// state-change record to INCLUDE{} and removes every route it installed.
TEST_F(CoreTest, ShutdownLeavesUpstreamGroupsAndRemovesRoutes) {
  make();
  up_all();
  join("d0", H1);
  join("d1", H3, G2);
  data("u0");
  CoreEffects e;
  core->shutdown(now, e);
  auto recs = upstream_records(e);
  EXPECT_EQ(recs.size(), 2u);
  for (const auto& r : recs) EXPECT_EQ(r.type, RecordType::ChangeToIncludeMode);
  EXPECT_EQ(e.routes, (std::vector{removed(S, G, "u0")}));
  EXPECT_TRUE(core->routes().empty());
  EXPECT_TRUE(core->known_sources().empty());
  // Retransmissions are not sent after shutdown.
  EXPECT_TRUE(upstream_records(advance(seconds(5))).empty());
}

// Data before any join installs an entry that forwards nowhere (the kernel
// stops queueing and upcalling the source's packets) and is remembered: the
// join installs forwarding at once, without waiting for the next packet.
TEST_F(CoreTest, DataBeforeJoinThenJoinInstallsRouteAtOnce) {
  make();
  up_all();
  auto d = data("u0");
  EXPECT_EQ(d.routes, (std::vector{route(S, G, "u0", {})}));
  EXPECT_EQ(core->known_sources().size(), 1u);
  EXPECT_TRUE(core->routes().empty());
  auto j = join("d1", H3);
  EXPECT_EQ(j.routes, (std::vector{route(S, G, "u0", {"d1"})}));
}

// RFC 4605 §4.1: memberships of two downstreams merge into one upstream state.
TEST_F(CoreTest, AggregationAcrossTwoDownstreams) {
  make();
  up_all();
  report("d0", H1, {rec(RecordType::AllowNewSources, G, {S})});
  advance(seconds(2));  // the ALLOW(S) retransmissions are over
  auto e = report("d1", H3, {rec(RecordType::AllowNewSources, G, {S2})});
  EXPECT_EQ(upstream_records(e), (std::vector{rec(RecordType::AllowNewSources, G, {S2})}));
  const auto st = core->upstream_states().at("u0").at(G);
  EXPECT_EQ(st, (Membership{FilterMode::Include, {S, S2}}));
  // Data from S goes to d0 only; from S2 to d1 only (RFC 3376 §6.3 per downstream).
  EXPECT_EQ(data("u0", S).routes, (std::vector{route(S, G, "u0", {"d0"})}));
  EXPECT_EQ(data("u0", S2).routes, (std::vector{route(S2, G, "u0", {"d1"})}));
  // An ASM join on d1 merges to EXCLUDE{} and adds d1 to S's route at once.
  auto asm_join = join("d1", H3);
  EXPECT_EQ(upstream_records(asm_join), (std::vector{rec(RecordType::ChangeToExcludeMode, G)}));
  EXPECT_EQ(asm_join.routes, (std::vector{route(S, G, "u0", {"d0", "d1"})}));
}

// A blacklisted group (downstream `in`) never reaches the upstream nor gets forwarded.
TEST_F(CoreTest, BlacklistKeepsGroupFromUpstream) {
  cfg.downstreams[0].filter_in = group_table(config::FilterKind::Blacklist, G);
  make();
  up_all();
  auto e = join("d0", H1);
  EXPECT_TRUE(upstream_records(e).empty());
  EXPECT_EQ(data("u0").routes, (std::vector{route(S, G, "u0", {})}));
  auto other = join("d0", H1, G2);
  EXPECT_EQ(upstream_records(other), (std::vector{rec(RecordType::ChangeToExcludeMode, G2)}));
}

// Upstream `out` whitelist: only listed groups are requested upstream.
TEST_F(CoreTest, UpstreamOutWhitelistLimitsRequests) {
  cfg.upstreams[0].filter_out = group_table(config::FilterKind::Whitelist, G2);
  make();
  up_all();
  EXPECT_TRUE(upstream_records(join("d0", H1, G)).empty());
  EXPECT_FALSE(upstream_records(join("d0", H1, G2)).empty());
}

// Downstream `out` blacklist: the data is not forwarded to that downstream.
TEST_F(CoreTest, DownstreamOutFilterKeepsDataFromThatDownstream) {
  cfg.downstreams[1].filter_out = group_table(config::FilterKind::Blacklist, G);
  make();
  up_all();
  join("d0", H1);
  join("d1", H3);
  EXPECT_EQ(data("u0").routes, (std::vector{route(S, G, "u0", {"d0"})}));
}

// Two upstreams, `rulematching first`: the group is requested on the first
// (highest priority) upstream only; when it goes down the next one takes over.
TEST_F(CoreTest, TwoUpstreamsFirstMatchUsesHighestPriority) {
  cfg.upstreams.push_back(iface("u1", config::Role::Upstream));
  cfg.upstream_in_rule_matching.kind = config::RuleMatching::Kind::First;
  make();
  up_all();
  auto e = join("d0", H1);
  EXPECT_FALSE(upstream_records(e, "u0").empty());
  EXPECT_TRUE(upstream_records(e, "u1").empty());
  // Data of the group arriving on the lower-priority upstream is not taken.
  EXPECT_EQ(data("u1").routes, (std::vector{route(S, G, "u1", {})}));
  CoreEffects down;
  core->interface_down("u0", now, down);
  EXPECT_FALSE(upstream_records(down, "u1").empty());
  EXPECT_TRUE(has_route(down, route(S, G, "u1", {"d0"})));
  EXPECT_EQ(data("u1").routes, (std::vector{route(S, G, "u1", {"d0"})}));
}

// `rulematching first` with filters: a group the first upstream may not
// request goes to the next one.
TEST_F(CoreTest, TwoUpstreamsFirstMatchFollowsFilters) {
  cfg.upstreams.push_back(iface("u1", config::Role::Upstream));
  cfg.upstreams[0].filter_in = group_table(config::FilterKind::Whitelist, G2);
  cfg.upstream_in_rule_matching.kind = config::RuleMatching::Kind::First;
  make();
  up_all();
  auto e = join("d0", H1, G);
  EXPECT_TRUE(upstream_records(e, "u0").empty());
  EXPECT_FALSE(upstream_records(e, "u1").empty());
  auto e2 = join("d0", H1, G2);
  EXPECT_FALSE(upstream_records(e2, "u0").empty());
  EXPECT_TRUE(upstream_records(e2, "u1").empty());
}

// mcproxy's default `upstream * in rulematching first`: one upstream only.
TEST_F(CoreTest, DefaultUpstreamInRuleMatchingIsFirst) {
  cfg.upstreams.push_back(iface("u1", config::Role::Upstream));
  make();
  up_all();
  auto e = join("d0", H1);
  EXPECT_FALSE(upstream_records(e, "u0").empty());
  EXPECT_TRUE(upstream_records(e, "u1").empty());
}

// Extension (not reachable from the configuration language): `All` for the
// `in` direction requests on every upstream.
TEST_F(CoreTest, TwoUpstreamsAllRequestsEverywhere) {
  cfg.upstreams.push_back(iface("u1", config::Role::Upstream));
  cfg.upstream_in_rule_matching.kind = config::RuleMatching::Kind::All;
  make();
  up_all();
  auto e = join("d0", H1);
  EXPECT_FALSE(upstream_records(e, "u0").empty());
  EXPECT_FALSE(upstream_records(e, "u1").empty());
}

// Static forwarding entries: joined upstream at once and forwarded without any
// downstream membership; the union with dynamic outputs.
TEST_F(CoreTest, StaticRouteForwardsWithoutMembership) {
  config::StaticRoute r;
  r.group = G;
  r.source = A("0.0.0.0");
  r.downstreams = {"d1"};
  cfg.static_routes.push_back(r);
  make();
  auto e = up_all();
  EXPECT_EQ(upstream_records(e), (std::vector{rec(RecordType::ChangeToExcludeMode, G)}));
  EXPECT_EQ(data("u0").routes, (std::vector{route(S, G, "u0", {"d1"})}));
  EXPECT_EQ(join("d0", H1).routes, (std::vector{route(S, G, "u0", {"d0", "d1"})}));
}

// Data with addresses of the other family or not multicast, or from an
// interface the instance does not have, is counted and installs nothing.
TEST_F(CoreTest, DataWithBadAddressesOrFromUnknownInterfacesIsCounted) {
  make();
  up_all();
  EXPECT_TRUE(data("nope").routes.empty());
  EXPECT_EQ(core->counters().at("data-unknown-interface"), 1u);
  EXPECT_TRUE(data("u0", S, A("10.0.0.1")).routes.empty());
  EXPECT_TRUE(data("u0", A("2001:db8::1"), G).routes.empty());
  EXPECT_EQ(core->counters().at("data-bad-address"), 2u);
  CoreEffects down;
  core->interface_down("d0", now, down);
  EXPECT_TRUE(data("d0", H1).routes.empty());
  EXPECT_EQ(core->counters().at("data-interface-down"), 1u);
  EXPECT_TRUE(core->known_sources().empty());
}

// --- Senders on downstream links (RFC 4605 §4.2) ---------------------------------

// "A proxy device forwards packets received on any downstream interface to
// the upstream interface, and to each downstream interface other than the
// incoming interface based upon the downstream interfaces' subscriptions."
TEST_F(CoreTest, DownstreamSenderReachesUpstreamAndDownstreamsWithMembers) {
  cfg.downstreams.push_back(iface("d2", config::Role::Downstream));
  make();
  up_all();
  CoreEffects e;
  core->interface_up("d2", A("10.3.0.1"), now, e);
  join("d1", H3);
  auto d = data("d0", H1);
  // Not back to d0, not to d2 (no member there).
  EXPECT_EQ(d.routes, (std::vector{route(H1, G, "d0", {"d1", "u0"})}));
  EXPECT_EQ(core->counters().at("data-from-downstream"), 1u);
  // A member joining on d2 adds it at once; the last one leaving d1 drops d1.
  EXPECT_EQ(join("d2", A("10.3.0.10")).routes, (std::vector{route(H1, G, "d0", {"d1", "d2", "u0"})}));
}

// A member on the sender's own link does not make the proxy send the data back there.
TEST_F(CoreTest, DownstreamSenderIsNeverForwardedBackOutOfItsInterface) {
  make();
  up_all();
  join("d0", H2);
  EXPECT_EQ(data("d0", H1).routes, (std::vector{route(H1, G, "d0", {"u0"})}));
}

// mcproxy `upstream * out rulematching all` (the default): every upstream
// whose `out` table admits the (S,G) gets the data.
TEST_F(CoreTest, DownstreamSenderGoesToEveryUpstreamUnderOutAll) {
  cfg.upstreams.push_back(iface("u1", config::Role::Upstream));
  make();
  up_all();
  EXPECT_EQ(data("d0", H1).routes, (std::vector{route(H1, G, "d0", {"u0", "u1"})}));
}

// `upstream * out rulematching first`: only the first upstream in priority
// order whose `out` table admits the (S,G); the next one when it goes down.
TEST_F(CoreTest, DownstreamSenderGoesToFirstAdmittingUpstreamUnderOutFirst) {
  cfg.upstreams.push_back(iface("u1", config::Role::Upstream));
  cfg.rule_matching.kind = config::RuleMatching::Kind::First;
  cfg.upstreams[0].filter_out = group_table(config::FilterKind::Blacklist, G2);
  make();
  up_all();
  EXPECT_EQ(data("d0", H1).routes, (std::vector{route(H1, G, "d0", {"u0"})}));
  EXPECT_EQ(data("d0", H1, G2).routes, (std::vector{route(H1, G2, "d0", {"u1"})}));
  CoreEffects down;
  core->interface_down("u0", now, down);
  EXPECT_TRUE(has_route(down, route(H1, G, "d0", {"u1"})));
}

// An upstream's `out` table keeps a downstream sender's data from it; its
// rules see the interface the data comes from, as a downstream's `out` rules do.
TEST_F(CoreTest, UpstreamOutFilterKeepsDownstreamSendersDataFromIt) {
  cfg.upstreams.push_back(iface("u1", config::Role::Upstream));
  config::FilterBinding only_d1 = group_table(config::FilterKind::Whitelist, G);
  only_d1.table.rules[0].interface = "d1";
  cfg.upstreams[1].filter_out = only_d1;
  make();
  up_all();
  EXPECT_EQ(data("d0", H1).routes, (std::vector{route(H1, G, "d0", {"u0"})}));
  EXPECT_EQ(data("d1", H3).routes, (std::vector{route(H3, G, "d1", {"u0", "u1"})}));
}

// A downstream's `out` and `in` tables apply to a downstream sender's data as
// to an upstream's; the outputs carry their own TTL thresholds (an upstream's
// `threshold` limits what goes out there, not what arrives from elsewhere).
TEST_F(CoreTest, DownstreamSenderObeysFiltersAndThresholds) {
  cfg.downstreams[1].filter_out = group_table(config::FilterKind::Blacklist, G);
  cfg.upstreams[0].threshold = 8;
  make();
  up_all();
  join("d1", H3);
  join("d1", H3, G2);
  auto blocked = data("d0", H1);
  ASSERT_EQ(blocked.routes.size(), 1u);
  EXPECT_EQ(blocked.routes[0].outputs, (std::set<std::string>{"u0"}));
  EXPECT_EQ(blocked.routes[0].ttl_thresholds.at("u0"), 8u);
  auto passed = data("d0", H1, G2);
  ASSERT_EQ(passed.routes.size(), 1u);
  EXPECT_EQ(passed.routes[0].ttl_thresholds.at("d1"), 1u);
  EXPECT_EQ(passed.routes[0].ttl_thresholds.at("u0"), 8u);
}

// A downstream's `in` table decides which of its senders' data is accepted
// at all (doc/configuration.md): refused data installs an entry forwarding nowhere.
TEST_F(CoreTest, DownstreamInFilterRefusesItsSendersData) {
  cfg.downstreams[0].filter_in = group_table(config::FilterKind::Blacklist, G);
  make();
  up_all();
  join("d1", H3);
  join("d1", H3, G2);
  EXPECT_EQ(data("d0", H1).routes, (std::vector{route(H1, G, "d0", {})}));
  EXPECT_EQ(data("d0", H1, G2).routes, (std::vector{route(H1, G2, "d0", {"d1", "u0"})}));
}

// A static forwarding entry also takes a downstream sender's data.
TEST_F(CoreTest, StaticRouteTakesDownstreamSendersData) {
  config::StaticRoute r;
  r.group = G;
  r.source = A("0.0.0.0");
  r.downstreams = {"d1"};
  cfg.static_routes.push_back(r);
  make();
  up_all();
  EXPECT_EQ(data("d0", H1).routes, (std::vector{route(H1, G, "d0", {"d1", "u0"})}));
}

// The sender's link going away (or being handed over, PMIPv6 with a mobile
// sender, RFC 7287) removes its entries; the upstream sees no more of it.
TEST_F(CoreTest, DownstreamSendersEntriesGoWithTheirInterface) {
  make();
  up_all();
  data("d0", H1);
  CoreEffects down;
  core->interface_down("d0", now, down);
  EXPECT_EQ(down.routes, (std::vector{removed(H1, G, "d0")}));
  CoreEffects up;
  core->interface_up("d0", A("10.1.0.1"), now, up);
  data("d0", H1);
  CoreEffects taken;
  ASSERT_TRUE(core->take_downstream("d0", now, taken));
  EXPECT_EQ(taken.routes, (std::vector{removed(H1, G, "d0")}));
  EXPECT_TRUE(core->known_sources().empty());
}

// The same (S,G) arriving on another interface (the sender moved) moves its entry.
TEST_F(CoreTest, SourceArrivingOnAnotherInterfaceMovesItsEntry) {
  make();
  up_all();
  join("d1", H3);
  data("d0", H1);
  EXPECT_EQ(data("u0", H1).routes, (std::vector{route(H1, G, "u0", {"d1"})}));
  ASSERT_EQ(core->known_sources().size(), 1u);
  EXPECT_EQ(core->known_sources()[0].input_interface, "u0");
}

// --- Source liveness (kernel packet counters) ------------------------------------

// An (S,G) whose packet counter stands still for source-idle-timeout loses its
// kernel entry; while the counter moves it stays; data again brings it back.
TEST_F(CoreTest, IdleSourceLosesItsEntryAfterSourceIdleTimeout) {
  cfg.source_idle_timeout = Duration(20'000);
  make();
  up_all();
  join("d0", H1);
  data("u0");
  EXPECT_EQ(core->counter_interval(), Duration(5'000));
  std::uint64_t packets = 0;
  for (int i = 0; i < 10; ++i) {
    packets += 100;
    EXPECT_TRUE(counter_read({{S, G, packets}}).routes.empty());
  }
  EXPECT_EQ(core->routes().size(), 1u);  // 50 s, well past the timeout: still sending
  CoreEffects gone;
  int reads = 0;
  while (!has_route(gone, removed(S, G, "u0")) && reads++ < 10) gone = counter_read({{S, G, packets}});
  EXPECT_EQ(gone.routes, (std::vector{removed(S, G, "u0")}));
  EXPECT_EQ(reads, 4);  // the timeout after the last change, at the read interval
  EXPECT_TRUE(core->known_sources().empty());
  EXPECT_EQ(core->counters().at("source-idle-removed"), 1u);
  // The source resumes: the kernel's upcall brings the entry back.
  EXPECT_EQ(data("u0").routes, (std::vector{route(S, G, "u0", {"d0"})}));
}

// Without receivers an (S,G) keeps an entry that forwards nowhere while its
// source sends, and loses it when the source stops.
TEST_F(CoreTest, SourceWithoutReceiversKeepsSilentEntryWhileSending) {
  cfg.source_idle_timeout = Duration(8'000);
  make();
  up_all();
  EXPECT_EQ(data("u0").routes, (std::vector{route(S, G, "u0", {})}));
  EXPECT_EQ(core->counter_interval(), Duration(2'000));
  for (std::uint64_t p = 1; p <= 10; ++p) counter_read({{S, G, p * 50}});
  EXPECT_EQ(core->known_sources().size(), 1u);
  CoreEffects gone;
  for (int i = 0; i < 6 && gone.routes.empty(); ++i) gone = counter_read({{S, G, 500}});
  EXPECT_EQ(gone.routes, (std::vector{removed(S, G, "u0")}));
}

// A counter that went down belongs to an entry the kernel made anew: data.
// A first read of zero is no data (the upcall's packet was not counted).
TEST_F(CoreTest, CounterResetCountsAsDataFirstZeroDoesNot) {
  cfg.source_idle_timeout = Duration(8'000);
  make();
  up_all();
  data("u0");
  counter_read({{S, G, 900}});
  counter_read({{S, G, 900}});
  counter_read({{S, G, 3}});  // reset: sent
  counter_read({{S, G, 3}});
  counter_read({{S, G, 3}});
  counter_read({{S, G, 3}});
  EXPECT_EQ(core->known_sources().size(), 1u);  // 6 s after the reset
  counter_read({{S, G, 3}});
  EXPECT_TRUE(core->known_sources().empty());  // 8 s
  data("u0", S2);
  counter_read({{S2, G, 0}});
  counter_read({{S2, G, 0}});
  counter_read({{S2, G, 0}});
  EXPECT_EQ(core->known_sources().size(), 1u);  // 6 s after the upcall
  counter_read({{S2, G, 0}});
  EXPECT_TRUE(core->known_sources().empty());
}

// A read that failed, or that never completes, removes nothing; the next
// read is asked for all the same.
TEST_F(CoreTest, FailedOrLostCounterReadRemovesNothing) {
  cfg.source_idle_timeout = Duration(8'000);
  make();
  up_all();
  data("u0");
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(counter_read({}, false).routes.empty());
  EXPECT_EQ(core->known_sources().size(), 1u);
  EXPECT_EQ(core->counters().at("counter-read-failed"), 8u);
  // A read asked for and never answered is given up after two intervals.
  CoreEffects asked;
  while (!asked.read_counters) {
    now = *core->next_deadline();
    core->on_timer(now, asked);
  }
  CoreEffects again;
  while (!again.read_counters) {
    now = *core->next_deadline();
    core->on_timer(now, again);
  }
  EXPECT_EQ(core->counters().at("counter-read-abandoned"), 1u);
  EXPECT_EQ(core->known_sources().size(), 1u);
  // Entries the read does not mention are idle: the stale entry goes.
  core->source_counters({}, now);
  CoreEffects done;
  core->source_counters_done(true, now, done);
  EXPECT_EQ(done.routes, (std::vector{removed(S, G, "u0")}));
}

// The read interval: a quarter of the idle timeout, at most the mutex time,
// between 1 s and 30 s.
TEST_F(CoreTest, CounterIntervalFollowsIdleTimeoutAndMutexTime) {
  make();
  EXPECT_EQ(core->counter_interval(), Duration(30'000));  // default 210 s
  cfg.source_idle_timeout = Duration(5'000);
  make();
  EXPECT_EQ(core->counter_interval(), Duration(1'250));
  cfg.upstream_in_rule_matching = {config::RuleMatching::Kind::Mutex, Duration(10)};
  make();
  EXPECT_EQ(core->counter_interval(), Duration(1'000));
}

// RFC 3376 §7.2.1 through the core: a v2 querier upstream switches the
// upstream reports to IGMPv2, and back to v3 after the timeout.
TEST_F(CoreTest, Igmpv2QuerierUpstreamSwitchesReportsToV2AndBack) {
  make();
  up_all();
  codec::Packet q;
  q.source = A("192.0.2.254");
  q.destination = A("224.0.0.1");
  codec::Query query;
  query.version = codec::Version::IGMPv2;
  query.group = A("0.0.0.0");
  query.max_response_time = Duration(10'000);
  q.message = query;
  CoreEffects e;
  core->handle_packet("u0", q, now, e);
  auto j = join("d0", H1);
  auto it = std::find_if(j.packets.begin(), j.packets.end(), [](const auto& p) { return p.interface == "u0"; });
  ASSERT_NE(it, j.packets.end());
  EXPECT_EQ(it->packet.message, codec::Message(codec::MembershipReport{codec::Version::IGMPv2, G}));
  advance(seconds(261));
  EXPECT_EQ(core->upstream("u0")->compatibility_mode(), codec::Version::IGMPv3);
}

// A configured IGMPv2 instance reports with v2 from the start.
TEST_F(CoreTest, Igmpv2InstanceReportsWithV2) {
  make(config::Protocol::IGMPv2);
  up_all();
  const codec::Packet p = v2_report_from_h1();
  CoreEffects e;
  core->handle_packet("d0", p, now, e);
  auto it = std::find_if(e.packets.begin(), e.packets.end(), [](const auto& x) { return x.interface == "u0"; });
  ASSERT_NE(it, e.packets.end());
  EXPECT_EQ(it->packet.message, codec::Message(codec::MembershipReport{codec::Version::IGMPv2, G}));
}

// PMIPv6 handover: a downstream moves with its state; the receiving instance
// reports its groups upstream at once, the old one leaves them.
TEST_F(CoreTest, DownstreamHandoverMovesMembershipsBetweenInstances) {
  make();
  up_all();
  join("d0", H1);
  data("u0");
  config::InstanceConfig other;
  other.name = "B";
  other.upstreams = {iface("u9", config::Role::Upstream)};
  ProxyCore b(config::Protocol::IGMPv3, other, [] { return 0u; });
  CoreEffects be;
  b.interface_up("u9", A("192.0.2.9"), now, be);

  CoreEffects ae;
  auto moved = core->take_downstream("d0", now, ae);
  ASSERT_TRUE(moved);
  EXPECT_EQ(ae.routes, (std::vector{route(S, G, "u0", {})}));
  EXPECT_EQ(upstream_records(ae).front(), rec(RecordType::ChangeToIncludeMode, G));
  EXPECT_EQ(core->downstream("d0"), nullptr);

  CoreEffects be2;
  ASSERT_TRUE(b.adopt_downstream(moved, now, be2));
  EXPECT_EQ(upstream_records(be2, "u9"), (std::vector{rec(RecordType::ChangeToExcludeMode, G)}));
  EXPECT_TRUE(b.is_up("d0"));
  EXPECT_EQ(b.downstream_memberships().at("d0").count(G), 1u);
  EXPECT_EQ(core->take_downstream("d0", now, ae), nullptr);
}

// Changing timers keeps every membership: no upstream report, no route change.
TEST_F(CoreTest, ReconfigureTimersDisturbsNothing) {
  make();
  up_all();
  join("d1", H3);
  data("u0");
  advance(seconds(5));
  auto changed = cfg;
  changed.timers.query_interval = Duration(60'000);
  changed.downstreams[0].quick_leave = true;
  CoreEffects e;
  core->reconfigure(changed, now, e);
  EXPECT_TRUE(upstream_records(e).empty());
  EXPECT_TRUE(e.routes.empty());
  EXPECT_EQ(core->routes().size(), 1u);
}

// Reconfiguration keeps state and applies new filters at once.
TEST_F(CoreTest, ReconfigureAppliesNewFilterAtOnceAndKeepsState) {
  make();
  up_all();
  join("d0", H1);
  data("u0");
  auto blocked = cfg;
  blocked.downstreams[0].filter_in = group_table(config::FilterKind::Blacklist, G);
  CoreEffects e;
  core->reconfigure(blocked, now, e);
  EXPECT_EQ(e.routes, (std::vector{route(S, G, "u0", {})}));
  EXPECT_EQ(upstream_records(e).front(), rec(RecordType::ChangeToIncludeMode, G));
  CoreEffects e2;
  core->reconfigure(cfg, now, e2);  // filter removed: the kept membership returns
  EXPECT_EQ(e2.routes, (std::vector{route(S, G, "u0", {"d0"})}));
}

// Reconfiguration removing an upstream leaves its groups and drops its routes;
// a removed downstream disappears from the outputs.
TEST_F(CoreTest, ReconfigureRemovesInterfaces) {
  make();
  up_all();
  join("d0", H1);
  join("d1", H3);
  data("u0");
  auto smaller = cfg;
  smaller.downstreams.pop_back();
  CoreEffects e;
  core->reconfigure(smaller, now, e);
  EXPECT_EQ(e.routes, (std::vector{route(S, G, "u0", {"d0"})}));
  smaller.upstreams.clear();
  CoreEffects e2;
  core->reconfigure(smaller, now, e2);
  EXPECT_EQ(e2.routes, (std::vector{removed(S, G, "u0")}));
  EXPECT_EQ(upstream_records(e2).front(), rec(RecordType::ChangeToIncludeMode, G));
  EXPECT_EQ(core->upstream("u0"), nullptr);
}

static std::size_t general_queries(const CoreEffects& e, const std::string& ifname) {
  std::size_t n = 0;
  for (const auto& p : e.packets)
    if (p.interface == ifname && std::holds_alternative<codec::Query>(p.packet.message)) ++n;
  return n;
}

// A downstream going down loses its outputs and stops querying; its
// memberships stay, so link up forwards them again at once (before any host
// answers) and starts over with startup queries (RFC 3376 §8.6).
TEST_F(CoreTest, DownstreamDownAndUpKeepsValidMemberships) {
  make();
  up_all();
  join("d0", H1);
  join("d1", H3);
  data("u0");
  CoreEffects e;
  core->interface_down("d1", now, e);
  EXPECT_EQ(e.routes, (std::vector{route(S, G, "u0", {"d0"})}));
  EXPECT_EQ(general_queries(e, "d1"), 0u);
  EXPECT_FALSE(core->is_up("d1"));
  EXPECT_EQ(general_queries(advance(seconds(60)), "d1"), 0u);  // no queries while down
  CoreEffects e2;
  core->interface_up("d1", A("10.2.0.1"), now, e2);
  EXPECT_FALSE(core->downstream_memberships().at("d1").empty());
  EXPECT_EQ(e2.routes, (std::vector{route(S, G, "u0", {"d0", "d1"})}));
  EXPECT_EQ(general_queries(e2, "d1"), 1u);
  // The rest of the startup queries follow at the Startup Query Interval.
  EXPECT_EQ(general_queries(advance(seconds(32)), "d1"), 1u);
}

// Memberships that time out while the link is down are not forwarded when it returns.
TEST_F(CoreTest, DownstreamMembershipExpiredWhileDownIsNotForwarded) {
  make();
  up_all();
  join("d1", H3);
  data("u0");
  CoreEffects e;
  core->interface_down("d1", now, e);
  advance(seconds(271));  // Group Membership Interval: 2 x 125 s + 2 x 10 s (RFC 9776 §8.4)
  CoreEffects e2;
  core->interface_up("d1", A("10.2.0.1"), now, e2);
  EXPECT_TRUE(core->downstream_memberships().at("d1").empty());
  EXPECT_TRUE(e2.routes.empty());
}

// An interface whose address changes stays up: its routes and memberships
// stay, and the upstream's next report carries the new address.
TEST_F(CoreTest, AddressChangeKeepsRoutesAndState) {
  make();
  up_all();
  join("d0", H1);
  data("u0");
  CoreEffects e;
  core->interface_up("u0", A("192.0.2.99"), now, e);
  core->interface_up("d0", A("10.1.0.99"), now, e);
  EXPECT_TRUE(e.routes.empty());
  EXPECT_EQ(core->routes().size(), 1u);
  auto j = join("d0", H2, G2);
  ASSERT_FALSE(j.packets.empty());
  bool upstream_report = false;
  for (const auto& p : j.packets) {
    if (p.interface != "u0") continue;
    EXPECT_EQ(p.packet.source, A("192.0.2.99"));
    upstream_report = true;
  }
  EXPECT_TRUE(upstream_report);
}

// TTL thresholds of the outputs travel with the route.
TEST_F(CoreTest, RouteCarriesOutputTtlThresholds) {
  cfg.downstreams[0].threshold = 16;
  make();
  up_all();
  join("d0", H1);
  auto e = data("u0");
  ASSERT_EQ(e.routes.size(), 1u);
  EXPECT_EQ(e.routes[0].ttl_thresholds.at("d0"), 16u);
}

// An upstream threshold holds back low-TTL data towards every downstream; a
// downstream's own higher threshold still wins for that downstream.
TEST_F(CoreTest, UpstreamThresholdAppliesToEveryOutput) {
  cfg.upstreams[0].threshold = 8;
  cfg.downstreams[1].threshold = 32;
  make();
  up_all();
  join("d0", H1);
  join("d1", H3);
  auto e = data("u0");
  ASSERT_EQ(e.routes.size(), 1u);
  EXPECT_EQ(e.routes[0].ttl_thresholds.at("d0"), 8u);
  EXPECT_EQ(e.routes[0].ttl_thresholds.at("d1"), 32u);
}

// A threshold changed at runtime re-installs the routes it affects at once.
TEST_F(CoreTest, ReconfiguredThresholdReinstallsRoutes) {
  make();
  up_all();
  join("d0", H1);
  data("u0");
  auto changed = cfg;
  changed.upstreams[0].threshold = 12;
  CoreEffects e;
  core->reconfigure(changed, now, e);
  ASSERT_EQ(e.routes.size(), 1u);
  EXPECT_EQ(e.routes[0].outputs, (std::set<std::string>{"d0"}));
  EXPECT_EQ(e.routes[0].ttl_thresholds.at("d0"), 12u);
}

// Packets on unknown or down interfaces are counted, never crash.
TEST_F(CoreTest, PacketsOnUnknownOrDownInterfacesAreCounted) {
  make();
  codec::Packet p;
  p.source = H1;
  p.destination = A("224.0.0.22");
  p.message = codec::V3Report{codec::Version::IGMPv3, {rec(RecordType::ChangeToExcludeMode, G)}};
  CoreEffects e;
  core->handle_packet("d0", p, now, e);
  core->handle_packet("zz", p, now, e);
  core->interface_up("zz", A("10.9.9.9"), now, e);
  core->interface_down("zz", now, e);
  EXPECT_TRUE(e.packets.empty());
  EXPECT_EQ(core->counters().at("packet-interface-down"), 1u);
  EXPECT_EQ(core->counters().at("unknown-interface"), 3u);
}

}  // namespace
}  // namespace mcproxy::instances

namespace mcproxy::instances {
namespace {

// RFC 3810 / RFC 4605 for IPv6: an MLDv2 listener on a downstream is reported
// upstream to ff02::16 and its (S,G) is forwarded.
TEST(CoreMld, Mldv2JoinIsReportedUpstreamAndForwarded) {
  config::InstanceConfig cfg;
  cfg.name = "v6";
  cfg.upstreams = {iface("u0", config::Role::Upstream)};
  cfg.downstreams = {iface("d0", config::Role::Downstream)};
  ProxyCore core(config::Protocol::MLDv2, cfg, [] { return 0u; });
  TimePoint now{seconds(1000)};
  CoreEffects e;
  core.interface_up("u0", A("fe80::1"), now, e);
  core.interface_up("d0", A("fe80::2"), now, e);
  const Address g = A("ff3e::1234");
  codec::Packet p;
  p.source = A("fe80::10");
  p.destination = A("ff02::16");
  p.message = codec::V3Report{codec::Version::MLDv2, {rec(RecordType::ChangeToExcludeMode, g)}};
  CoreEffects j;
  core.handle_packet("d0", p, now, j);
  auto it = std::find_if(j.packets.begin(), j.packets.end(), [](const auto& x) { return x.interface == "u0"; });
  ASSERT_NE(it, j.packets.end());
  EXPECT_EQ(it->packet.destination, A("ff02::16"));
  EXPECT_EQ(it->packet.source, A("fe80::1"));
  CoreEffects d;
  core.handle_data("u0", A("2001:db8::5"), g, now, d);
  ASSERT_EQ(d.routes.size(), 1u);
  EXPECT_EQ(d.routes[0].outputs, (std::set<std::string>{"d0"}));
  // An IPv4 source in an IPv6 instance is refused.
  core.handle_data("u0", A("10.0.0.1"), g, now, d);
  EXPECT_EQ(core.counters().at("data-bad-address"), 1u);
}

}  // namespace
}  // namespace mcproxy::instances

namespace mcproxy::instances {
namespace {

class CoreOverloadTest : public CoreTest {};

std::size_t upstream_packets(const CoreEffects& e) {
  std::size_t n = 0;
  for (const auto& p : e.packets) n += p.interface == "u0" ? 1 : 0;
  return n;
}

// A batch of joins (one mailbox batch of the instance thread) goes upstream as
// one state-change report with a record per group, not one report per join.
TEST_F(CoreOverloadTest, BatchSendsOneUpstreamReportForManyJoins) {
  make();
  up_all();
  core->begin_batch();
  CoreEffects during;
  for (const auto& g : {G, G2, A("239.3.3.3")}) {
    auto e = join("d0", H1, g);
    during.packets.insert(during.packets.end(), e.packets.begin(), e.packets.end());
  }
  EXPECT_EQ(upstream_packets(during), 0u);
  CoreEffects end;
  core->end_batch(now, end);
  ASSERT_EQ(upstream_packets(end), 1u);
  const auto records = upstream_records(end);
  ASSERT_EQ(records.size(), 3u);
  for (const auto& r : records) EXPECT_EQ(r.type, RecordType::ChangeToExcludeMode);
  // Outside a batch each change goes at once, as before.
  EXPECT_EQ(upstream_packets(join("d0", H1, A("239.4.4.4"))), 1u);
}

// The instance limit (pinstance NAME max-groups) counts group memberships over
// all downstreams; the per-host default applies where nothing is configured.
TEST_F(CoreOverloadTest, InstanceMaxGroupsSpansDownstreams) {
  cfg.max_groups = 2;
  make();
  up_all();
  join("d0", H1, G);
  join("d1", H3, G2);
  join("d1", H3, A("239.3.3.3"));
  EXPECT_EQ(core->downstream("d1")->counters().dropped.at("max-groups-instance"), 1u);
  EXPECT_FALSE(core->downstream("d1")->membership(A("239.3.3.3")));
  leave("d0", H1, G);
  advance(seconds(3));  // last member queries, then the group is gone
  join("d1", H3, A("239.3.3.3"));
  EXPECT_TRUE(core->downstream("d1")->membership(A("239.3.3.3")));
}

TEST_F(CoreOverloadTest, DefaultLimitsApply) {
  make();
  up_all();
  std::vector<Address> sources;
  for (unsigned i = 0; i <= config::kDefaultMaxSources; ++i)
    sources.push_back(AddressV4(0xCB007100u + i));  // 203.0.113.0 + i
  report("d0", H1, {rec(RecordType::AllowNewSources, G, sources)});
  EXPECT_EQ(core->downstream("d0")->counters().dropped.at("max-sources"), 1u);
  for (unsigned i = 0; i <= config::kDefaultMaxGroupsPerHost; ++i)
    join("d0", H1, AddressV4(0xEF050000u + i));  // 239.5.0.0 + i
  EXPECT_EQ(core->downstream("d0")->counters().dropped.at("max-groups-per-host"), 1u);
  EXPECT_EQ(core->downstream("d0")->groups_of_host(H1), config::kDefaultMaxGroupsPerHost);
}

// The upstream's link MTU reaches its host: a report with many sources is
// split to it (RFC 3376 §4.2.16), and a later MTU change applies to the next one.
TEST_F(CoreTest, UpstreamReportsAreSplitToTheLinkMtu) {
  make();
  core->set_link_mtu("u0", 200);
  core->set_link_mtu("d0", 200);   // downstreams: nothing to split, ignored
  core->set_link_mtu("nope", 200);  // unknown: ignored
  up_all();
  advance(seconds(1));
  std::vector<Address> many;
  for (unsigned i = 1; i <= 60; ++i) many.push_back(Address(AddressV4(0xcb007100u + i)));  // below max-sources
  auto e = report("d0", H1, {rec(RecordType::ChangeToIncludeMode, G, many)});
  std::size_t packets = 0;
  for (const auto& p : e.packets) packets += p.interface == "u0" ? 1 : 0;
  EXPECT_GE(packets, 2u);  // 24 + 8 + 8 + 240 bytes do not fit 200
  EXPECT_EQ(core->upstream("u0")->mtu(), 200u);
  core->set_link_mtu("u0", 1500);
  e = report("d0", H1, {rec(RecordType::ChangeToIncludeMode, G2, many)});
  packets = 0;
  for (const auto& p : e.packets) packets += p.interface == "u0" ? 1 : 0;
  EXPECT_EQ(packets, 1u);
}

// `compatibility-mode off` (RFC 9776 §7.2.1 / §7.3.1) reaches the router of a
// downstream: an IGMPv2 report is dropped, the group is not joined upstream.
TEST_F(CoreTest, CompatibilityModeOffDropsOlderReportsOnTheDownstream) {
  cfg.downstreams[0].compatibility_mode = false;
  make();
  up_all();
  advance(seconds(1));
  const codec::Packet p = v2_report_from_h1();
  CoreEffects e;
  core->handle_packet("d0", p, now, e);
  EXPECT_TRUE(upstream_records(e).empty());
  EXPECT_EQ(core->downstream("d0")->counters().dropped.at("compatibility-mode-off"), 1u);
  core->handle_packet("d1", p, now, e);  // d1 keeps the default: IGMPv2 compatibility
  EXPECT_FALSE(upstream_records(e).empty());
}

// Router-side state transitions come out of the core for the instance's debug log.
TEST_F(CoreTest, RouterTransitionsReachTheCoreEffects) {
  make();
  auto e = up_all();
  EXPECT_NE(std::find(e.transitions.begin(), e.transitions.end(), "d0: querier state: Inactive -> Querier"),
            e.transitions.end());
  e = join("d1", H3);
  EXPECT_EQ(e.transitions, std::vector<std::string>{"d1: group 239.1.1.1 router filter mode: INCLUDE -> EXCLUDE"});
}

}  // namespace
}  // namespace mcproxy::instances
