// DownstreamRouter: composes querier, per-group state, specific queries,
// compatibility and host tracking; validates and dispatches received packets,
// runs timers, and keeps the counters.
#include "instances/router/downstream_router.hpp"

#include "instances/router/compatibility.hpp"
#include "instances/router/group_state.hpp"
#include "instances/router/host_tracking.hpp"
#include "instances/router/packets.hpp"
#include "instances/router/querier.hpp"
#include "instances/router/specific_queries.hpp"
#include "instances/router/timer_queue.hpp"

#include <algorithm>
#include <array>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>

namespace mcproxy::instances {

namespace {

using codec::RecordType;

struct GroupEntry {
  explicit GroupEntry(const Address& group) : state(group) {}
  GroupState state;
  SpecificQueries queries;
  HostTracker hosts;
};

// This router's share of the instance's group budget (GroupBudget): what it
// holds is given back when it is destroyed and taken again by a copy, so the
// instance total stays the sum over its live routers.
class BudgetShare {
 public:
  BudgetShare() = default;
  BudgetShare(const BudgetShare& o) : budget_(o.budget_), held_(o.held_) {
    if (budget_) budget_->used += held_;
  }
  BudgetShare& operator=(const BudgetShare& o) {
    if (this != &o) {
      release();
      budget_ = o.budget_;
      held_ = o.held_;
      if (budget_) budget_->used += held_;
    }
    return *this;
  }
  BudgetShare(BudgetShare&& o) noexcept : budget_(std::move(o.budget_)), held_(std::exchange(o.held_, 0)) {}
  BudgetShare& operator=(BudgetShare&& o) noexcept {
    if (this != &o) {
      release();
      budget_ = std::move(o.budget_);
      held_ = std::exchange(o.held_, 0);
    }
    return *this;
  }
  ~BudgetShare() { release(); }

  // Moves what this router holds to another instance's budget (handover, reconfiguration).
  void rebind(const std::shared_ptr<GroupBudget>& budget) {
    if (budget == budget_) return;
    if (budget_) budget_->used -= held_;
    budget_ = budget;
    if (budget_) budget_->used += held_;
  }
  void add(bool had, bool has) {
    if (had == has) return;
    held_ = has ? held_ + 1 : held_ - 1;
    if (budget_) budget_->used = has ? budget_->used + 1 : budget_->used - 1;
  }
  bool exhausted() const { return budget_ && budget_->exhausted(); }
  std::size_t held() const { return held_; }

 private:
  void release() {
    if (budget_) budget_->used -= held_;
    held_ = 0;
  }
  std::shared_ptr<GroupBudget> budget_;
  std::size_t held_ = 0;  // groups with interest on this router
};

// The per-packet counters, by version and message, kept as numbers and named
// only when read (counting a packet builds no string).
enum class Received : std::uint8_t { Query, Report, Leave };
enum class Sent : std::uint8_t { GeneralQuery, GroupQuery, GroupSourceQuery };
constexpr std::size_t kVersions = 5;  // codec::Version
constexpr std::size_t kMessages = 3;
using CounterTable = std::array<std::uint64_t, kVersions * kMessages>;

std::size_t slot(codec::Version v, auto message) {
  return static_cast<std::size_t>(v) * kMessages + static_cast<std::size_t>(message);
}

const char* received_name(codec::Version v, Received m) {
  switch (m) {
    case Received::Query: return "-query";
    case Received::Report: return "-report";
    case Received::Leave: return v == codec::Version::MLDv1 ? "-done" : "-leave";
  }
  return "";
}

const char* sent_name(Sent m) {
  switch (m) {
    case Sent::GeneralQuery: return "-general-query";
    case Sent::GroupQuery: return "-group-query";
    case Sent::GroupSourceQuery: return "-group-source-query";
  }
  return "";
}

// Records that can make a group wanted that was not (for max_groups).
bool creates_interest(RecordType type, const SourceSet& sources) {
  return type == RecordType::ModeIsExclude || type == RecordType::ChangeToExcludeMode ||
         (type != RecordType::BlockOldSources && !sources.empty());
}

}  // namespace

struct DownstreamRouter::Impl {
  Impl(std::string ifname, DownstreamOptions opts)
      : interface(std::move(ifname)),
        options(std::move(opts)),
        family(config::family_of(options.protocol)),
        querier(options.timers) {
    share.rebind(options.instance_budget);
  }

  std::string interface;
  DownstreamOptions options;
  Family family;
  Querier querier;
  // Every timer, and the state of each group in its timer table node (one
  // hashed node per group: doc/performance.md, "Memory per group").
  BasicTimerQueue<GroupEntry> queue;
  Counters counters;         // the rare ones, by name (drops, older-version queries)
  CounterTable received{};   // per packet, see slot()
  CounterTable sent{};
  mutable Counters named;    // counters with the tables named in, as counters() returns them
  BudgetShare share;                           // groups with interest, counted into the instance's budget
  std::map<Address, std::size_t> host_groups;  // tracked host -> groups it has joined here

  bool tracks(const GroupEntry& entry, const Address& host) const {
    return !host.is_unspecified() && entry.hosts.interests().contains(host);
  }
  void host_count(const Address& host, bool had, bool has) {
    if (had == has) return;
    if (has) {
      ++host_groups[host];
    } else if (auto it = host_groups.find(host); it != host_groups.end() && --it->second == 0) {
      host_groups.erase(it);
    }
  }

  // Transitions recorded in this context go to `out` (Effects::transitions).
  Context context(TimePoint now, Effects& out) {
    return Context{now, querier.effective_timers(), queue, TransitionLog{&out.transitions, &interface}};
  }
  CompatibilityMode configured_level() const { return level_of(options.protocol); }
  codec::Version query_version() const { return to_version(configured_level(), family); }

  void drop(const std::string& reason) { ++counters.dropped[reason]; }
  void refuse(const std::string& reason, const Address& host, const Address& group, Effects& out) {
    drop(reason);
    out.refusals.push_back({interface, reason, host, group});
  }

  std::optional<Membership> membership_of(const Address& group) const {
    const GroupEntry* entry = queue.payload(group);
    if (!entry || !entry->state.has_interest()) return std::nullopt;
    return entry->state.membership();
  }

  // Deletes a group record that forwards nothing and has no queries left
  // (RFC 3376 §6.5, §6.2.3), with all its timers (compatibility, hosts).
  void collect_garbage(const Address& group) {
    const GroupEntry* entry = queue.payload(group);
    if (!entry) return;
    if (entry->state.has_interest() || entry->queries.pending()) return;
    for (const auto& [host, interest] : entry->hosts.interests()) host_count(host.address(), true, false);
    queue.erase_group(group);
  }

  // --- Sending ---------------------------------------------------------------

  void send(codec::Packet packet, Sent counter, Effects& out) {
    ++sent[slot(query_version(), counter)];
    out.packets.push_back({interface, std::move(packet)});
  }

  void send_general_query(Effects& out) {
    const auto& own = querier.own_address();
    if (!own) return;
    // The querier's own values: adopted ones end when we become querier.
    const config::Timers timers = querier.effective_timers();
    QueryParameters p;
    p.version = query_version();
    p.source = *own;
    p.group = unspecified(family);
    p.max_response_time = timers.query_response_interval;
    p.robustness = timers.robustness;
    p.query_interval = timers.query_interval;
    send(make_query(p), Sent::GeneralQuery, out);
  }

  void carry_out(const QuerierActions& actions, Effects& out) {
    if (actions.stopped_querying) stop_specific_queries();
    if (actions.send_general_query) send_general_query(out);
  }

  // §6.6.2: a router that ceases to be the querier sends no more queries.
  void stop_specific_queries() {
    queue.for_each_payload([this](const CompactAddress& group, GroupEntry& entry) {
      entry.queries.clear();
      queue.cancel({TimerKind::QueryRetransmission, group, Address{}});
      collect_garbage(group.address());
    });
  }

  // One transmission of the pending specific queries of a group, and the next
  // one [Last Member Query Interval] later (RFC 3376 §6.6.3).
  void transmit_specific_queries(GroupEntry& entry, const Context& ctx, Effects& out) {
    const Address group = entry.state.group();
    const TimerKey key{TimerKind::QueryRetransmission, group, Address{}};
    const auto& own = querier.own_address();
    if (querier.state() != QuerierState::Querier || !own) {
      entry.queries.clear();
      queue.cancel(key);
      return;
    }
    for (auto& q : entry.queries.transmit(entry.state, ctx)) {
      QueryParameters p;
      p.version = query_version();
      p.source = *own;
      p.group = group;
      p.max_response_time = ctx.timers.last_member_query_interval;
      p.suppress_router_side_processing = q.suppress_router_side_processing;
      p.robustness = ctx.timers.robustness;
      p.query_interval = ctx.timers.query_interval;
      const bool with_sources = !q.sources.empty();
      p.sources = std::move(q.sources);
      send(make_query(p), with_sources ? Sent::GroupSourceQuery : Sent::GroupQuery, out);
    }
    if (entry.queries.pending()) {
      queue.schedule(key, ctx.now + ctx.timers.last_member_query_interval);
    } else {
      queue.cancel(key);
    }
  }

  // The "Send Q(G)" / "Send Q(G,A)" actions of a table row (§6.6.3), and quick
  // leave: what explicit tracking shows nobody wants goes at once, what some
  // tracked host still wants is not queried at all (doc/protocol.md).
  void carry_out(GroupEntry& entry, TableActions actions, Context& ctx, Effects& out) {
    if (configured_level() < CompatibilityMode::V3) actions.query_sources.clear();  // no Q(G,A) in v1/v2
    if (configured_level() == CompatibilityMode::V1) actions.query_group = false;   // no Q(G) in IGMPv1
    // Quick leave sorts each queried item: a tracked host still wants it (no
    // query), only an anonymous (0.0.0.0) reporter may want it (the RFC's
    // Last Member Query processing), or nobody wants it (removed at once).
    bool remove_group_now = false;
    SourceSet remove_sources_now;
    if (options.quick_leave) {
      if (actions.query_group) {
        if (entry.hosts.anyone_in_exclude()) {
          actions.query_group = false;
        } else {
          remove_group_now = !entry.hosts.anonymous_in_exclude();
        }
      }
      for (auto it = actions.query_sources.begin(); it != actions.query_sources.end();) {
        if (entry.hosts.anyone_wants_source(*it)) {
          it = actions.query_sources.erase(it);
          continue;
        }
        if (!entry.hosts.anonymous_wants_source(*it)) remove_sources_now.insert(*it);
        ++it;
      }
    }
    if (querier.state() == QuerierState::Querier && (actions.query_group || !actions.query_sources.empty())) {
      if (actions.query_group) entry.queries.add_group_query(entry.state, ctx);
      if (!actions.query_sources.empty()) entry.queries.add_source_queries(actions.query_sources, entry.state, ctx);
      transmit_specific_queries(entry, ctx, out);
    }
    if (remove_group_now) entry.state.expire_group_timer_now(ctx);
    for (const auto& s : remove_sources_now) entry.state.expire_source_timer_now(s, ctx);
  }

  // The group's compatibility mode; with compatibility off (possibly set at
  // runtime) Host Present timers still running from before do not count.
  CompatibilityMode current_mode(const Address& group) const {
    return options.compatibility ? group_compatibility_mode(group, queue, configured_level()) : configured_level();
  }

  // RFC 3376 §7.3.2 / RFC 3810 §8.3.2: the Group Compatibility Mode follows
  // the Older Host Present timers; it has no setter, so changes are logged
  // where a report sets a timer or a timer expires.
  void log_compatibility(const Address& group, CompatibilityMode from, CompatibilityMode to, const Context& ctx) {
    if (from == to) return;
    ctx.log.record("group " + group.to_string() + " compatibility mode", codec::to_string(to_version(from, family)),
                   codec::to_string(to_version(to, family)));
  }

  // --- Reports -----------------------------------------------------------------

  // One group record from `host`, after the packet checks: compatibility
  // translation (§7.3.2), limits, host tracking, the §6.4 table, the queries.
  void process_record(const Address& host, const Address& group, RecordType type, const SourceSet& sources,
                      std::optional<CompatibilityMode> older_version, Context& ctx, Effects& out) {
    if (!group.is_multicast() || family_of(group) != family) return drop("bad-group");
    if (is_link_local_group(group)) return drop("link-local-group");

    const GroupEntry* known = queue.payload(group);
    const bool had_interest = known && known->state.has_interest();
    const bool host_known = known && tracks(*known, host);
    // Limits: checked in O(1) (counts kept as state changes), so refusing a
    // flood costs no more than accepting a report.
    if (creates_interest(type, sources)) {
      if (!host_known && !host.is_unspecified() && options.max_groups_per_host) {
        const auto h = host_groups.find(host);
        if (h != host_groups.end() && h->second >= *options.max_groups_per_host)
          return refuse("max-groups-per-host", host, group, out);
      }
      if (!had_interest && options.max_groups && share.held() >= *options.max_groups)
        return refuse("max-groups", host, group, out);
      if (!had_interest && share.exhausted()) return refuse("max-groups-instance", host, group, out);
    }
    GroupEntry& entry = queue.emplace_payload(group, group);
    const CompatibilityMode mode_before = current_mode(group);
    if (older_version) note_older_host(group, *older_version, ctx);

    const CompatibilityMode mode = current_mode(group);
    log_compatibility(group, mode_before, mode, ctx);
    const auto record = translate(mode, type, sources);
    if (!record) {
      drop("ignored-in-" + version_name(to_version(mode, family)) + "-mode");
      return collect_garbage(group);
    }
    if (options.max_sources && entry.state.source_count_after(record->type, record->sources) > *options.max_sources) {
      refuse("max-sources", host, group, out);
      return collect_garbage(group);
    }

    const auto before = membership_of(group);
    entry.hosts.on_record(group, host, record->type, record->sources, ctx);
    host_count(host, host_known, tracks(entry, host));
    carry_out(entry, entry.state.on_record(record->type, record->sources, ctx), ctx, out);
    const auto after = membership_of(group);
    share.add(before.has_value(), after.has_value());
    if (after != before) out.changed_groups.insert(group);
    collect_garbage(group);
  }

  // Checks every received message must pass (RFC 3376 §4, §9; RFC 3810 §5,
  // §7.4, §7.6): family, TTL / Hop Limit 1, MLD from a link-local source with
  // Router Alert, never from ourselves. Returns the drop reason, if any.
  std::optional<std::string> envelope_error(const codec::Packet& p, codec::Version v) const {
    if (codec::family_of(v) != family || family_of(p.source) != family || family_of(p.destination) != family) {
      return "wrong-family";
    }
    if (querier.own_address() && p.source == *querier.own_address()) return "own-packet";
    if (p.ttl != 1) return "bad-ttl";
    if (family == Family::V6) {
      if (!is_link_local_unicast(p.source)) return "source-not-link-local";
      if (!p.router_alert) return "no-router-alert";
    } else if (p.source.is_multicast() || p.source.to_v4() == AddressV4::broadcast()) {
      return "bad-source";
    }
    return std::nullopt;
  }

  bool to_us(const Address& destination) const {
    return querier.own_address() && destination == *querier.own_address();
  }

  void handle_v3_report(const codec::Packet& p, const codec::V3Report& r, Context& ctx, Effects& out) {
    if (auto error = envelope_error(p, r.version)) return drop(*error);
    if (configured_level() < CompatibilityMode::V3) return drop("version-not-enabled");
    // RFC 3376 §4.2.14 / RFC 3810 §5.2.14: to 224.0.0.22 / ff02::16; we also
    // take one sent to us, or to the group when all records are about it.
    bool to_group = !r.records.empty();
    for (const auto& rec : r.records) to_group = to_group && rec.group == p.destination;
    if (p.destination != v3_reports(family) && !to_us(p.destination) && !to_group) return drop("bad-destination");
    for (const auto& rec : r.records) {
      process_record(p.source, rec.group, rec.type, to_source_set(rec.sources), std::nullopt, ctx, out);
    }
  }

  // RFC 3376 §7.3.2 / RFC 3810 §8.3.2: an IGMPv1/v2 or MLDv1 report is IS_EX({}).
  void handle_report(const codec::Packet& p, const codec::MembershipReport& r, Context& ctx, Effects& out) {
    // Taken whatever the configured version: §7.3.2 IGMPv1 mode translates
    // IGMPv2 reports as well.
    if (auto error = envelope_error(p, r.version)) return drop(*error);
    if (!options.compatibility) return drop("compatibility-mode-off");
    // Sent to the group (RFC 2236 §3); RFC 3376 §4.2.14: also any of our addresses.
    if (p.destination != r.group && !to_us(p.destination)) return drop("bad-destination");
    process_record(p.source, r.group, RecordType::ModeIsExclude, {}, level_of(r.version), ctx, out);
  }

  // RFC 3376 §7.3.2 / RFC 3810 §8.3.2: a Leave / Done is TO_IN({}).
  void handle_leave(const codec::Packet& p, const codec::LeaveGroup& l, Context& ctx, Effects& out) {
    // In IGMPv1 mode (configured or compatibility) translate() ignores it (§7.3.2).
    if (auto error = envelope_error(p, l.version)) return drop(*error);
    if (!options.compatibility) return drop("compatibility-mode-off");
    // To all-routers (RFC 2236 §3, RFC 2710 §3.7); some hosts use the group.
    if (p.destination != all_routers(family) && p.destination != l.group && !to_us(p.destination)) {
      return drop("bad-destination");
    }
    process_record(p.source, l.group, RecordType::ChangeToIncludeMode, {}, std::nullopt, ctx, out);
  }

  // --- Queries -------------------------------------------------------------------

  void handle_query(const codec::Packet& p, const codec::Query& q, Context& ctx, Effects& out) {
    if (auto error = envelope_error(p, q.version)) return drop(*error);
    if (family == Family::V4 && p.source.is_unspecified()) return drop("bad-source");  // cannot take part in the election
    const bool general = q.group.is_unspecified();
    // RFC 3376 §4.1.12: General Queries to all-systems, specific ones to the
    // group; "a system MUST accept and process any Query whose IP Destination
    // Address field contains any of the addresses ... assigned to the interface".
    if (general) {
      if (p.destination != all_systems(family) && !to_us(p.destination)) return drop("bad-destination");
    } else {
      if (!q.group.is_multicast() || family_of(q.group) != family) return drop("bad-group");
      if (p.destination != q.group && p.destination != all_systems(family) && !to_us(p.destination)) {
        return drop("bad-destination");
      }
    }
    // RFC 3376 §7.3.1: a router not configured for an older version SHOULD
    // warn (rate-limited) when it hears an older version query; counted here.
    if (level_of(q.version) < configured_level()) ++counters.received["older-version-query"];

    // Election: RFC 9776 §6.6.2 counts General Queries; RFC 3810 §7.6.2 any query.
    if (general || family == Family::V6) {
      carry_out(querier.on_query(p.source, q, ctx), out);
      ctx.timers = querier.effective_timers();
    }
    // §6.6.1: a query with the S flag clear lowers the timers it asks about to LMQT.
    if (general || q.suppress_router_side_processing) return;
    GroupEntry* entry = queue.payload(q.group);
    if (!entry) return;
    if (q.sources.empty()) {
      entry->state.lower_group_timer(ctx);
    } else {
      for (const auto& s : q.sources) entry->state.lower_source_timer(s, ctx);
    }
  }

  // --- Timers --------------------------------------------------------------------

  void run_due(TimePoint now, Effects& out) {
    while (auto due = queue.pop_due(now)) {
      Context ctx = context(due->second, out);
      dispatch(due->first, ctx, out);
    }
  }

  void dispatch(const TimerKey& key, Context& ctx, Effects& out) {
    switch (key.kind) {
      case TimerKind::GeneralQuery:
        return carry_out(querier.on_general_query_timer(ctx), out);
      case TimerKind::OtherQuerierPresent:
        return carry_out(querier.on_other_querier_present_timer(ctx), out);
      default:
        break;
    }
    GroupEntry* found = queue.payload(key.group);
    if (!found) return;
    GroupEntry& entry = *found;
    const Address group = key.group.address();
    const Address item = key.item.address();
    const auto before = membership_of(group);
    switch (key.kind) {
      case TimerKind::GroupTimer: entry.state.on_group_timer(ctx); break;
      case TimerKind::SourceTimer: entry.state.on_source_timer(item, ctx); break;
      case TimerKind::QueryRetransmission: transmit_specific_queries(entry, ctx, out); break;
      case TimerKind::HostInterest: {
        const bool had = tracks(entry, item);
        entry.hosts.on_expiry(item);
        host_count(item, had, tracks(entry, item));
        break;
      }
      case TimerKind::V1HostPresent:
      case TimerKind::V2HostPresent: {
        if (!options.compatibility) break;
        // The compatibility mode follows from the queue. The expired timer is
        // off it already: the mode before was the one with this timer running.
        const CompatibilityMode after = group_compatibility_mode(group, queue, configured_level());
        const CompatibilityMode running = key.kind == TimerKind::V1HostPresent ? CompatibilityMode::V1
                                                                              : std::min(CompatibilityMode::V2, after);
        log_compatibility(group, std::min(running, configured_level()), after, ctx);
        break;
      }
      default: break;
    }
    const auto after = membership_of(group);
    share.add(before.has_value(), after.has_value());
    if (after != before) out.changed_groups.insert(group);
    collect_garbage(group);
  }
};

// --- Public API ----------------------------------------------------------------------

DownstreamRouter::DownstreamRouter(std::string interface, DownstreamOptions options)
    : impl_(std::make_unique<Impl>(std::move(interface), std::move(options))) {}
DownstreamRouter::~DownstreamRouter() = default;
DownstreamRouter::DownstreamRouter(const DownstreamRouter& other) : impl_(std::make_unique<Impl>(*other.impl_)) {}
DownstreamRouter& DownstreamRouter::operator=(const DownstreamRouter& other) {
  if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
  return *this;
}
DownstreamRouter::DownstreamRouter(DownstreamRouter&&) noexcept = default;
DownstreamRouter& DownstreamRouter::operator=(DownstreamRouter&&) noexcept = default;

const std::string& DownstreamRouter::interface() const { return impl_->interface; }

void DownstreamRouter::set_address(const Address& own, TimePoint now, Effects& out) {
  impl_->run_due(now, out);
  if (family_of(own) != impl_->family) return impl_->drop("own-address-wrong-family");
  Context ctx = impl_->context(now, out);
  impl_->carry_out(impl_->querier.set_address(own, ctx), out);
}

void DownstreamRouter::detach_budget() {
  impl_->options.instance_budget.reset();
  impl_->share.rebind(nullptr);
}

void DownstreamRouter::start(TimePoint now, Effects& out) {
  impl_->run_due(now, out);
  Context ctx = impl_->context(now, out);
  impl_->carry_out(impl_->querier.start(ctx), out);
}

void DownstreamRouter::stop(TimePoint now, Effects& out) {
  impl_->run_due(now, out);
  Context ctx = impl_->context(now, out);
  impl_->querier.stop(ctx);
  impl_->stop_specific_queries();
}

void DownstreamRouter::reconfigure(const DownstreamOptions& options, TimePoint now, Effects& out) {
  impl_->run_due(now, out);
  if (config::family_of(options.protocol) != impl_->family) {
    // Another address family is another protocol: nothing carries over.
    for (const auto& [group, membership] : memberships()) out.changed_groups.insert(group);
    const auto own = impl_->querier.own_address();
    const bool started = impl_->querier.started();
    impl_ = std::make_unique<Impl>(impl_->interface, options);
    if (own && family_of(*own) == impl_->family) set_address(*own, now, out);
    if (started) start(now, out);
    return;
  }
  const bool lower_version = level_of(options.protocol) < impl_->configured_level();
  impl_->options = options;
  impl_->share.rebind(options.instance_budget);
  // Pending Q(G,A) cannot be sent in IGMPv1/v2 or MLDv1 form.
  if (lower_version) impl_->stop_specific_queries();
  Context ctx = impl_->context(now, out);
  impl_->querier.reconfigure(options.timers, ctx);
}

void DownstreamRouter::handle(const codec::Packet& packet, TimePoint now, Effects& out) {
  impl_->run_due(now, out);
  Context ctx = impl_->context(now, out);
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, codec::Query>) {
          ++impl_->received[slot(m.version, Received::Query)];
          impl_->handle_query(packet, m, ctx, out);
        } else if constexpr (std::is_same_v<T, codec::MembershipReport>) {
          ++impl_->received[slot(m.version, Received::Report)];
          impl_->handle_report(packet, m, ctx, out);
        } else if constexpr (std::is_same_v<T, codec::LeaveGroup>) {
          ++impl_->received[slot(m.version, Received::Leave)];
          impl_->handle_leave(packet, m, ctx, out);
        } else {
          ++impl_->received[slot(m.version, Received::Report)];
          impl_->handle_v3_report(packet, m, ctx, out);
        }
      },
      packet.message);
}

void DownstreamRouter::on_timer(TimePoint now, Effects& out) { impl_->run_due(now, out); }

std::optional<TimePoint> DownstreamRouter::next_deadline() const { return impl_->queue.next_deadline(); }

std::map<Address, Membership> DownstreamRouter::memberships() const {
  std::map<Address, Membership> out;
  std::as_const(impl_->queue).for_each_payload([&out](const CompactAddress& group, const GroupEntry& entry) {
    if (entry.state.has_interest()) out.emplace(group.address(), entry.state.membership());
  });
  return out;
}

std::optional<Membership> DownstreamRouter::membership(const Address& group) const {
  return impl_->membership_of(group);
}

bool DownstreamRouter::wants(const Address& group, const Address& source) const {
  const GroupEntry* entry = std::as_const(impl_->queue).payload(group);
  return entry && entry->state.wants(source);
}

bool DownstreamRouter::is_querier() const { return impl_->querier.state() == QuerierState::Querier; }

config::Timers DownstreamRouter::timers() const { return impl_->querier.effective_timers(); }

std::optional<Address> DownstreamRouter::querier_address() const {
  return impl_->querier.querier_address(impl_->queue);
}

codec::Version DownstreamRouter::compatibility_mode(const Address& group) const {
  return to_version(impl_->current_mode(group), impl_->family);
}

std::set<Address> DownstreamRouter::hosts(const Address& group) const {
  const GroupEntry* entry = std::as_const(impl_->queue).payload(group);
  if (!entry) return {};
  return entry->hosts.hosts(group);
}

const DownstreamRouter::Counters& DownstreamRouter::counters() const {
  Counters& named = impl_->named;
  named = impl_->counters;
  for (std::size_t v = 0; v < kVersions; ++v) {
    const auto version = static_cast<codec::Version>(v);
    for (const auto m : {Received::Query, Received::Report, Received::Leave}) {
      if (const auto n = impl_->received[slot(version, m)]) named.received[version_name(version) + received_name(version, m)] += n;
    }
    for (const auto m : {Sent::GeneralQuery, Sent::GroupQuery, Sent::GroupSourceQuery}) {
      if (const auto n = impl_->sent[slot(version, m)]) named.sent[version_name(version) + sent_name(m)] += n;
    }
  }
  return named;
}

std::optional<TimePoint> DownstreamRouter::group_timer(const Address& group) const {
  return impl_->queue.deadline(TimerKey{TimerKind::GroupTimer, group, Address{}});
}

std::optional<TimePoint> DownstreamRouter::source_timer(const Address& group, const Address& source) const {
  return impl_->queue.deadline(TimerKey{TimerKind::SourceTimer, group, source});
}

std::size_t DownstreamRouter::groups_with_interest() const { return impl_->share.held(); }

std::size_t DownstreamRouter::groups_of_host(const Address& host) const {
  const auto it = impl_->host_groups.find(host);
  return it == impl_->host_groups.end() ? 0 : it->second;
}

unsigned DownstreamRouter::pending_group_queries(const Address& group) const {
  const GroupEntry* entry = std::as_const(impl_->queue).payload(group);
  return entry ? entry->queries.group_retransmissions() : 0;
}

}  // namespace mcproxy::instances
