// Host side of one upstream interface: state-change reports (RFC 3376 §5.1 /
// RFC 3810 §6.1), query responses (§5.2 / §6.2), older-version compatibility (§7.2 / §8.2).
#include "instances/host/upstream_host.hpp"

#include "instances/host/source_sets.hpp"
#include "instances/router/packets.hpp"
#include "modules/codec/codec.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace mcproxy::instances {

namespace {

bool is_v6(codec::Version v) { return v == codec::Version::MLDv1 || v == codec::Version::MLDv2; }

// Report destinations: 224.0.0.22 / ff02::16 for v3 reports, 224.0.0.2 /
// ff02::2 for v2 leaves and MLDv1 dones (instances/router/packets.hpp).
Address v3_report_destination(bool v6) { return v3_reports(v6 ? Family::V6 : Family::V4); }
Address leave_destination(bool v6) { return all_routers(v6 ? Family::V6 : Family::V4); }

// Encoded size of a report message without IP header: IGMPv3 (RFC 3376 §4.2)
// 8-byte header, records of 8 + 4*N bytes; MLDv2 (RFC 3810 §5.2) 8-byte header,
// records of 20 + 16*N bytes (plus aux data, which we never send).
std::size_t report_size(const codec::V3Report& r, bool v6) {
  std::size_t n = 8;
  for (const auto& rec : r.records) n += (v6 ? 20 : 8) + rec.sources.size() * (v6 ? 16 : 4) + rec.aux_data.size();
  return n;
}

codec::GroupRecord make_record(codec::RecordType type, const Address& group, const std::set<Address>& sources) {
  codec::GroupRecord r;
  r.type = type;
  r.group = group;
  r.sources.assign(sources.begin(), sources.end());
  return r;
}

bool is_never_reported(const Address& g) {
  if (g.is_v4()) return g.to_v4() == AddressV4::from_string("224.0.0.1");
  const auto v6 = g.to_v6();
  const unsigned scope = v6.to_bytes()[1] & 0x0f;
  return scope <= 1 || v6 == AddressV6::from_string("ff02::1");
}

bool is_member_state(const Membership& m) { return m.mode == FilterMode::Exclude || !m.sources.empty(); }

}  // namespace

UpstreamHost::UpstreamHost(std::string interface, HostOptions options, RandomSource random)
    : interface_(std::move(interface)), options_(std::move(options)), random_(std::move(random)) {
  if (!random_) random_ = [] { return 0u; };
  mode_ = base_version();
}

codec::Version UpstreamHost::base_version() const {
  switch (options_.protocol) {
    case config::Protocol::IGMPv1: return codec::Version::IGMPv1;
    case config::Protocol::IGMPv2: return codec::Version::IGMPv2;
    case config::Protocol::IGMPv3: return codec::Version::IGMPv3;
    case config::Protocol::MLDv1: return codec::Version::MLDv1;
    case config::Protocol::MLDv2: return codec::Version::MLDv2;
  }
  return codec::Version::IGMPv3;
}

bool UpstreamHost::is_v3_mode() const { return mode_ == codec::Version::IGMPv3 || mode_ == codec::Version::MLDv2; }

bool UpstreamHost::is_member(const Membership& m) const { return is_member_state(m); }

void UpstreamHost::reconfigure(const HostOptions& options) {
  options_ = options;
  update_compatibility_mode(std::nullopt);
}

// RFC 3376 §7.2.1 / RFC 3810 §8.2.1: the Host Compatibility Mode follows the
// Older Version Querier Present timers; a configured older protocol caps it.
void UpstreamHost::update_compatibility_mode(std::optional<TimePoint> now) {
  if (now) {
    if (v1_querier_present_until_ && *v1_querier_present_until_ <= *now) v1_querier_present_until_.reset();
    if (v2_querier_present_until_ && *v2_querier_present_until_ <= *now) v2_querier_present_until_.reset();
  }
  const bool v6 = config::family_of(options_.protocol) == Family::V6;
  codec::Version target;
  if (v6) {
    target = v2_querier_present_until_ ? codec::Version::MLDv1 : codec::Version::MLDv2;
  } else if (v1_querier_present_until_) {
    target = codec::Version::IGMPv1;
  } else if (v2_querier_present_until_) {
    target = codec::Version::IGMPv2;
  } else {
    target = codec::Version::IGMPv3;
  }
  const auto base = base_version();
  if (static_cast<int>(base) < static_cast<int>(target)) target = base;
  if (target != mode_) set_mode(target);
}

// RFC 3376 §7.2.1: "Whenever a host changes its compatibility mode, it cancels
// all its pending response and retransmission timers."
void UpstreamHost::set_mode(codec::Version mode) {
  mode_ = mode;
  counters_.received["compatibility-mode-" + version_name(mode)]++;
  held_changes_.clear();  // their retransmission state is cancelled below
  general_response_at_.reset();
  timer_index_.clear();
  std::vector<Address> idle;
  for (auto& [group, gs] : groups_) {
    gs.filter_mode_retransmissions = 0;
    gs.source_retransmissions.clear();
    gs.old_version_retransmissions = 0;
    gs.retransmit_at.reset();
    gs.query_response_at.reset();
    gs.query_sources.clear();
    if (!is_member(gs.state)) idle.push_back(group);
  }
  for (const auto& g : idle) groups_.erase(g);
}

Duration UpstreamHost::random_delay(Duration max) {
  // RFC 3376 §5.1/§5.2: delays are chosen at random from (0, max].
  if (max.count() <= 1) return Duration(1);
  return Duration(1 + static_cast<Duration::rep>(random_() % static_cast<std::uint32_t>(max.count())));
}

void UpstreamHost::set_state(const Address& group, const Membership& state, TimePoint now, Effects& out) {
  // RFC 9776 §5 / RFC 3376 §5: no report is ever sent for the all-systems
  // address 224.0.0.1; RFC 3810 §6: nor for ff02::1 or scope 0/1 addresses.
  if (!group.is_multicast() || is_never_reported(group)) {
    counters_.dropped["unreportable-group"]++;
    return;
  }
  auto it = groups_.find(group);
  if (it == groups_.end()) {
    if (!is_member(state)) return;  // not a member and nothing pending: nothing to do
    it = groups_.emplace(group, GroupState{}).first;
  }
  GroupState& gs = it->second;
  const Membership old_state = gs.state;
  if (old_state == state) return;
  gs.state = state;

  if (is_v3_mode()) {
    record_state_change(gs, old_state, state);
    if (holding_) {
      held_changes_.insert(group);
      return;  // not idle: the change has retransmission state
    }
    send_state_change({group}, now, out);
  } else {
    const bool was = is_member(old_state);
    const bool is = is_member(state);
    if (!was && is) {
      // RFC 2236 §3 / RFC 2710 §4: on joining, send an unsolicited report and
      // repeat it [Robustness Variable] - 1 times after random delays.
      send_old_report(group, out);
      gs.old_version_retransmissions = options_.timers.robustness > 0 ? options_.timers.robustness - 1 : 0;
      arm(group, gs, TimerKind::Retransmit,
          gs.old_version_retransmissions > 0
              ? std::optional<TimePoint>(now + random_delay(options_.timers.unsolicited_report_interval))
              : std::nullopt);
    } else if (was && !is) {
      // RFC 2236 §3: leave (always, we do not track the "last reporter" flag);
      // RFC 3376 §7.2.1: in IGMPv1 mode no leave exists.
      send_old_leave(group, out);
      gs.old_version_retransmissions = 0;
      arm(group, gs, TimerKind::Retransmit, std::nullopt);
      arm(group, gs, TimerKind::QueryResponse, std::nullopt);
    }
    // A source-list change while joined has no v1/v2 expression.
  }
  forget_if_idle(group);
}

// RFC 3376 §5.1 / RFC 3810 §6.1 table:
//   INCLUDE(A) -> INCLUDE(B): ALLOW(B-A), BLOCK(A-B)
//   EXCLUDE(A) -> EXCLUDE(B): ALLOW(A-B), BLOCK(B-A)
//   INCLUDE(A) -> EXCLUDE(B): TO_EX(B)
//   EXCLUDE(A) -> INCLUDE(B): TO_IN(B)
// Retransmission state: a filter-mode change makes the next [Robustness
// Variable] reports carry a Filter-Mode-Change record; every source in a
// source-list difference keeps retransmission state for [Robustness Variable]
// reports. Merging later changes into pending ones is then automatic: each
// report is built from the current state and the retransmission state.
void UpstreamHost::record_state_change(GroupState& gs, const Membership& old_state, const Membership& new_state) {
  const unsigned rv = std::max(1u, options_.timers.robustness);
  if (old_state.mode != new_state.mode) {
    gs.filter_mode_retransmissions = rv;
    // The TO_IN/TO_EX record carries the whole new state; source retransmission
    // state from before the mode change is superseded by it.
    gs.source_retransmissions.clear();
    return;
  }
  for (const auto& s : sources::minus(new_state.sources, old_state.sources)) gs.source_retransmissions[s] = rv;
  for (const auto& s : sources::minus(old_state.sources, new_state.sources)) gs.source_retransmissions[s] = rv;
}

// RFC 3376 §5.1: "If the report should contain a Filter-Mode-Change record,
// then if the current filter-mode of the interface is INCLUDE, a TO_IN record
// is included in the report, otherwise a TO_EX record is included. If instead
// the report should contain Source-List-Change records, an ALLOW and a BLOCK
// record is included."
//   TO_IN: all in the current interface state that must be forwarded
//   TO_EX: all in the current interface state that must be blocked
//   ALLOW: all with retransmission state that must be forwarded
//   BLOCK: all with retransmission state that must be blocked
// "If the computed source list for either an ALLOW or a BLOCK record is empty,
// that record is omitted from the State-Change report."
void UpstreamHost::append_state_change_records(const Address& group, GroupState& gs,
                                               std::vector<codec::GroupRecord>& records) {
  if (gs.filter_mode_retransmissions > 0) {
    gs.filter_mode_retransmissions--;
    records.push_back(make_record(gs.state.mode == FilterMode::Include ? codec::RecordType::ChangeToIncludeMode
                                                                        : codec::RecordType::ChangeToExcludeMode,
                                  group, gs.state.sources));
    return;
  }
  if (gs.source_retransmissions.empty()) return;
  std::set<Address> allow;
  std::set<Address> block;
  for (auto it = gs.source_retransmissions.begin(); it != gs.source_retransmissions.end();) {
    const bool listed = gs.state.sources.contains(it->first);
    const bool forwarded = gs.state.mode == FilterMode::Include ? listed : !listed;
    (forwarded ? allow : block).insert(it->first);
    if (--it->second == 0) {
      it = gs.source_retransmissions.erase(it);
    } else {
      ++it;
    }
  }
  if (!allow.empty()) records.push_back(make_record(codec::RecordType::AllowNewSources, group, allow));
  if (!block.empty()) records.push_back(make_record(codec::RecordType::BlockOldSources, group, block));
}

void UpstreamHost::flush_reports(TimePoint now, Effects& out) {
  holding_ = false;
  if (held_changes_.empty()) return;
  const std::vector<Address> groups(held_changes_.begin(), held_changes_.end());
  held_changes_.clear();
  if (is_v3_mode()) send_state_change(groups, now, out);
}

void UpstreamHost::send_state_change(const std::vector<Address>& groups, TimePoint now, Effects& out) {
  std::vector<codec::GroupRecord> records;
  for (const auto& g : groups) {
    auto it = groups_.find(g);
    if (it == groups_.end()) continue;
    append_state_change_records(g, it->second, records);
  }
  send_v3_records(std::move(records), out);
  for (const auto& g : groups) {
    auto it = groups_.find(g);
    if (it == groups_.end()) continue;
    GroupState& gs = it->second;
    // RFC 3376 §5.1: retransmitted "at intervals chosen at random from the
    // range (0, [Unsolicited Report Interval])".
    arm(g, gs, TimerKind::Retransmit,
        (gs.filter_mode_retransmissions > 0 || !gs.source_retransmissions.empty())
            ? std::optional<TimePoint>(now + random_delay(options_.timers.unsolicited_report_interval))
            : std::nullopt);
    forget_if_idle(g);
  }
}

namespace {
// RFC 3376 §7.2.1: an IGMPv1 query's Max Resp Code 0 "MUST be interpreted as
// a value of 100 (10 seconds)".
Duration max_response_time(const codec::Query& q) {
  if (q.version == codec::Version::IGMPv1 || q.max_response_time.count() == 0) return Duration(10'000);
  return std::chrono::duration_cast<Duration>(q.max_response_time);
}
}  // namespace

void UpstreamHost::handle(const codec::Packet& packet, TimePoint now, Effects& out) {
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, codec::Query>) {
          handle_query(packet, m, now, out);
        } else if constexpr (std::is_same_v<T, codec::V3Report>) {
          counters_.received[version_name(m.version) + "-report"]++;
        } else if constexpr (std::is_same_v<T, codec::MembershipReport>) {
          counters_.received[version_name(m.version) + "-report"]++;
        } else {
          counters_.received[version_name(m.version) + "-leave"]++;
        }
      },
      packet.message);
}

void UpstreamHost::handle_query(const codec::Packet& packet, const codec::Query& q, TimePoint now, Effects& out) {
  (void)out;
  if (codec::family_of(q.version) != config::family_of(options_.protocol) ||
      packet.source.is_v6() != (config::family_of(options_.protocol) == Family::V6)) {
    counters_.dropped["wrong-family"]++;
    return;
  }
  if (own_address_ && packet.source == *own_address_) {
    counters_.dropped["own-query"]++;  // looped back
    return;
  }
  // RFC 9776 §5.2 / RFC 9777 §6.2: act on "a Query with the Router-Alert
  // option"; older-version queries (RFC 2236, RFC 2710) carry none necessarily.
  if (!packet.router_alert && (q.version == codec::Version::IGMPv3 || q.version == codec::Version::MLDv2)) {
    counters_.dropped["query-without-router-alert"]++;
    return;
  }
  counters_.received[version_name(q.version) + "-query"]++;
  const bool general = q.group.is_unspecified();
  // RFC 9776 §8.12 (revised from RFC 3376): the Older Version Querier Present
  // Interval "SHOULD be the Robustness Variable times the Query Interval, plus
  // ... the Max Response Time of the last received Query"; the host cannot know
  // the querier's settings, so RV and QI are the link's configured (by default
  // the RFC's default) values and the Max Response Time is the query's own.
  const Duration ovqpt =
      options_.timers.robustness * options_.timers.query_interval + max_response_time(q);
  // RFC 3376 §7.2.1: "IGMPv1 Querier Present is set to Older Version Querier
  // Present Timeout seconds whenever an IGMPv1 Membership Query is received.
  // IGMPv2 Querier Present is set ... whenever an IGMPv2 General Query is
  // received." RFC 3810 §8.2.1 likewise for an MLDv1 query.
  if (q.version == codec::Version::IGMPv1) v1_querier_present_until_ = now + ovqpt;
  if ((q.version == codec::Version::IGMPv2 || q.version == codec::Version::MLDv1) && general)
    v2_querier_present_until_ = now + ovqpt;
  // "it should switch compatibility modes immediately"
  update_compatibility_mode(now);
  if (is_v3_mode()) {
    handle_v3_query(q, now);
  } else {
    handle_old_query(q, now);
  }
}


// RFC 3376 §5.2 / RFC 3810 §6.2: "The following rules are then used to
// determine if a Report needs to be scheduled ... only the first matching
// rule is applied."
void UpstreamHost::handle_v3_query(const codec::Query& q, TimePoint now) {
  const bool general = q.group.is_unspecified();
  // "provided the system has state to report"
  if (general) {
    if (std::none_of(groups_.begin(), groups_.end(), [&](const auto& e) { return is_member(e.second.state); })) return;
  } else {
    auto it = groups_.find(q.group);
    if (it == groups_.end() || !is_member(it->second.state)) return;
  }
  const TimePoint at = now + random_delay(max_response_time(q));
  // 1. "If there is a pending response to a previous General Query scheduled
  //    sooner than the selected delay, no additional response needs to be scheduled."
  if (general_response_at_ && *general_response_at_ < at) return;
  // 2. "If the received Query is a General Query, the interface timer is used
  //    to schedule a response ... Any previously pending response to a General
  //    Query is canceled."
  if (general) {
    general_response_at_ = at;
    return;
  }
  GroupState& gs = groups_.at(q.group);
  // 3. No pending response for this group: use the group timer; record the
  //    queried sources for a Group-and-Source-Specific Query.
  if (!gs.query_response_at) {
    arm(q.group, gs, TimerKind::QueryResponse, at);
    gs.query_sources = std::set<Address>(q.sources.begin(), q.sources.end());
    return;
  }
  // 4. Pending response and (Group-Specific Query or empty recorded list): clear
  //    the list, one response at the earliest of the two times.
  if (q.sources.empty() || gs.query_sources.empty()) {
    gs.query_sources.clear();
  } else {
    // 5. Group-and-Source-Specific Query with a non-empty recorded list: augment it.
    gs.query_sources.insert(q.sources.begin(), q.sources.end());
  }
  arm(q.group, gs, TimerKind::QueryResponse, std::min(*gs.query_response_at, at));
}

// RFC 2236 §3 / RFC 1112 App. I / RFC 2710 §4: a per-group delay timer; "If a
// timer for the group is already running, it is reset to the random value only
// if the requested Max Response Time is less than the remaining value of the
// running timer."
void UpstreamHost::handle_old_query(const codec::Query& q, TimePoint now) {
  const Duration max = max_response_time(q);
  for (auto& [group, gs] : groups_) {
    if (!q.group.is_unspecified() && group != q.group) continue;
    if (!is_member(gs.state)) continue;
    if (gs.query_response_at && *gs.query_response_at <= now + max) continue;
    arm(group, gs, TimerKind::QueryResponse, now + random_delay(max));
  }
}

void UpstreamHost::on_timer(TimePoint now, Effects& out) {
  update_compatibility_mode(now);
  const bool v3 = is_v3_mode();

  // RFC 3376 §5.2 expiry rule 1: the interface timer sends one Current-State
  // Record per group with reception state.
  if (general_response_at_ && *general_response_at_ <= now) {
    general_response_at_.reset();
    std::vector<codec::GroupRecord> records;
    for (const auto& [group, gs] : groups_) {
      if (!is_member(gs.state)) continue;
      records.push_back(make_record(gs.state.mode == FilterMode::Include ? codec::RecordType::ModeIsInclude
                                                                          : codec::RecordType::ModeIsExclude,
                                    group, gs.state.sources));
    }
    send_v3_records(std::move(records), out);
  }

  // Due per-group timers, from the deadline index.
  std::vector<Address> due_responses;
  std::vector<Address> due_retransmissions;
  while (!timer_index_.empty() && std::get<0>(*timer_index_.begin()) <= now) {
    const auto [at, kind, group] = *timer_index_.begin();
    timer_index_.erase(timer_index_.begin());
    auto it = groups_.find(group);
    if (it == groups_.end()) continue;  // cannot happen: forget_if_idle disarms first
    if (kind == TimerKind::QueryResponse) {
      it->second.query_response_at.reset();
      due_responses.push_back(group);
    } else {
      it->second.retransmit_at.reset();
      due_retransmissions.push_back(group);
    }
  }
  std::sort(due_responses.begin(), due_responses.end());
  std::sort(due_retransmissions.begin(), due_retransmissions.end());

  // Group timers: expiry rules 2 and 3 (v3), or the v1/v2 delayed report.
  std::vector<codec::GroupRecord> responses;
  for (const auto& group : due_responses) {
    GroupState& gs = groups_.at(group);
    auto recorded = std::move(gs.query_sources);
    gs.query_sources.clear();  // RFC 9776 §5.2: the recorded list is cleared once answered
    if (!is_member(gs.state)) continue;  // "if and only if the interface has reception state"
    if (!v3) {
      send_old_report(group, out);
      continue;
    }
    if (recorded.empty()) {
      // 2. Group-Specific Query: the current state.
      responses.push_back(make_record(gs.state.mode == FilterMode::Include ? codec::RecordType::ModeIsInclude
                                                                            : codec::RecordType::ModeIsExclude,
                                      group, gs.state.sources));
      continue;
    }
    // 3. Group-and-Source-Specific Query:
    //    INCLUDE (A), recorded B: IS_IN (A*B);  EXCLUDE (A), recorded B: IS_IN (B-A).
    //    "If the resulting Current-State Record has an empty set of source
    //    addresses, then no response is sent."
    const auto srcs = gs.state.mode == FilterMode::Include ? sources::times(gs.state.sources, recorded)
                                                           : sources::minus(recorded, gs.state.sources);
    if (!srcs.empty()) responses.push_back(make_record(codec::RecordType::ModeIsInclude, group, srcs));
  }
  send_v3_records(std::move(responses), out);

  // Retransmissions of state-change (or v1/v2 unsolicited) reports.
  if (v3) {
    if (!due_retransmissions.empty()) send_state_change(due_retransmissions, now, out);
  } else {
    for (const auto& g : due_retransmissions) {
      GroupState& gs = groups_.at(g);
      if (gs.old_version_retransmissions == 0 || !is_member(gs.state)) continue;
      send_old_report(g, out);
      if (--gs.old_version_retransmissions > 0)
        arm(g, gs, TimerKind::Retransmit, now + random_delay(options_.timers.unsolicited_report_interval));
    }
  }
  for (const auto& g : due_responses) forget_if_idle(g);
  for (const auto& g : due_retransmissions) forget_if_idle(g);
}

void UpstreamHost::arm(const Address& group, GroupState& gs, TimerKind kind, std::optional<TimePoint> at) {
  auto& field = kind == TimerKind::Retransmit ? gs.retransmit_at : gs.query_response_at;
  if (field) timer_index_.erase({*field, kind, group});
  field = at;
  if (at) timer_index_.insert({*at, kind, group});
}

std::optional<TimePoint> UpstreamHost::next_deadline() const {
  std::optional<TimePoint> d;
  auto take = [&](const std::optional<TimePoint>& t) {
    if (t && (!d || *t < *d)) d = t;
  };
  take(v1_querier_present_until_);
  take(v2_querier_present_until_);
  take(general_response_at_);
  if (!timer_index_.empty()) take(std::get<0>(*timer_index_.begin()));
  return d;
}

void UpstreamHost::send_old_report(const Address& group, Effects& out) {
  codec::MembershipReport r;
  r.version = mode_;
  r.group = group;
  // RFC 2236 §3 / RFC 2710 §4: reports go to the group itself.
  emit(group, r, out);
}

void UpstreamHost::send_old_leave(const Address& group, Effects& out) {
  if (mode_ == codec::Version::IGMPv1) return;  // RFC 3376 §7.2.1: no leaves in v1 mode
  codec::LeaveGroup l;
  l.version = mode_;
  l.group = group;
  emit(leave_destination(is_v6(mode_)), l, out);
}

void UpstreamHost::send_v3_records(std::vector<codec::GroupRecord> records, Effects& out) {
  if (records.empty()) return;
  const bool v6 = is_v6(mode_);
  codec::V3Report report;
  report.version = mode_;
  report.records = std::move(records);
  // Budget for the message without IP header: IPv4 header with Router Alert
  // option (24 bytes), IPv6 header plus hop-by-hop header (48 bytes).
  const std::size_t overhead = v6 ? 48 : 24;
  const std::size_t budget = options_.mtu > overhead + 64 ? options_.mtu - overhead : 64;
  if (report_size(report, v6) <= budget) {
    emit(v3_report_destination(v6), std::move(report), out);
    return;
  }
  for (auto& part : codec::split_report(report, budget)) emit(v3_report_destination(v6), std::move(part), out);
}

void UpstreamHost::emit(const Address& destination, codec::Message message, Effects& out) {
  const bool v6 = config::family_of(options_.protocol) == Family::V6;
  codec::Packet p;
  p.source = own_address_ ? *own_address_ : unspecified(v6 ? Family::V6 : Family::V4);
  p.destination = destination;
  p.ttl = 1;
  p.router_alert = true;
  std::string kind = std::visit(
      [](const auto& m) -> std::string {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, codec::V3Report>) return version_name(m.version) + "-report";
        else if constexpr (std::is_same_v<T, codec::MembershipReport>) return version_name(m.version) + "-report";
        else if constexpr (std::is_same_v<T, codec::LeaveGroup>) return version_name(m.version) + "-leave";
        else return version_name(m.version) + "-query";
      },
      message);
  p.message = std::move(message);
  counters_.sent[kind]++;
  out.packets.push_back(OutgoingPacket{interface_, std::move(p)});
}

void UpstreamHost::forget_if_idle(const Address& group) {
  auto it = groups_.find(group);
  if (it == groups_.end()) return;
  const GroupState& gs = it->second;
  if (!is_member(gs.state) && gs.filter_mode_retransmissions == 0 && gs.source_retransmissions.empty() &&
      gs.old_version_retransmissions == 0) {
    arm(group, it->second, TimerKind::Retransmit, std::nullopt);
    arm(group, it->second, TimerKind::QueryResponse, std::nullopt);
    groups_.erase(it);
  }
}

std::map<Address, Membership> UpstreamHost::state() const {
  std::map<Address, Membership> r;
  for (const auto& [g, gs] : groups_)
    if (is_member(gs.state)) r.emplace(g, gs.state);
  return r;
}

std::optional<Membership> UpstreamHost::state(const Address& group) const {
  auto it = groups_.find(group);
  if (it == groups_.end() || !is_member(it->second.state)) return std::nullopt;
  return it->second.state;
}

}  // namespace mcproxy::instances
