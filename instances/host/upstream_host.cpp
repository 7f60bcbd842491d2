// Host side of one upstream interface: state and its changes (RFC 3376 §5.1 /
// RFC 3810 §6.1), Host Compatibility Mode (§7.2.1 / §8.2.1), timers and status.
#include "instances/host/upstream_host.hpp"

#include "instances/host/host_records.hpp"
#include "instances/host/source_sets.hpp"

#include <algorithm>
#include <tuple>
#include <utility>
#include <vector>

namespace mcproxy::instances {

using namespace host_detail;

namespace {

bool is_never_reported(const Address& g) {
  if (g.is_v4()) return g.to_v4() == AddressV4::from_string("224.0.0.1");
  const auto v6 = g.to_v6();
  const unsigned scope = v6.to_bytes()[1] & 0x0f;
  return scope <= 1 || v6 == AddressV6::from_string("ff02::1");
}

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
  // The MTU is the link's (set_mtu), not the configuration's.
  const std::size_t mtu = options_.mtu;
  options_ = options;
  options_.mtu = mtu;
  update_compatibility_mode(std::nullopt);
}

// RFC 3376 §7.2.1 / RFC 3810 §8.2.1: the Host Compatibility Mode follows the
// Older Version Querier Present timers; a configured older protocol caps it.
void UpstreamHost::update_compatibility_mode(std::optional<TimePoint> now) {
  if (now) {
    if (v1_querier_present_until_ && *v1_querier_present_until_ <= *now) v1_querier_present_until_.reset();
    if (v2_querier_present_until_ && *v2_querier_present_until_ <= *now) v2_querier_present_until_.reset();
  }
  if (!options_.compatibility) {  // switched off at runtime: back to IGMPv3 / MLDv2 at once
    v1_querier_present_until_.reset();
    v2_querier_present_until_.reset();
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
  timer_heap_.clear();
  top_checked_ = true;
  armed_ = 0;
  std::vector<CompactAddress> idle;
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
  SourceSet allow;
  SourceSet block;
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
  const std::vector<CompactAddress> groups(held_changes_.begin(), held_changes_.end());
  held_changes_.clear();
  if (is_v3_mode()) send_state_change(groups, now, out);
}

void UpstreamHost::send_state_change(const std::vector<CompactAddress>& groups, TimePoint now, Effects& out) {
  std::vector<codec::GroupRecord> records;
  for (const auto& g : groups) {
    auto it = groups_.find(g);
    if (it == groups_.end()) continue;
    append_state_change_records(g.address(), it->second, records);
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

void UpstreamHost::arm(const CompactAddress& group, GroupState& gs, TimerKind kind, std::optional<TimePoint> at) {
  auto& field = kind == TimerKind::Retransmit ? gs.retransmit_at : gs.query_response_at;
  if (field && at && *field == *at) return;  // unchanged: its entry is in the heap
  top_checked_ = false;
  if (field) --armed_;                       // its entry becomes stale
  field = at;
  if (!at) return;
  ++armed_;
  timer_heap_.push_back({*at, kind, group});
  std::push_heap(timer_heap_.begin(), timer_heap_.end(), later_deadline);
  // Stale entries are kept at most about as many as the live ones: drop
  // them, and the copies a timer set back to an earlier deadline leaves.
  if (timer_heap_.size() > 2 * armed_ + 64) {
    std::erase_if(timer_heap_, [this](const TimerEntry& e) { return !armed(e); });
    const auto key = [](const TimerEntry& e) { return std::tie(e.at, e.kind, e.group); };
    std::sort(timer_heap_.begin(), timer_heap_.end(), [&](const TimerEntry& a, const TimerEntry& b) { return key(a) < key(b); });
    timer_heap_.erase(std::unique(timer_heap_.begin(), timer_heap_.end(),
                                  [&](const TimerEntry& a, const TimerEntry& b) { return key(a) == key(b); }),
                      timer_heap_.end());
    std::make_heap(timer_heap_.begin(), timer_heap_.end(), later_deadline);
  }
}

bool UpstreamHost::armed(const TimerEntry& e) const {
  const auto it = groups_.find(e.group);
  if (it == groups_.end()) return false;
  const Deadline& field = e.kind == TimerKind::Retransmit ? it->second.retransmit_at : it->second.query_response_at;
  return field && *field == e.at;
}

void UpstreamHost::drop_stale_timers() const {
  if (top_checked_) return;
  while (!timer_heap_.empty() && !armed(timer_heap_.front())) {
    std::pop_heap(timer_heap_.begin(), timer_heap_.end(), later_deadline);
    timer_heap_.pop_back();
  }
  top_checked_ = true;
}

std::optional<TimePoint> UpstreamHost::next_deadline() const {
  std::optional<TimePoint> d;
  auto take = [&](const std::optional<TimePoint>& t) {
    if (t && (!d || *t < *d)) d = t;
  };
  take(v1_querier_present_until_);
  take(v2_querier_present_until_);
  take(general_response_at_);
  drop_stale_timers();
  if (!timer_heap_.empty()) take(timer_heap_.front().at);
  return d;
}

void UpstreamHost::forget_if_idle(const CompactAddress& group) {
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
    if (is_member(gs.state)) r.emplace(g.address(), gs.state);
  return r;
}

std::optional<Membership> UpstreamHost::state(const Address& group) const {
  auto it = groups_.find(group);
  if (it == groups_.end() || !is_member(it->second.state)) return std::nullopt;
  return it->second.state;
}

}  // namespace mcproxy::instances
