// Host side of one upstream interface: received queries and the responses
// they schedule (RFC 3376 §5.2 / RFC 3810 §6.2), older-version queriers (§7.2.1 / §8.2.1).
#include "instances/host/upstream_host.hpp"

#include "instances/host/host_records.hpp"
#include "instances/host/source_sets.hpp"

#include <algorithm>
#include <vector>

namespace mcproxy::instances {

using namespace host_detail;

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
  // RFC 9776 §7.2.1: "It is RECOMMENDED that implementations provide a
  // configuration option to disable use of the Host Compatibility Mode to
  // allow networks to operate only in SSM mode." With it off, an older query
  // neither changes the mode nor is answered (the host stays on IGMPv3/MLDv2).
  if (!options_.compatibility && q.version != codec::Version::IGMPv3 && q.version != codec::Version::MLDv2) {
    counters_.dropped["compatibility-mode-off"]++;
    return;
  }
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
    gs.query_sources = SourceSet(q.sources.begin(), q.sources.end());
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
  std::vector<CompactAddress> queried;
  if (q.group.is_unspecified()) {
    for (const auto& [group, gs] : groups_) queried.push_back(group);
    std::sort(queried.begin(), queried.end());  // random delays drawn in group order
  } else if (groups_.contains(q.group)) {
    queried.push_back(q.group);
  }
  for (const auto& group : queried) {
    GroupState& gs = groups_.at(group);
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
    std::vector<CompactAddress> members;
    for (const auto& [group, gs] : groups_) {
      if (is_member(gs.state)) members.push_back(group);
    }
    std::sort(members.begin(), members.end());  // records in group order
    std::vector<codec::GroupRecord> records;
    for (const auto& group : members) records.push_back(current_state_record(group.address(), groups_.at(group).state));
    send_v3_records(std::move(records), out);
  }

  // Due per-group timers, from the deadline index.
  std::vector<CompactAddress> due_responses;
  std::vector<CompactAddress> due_retransmissions;
  while (!timer_heap_.empty() && timer_heap_.front().at <= now) {
    const TimerEntry e = timer_heap_.front();
    std::pop_heap(timer_heap_.begin(), timer_heap_.end(), later_deadline);
    timer_heap_.pop_back();
    top_checked_ = false;
    if (!armed(e)) continue;  // re-armed or disarmed since
    --armed_;
    GroupState& gs = groups_.at(e.group);
    if (e.kind == TimerKind::QueryResponse) {
      gs.query_response_at.reset();
      due_responses.push_back(e.group);
    } else {
      gs.retransmit_at.reset();
      due_retransmissions.push_back(e.group);
    }
  }
  std::sort(due_responses.begin(), due_responses.end());
  std::sort(due_retransmissions.begin(), due_retransmissions.end());

  // Group timers: expiry rules 2 and 3 (v3), or the v1/v2 delayed report.
  std::vector<codec::GroupRecord> responses;
  for (const auto& key : due_responses) {
    const Address group = key.address();
    GroupState& gs = groups_.at(key);
    auto recorded = std::move(gs.query_sources);
    gs.query_sources.clear();  // RFC 9776 §5.2: the recorded list is cleared once answered
    if (!is_member(gs.state)) continue;  // "if and only if the interface has reception state"
    if (!v3) {
      send_old_report(group, out);
      continue;
    }
    if (recorded.empty()) {
      // 2. Group-Specific Query: the current state.
      responses.push_back(current_state_record(group, gs.state));
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
      send_old_report(g.address(), out);
      if (--gs.old_version_retransmissions > 0)
        arm(g, gs, TimerKind::Retransmit, now + random_delay(options_.timers.unsolicited_report_interval));
    }
  }
  for (const auto& g : due_responses) forget_if_idle(g);
  for (const auto& g : due_retransmissions) forget_if_idle(g);
}

}  // namespace mcproxy::instances
