// Router state of one group on one link: filter mode, group timer, source
// records with their timers, and the report tables of RFC 3376 §6.4 (RFC 3810 §7.4).
#pragma once

#include "instances/router/downstream_router.hpp"
#include "instances/router/router_context.hpp"
#include "instances/router/source_set.hpp"
#include "modules/codec/message.hpp"

#include <cstddef>
#include <optional>

namespace mcproxy::instances {

// The "Send Q(G)" and "Send Q(G,A)" actions a table row asks for (RFC 3376 §6.4.2).
// Only the querier carries them out (§6.6.3).
struct TableActions {
  bool query_group = false;  // Send Q(G)
  SourceSet query_sources;   // Send Q(G,A); empty: no query (§6.4.2 "If A is null ... no query")
};

class GroupState {
 public:
  explicit GroupState(const Address& group) : group_(group) {}

  Address group() const { return group_.address(); }
  FilterMode filter_mode() const { return mode_; }
  // INCLUDE (A): A. EXCLUDE (X,Y): X, the sources with running timers.
  const SourceSet& requested() const { return requested_; }
  // EXCLUDE (X,Y): Y, the sources whose timers are zero. Empty in INCLUDE mode.
  const SourceSet& excluded() const { return excluded_; }

  // Whether anything is forwarded (§6.3): EXCLUDE mode, or INCLUDE with sources.
  bool has_interest() const { return mode_ == FilterMode::Exclude || !requested_.empty(); }
  Membership membership() const;
  // RFC 3376 §6.3 (RFC 3810 §7.3): whether traffic from `source` is to be forwarded.
  bool wants(const Address& source) const;

  // Number of source records after applying a record (for max_sources).
  std::size_t source_count_after(codec::RecordType type, const SourceSet& sources) const;

  // RFC 3376 §6.4.1 (current-state) and §6.4.2 (filter-mode-change and
  // source-list-change) tables: one row per (filter mode, record type).
  TableActions on_record(codec::RecordType type, const SourceSet& sources, Context& ctx);

  // §6.5: the group timer expired (EXCLUDE (X,Y) becomes INCLUDE (X)).
  void on_group_timer(Context& ctx);
  // §6.3 / §6.2.3: a source timer expired.
  void on_source_timer(const Address& source, Context& ctx);

  // §6.6.1: a query without "Suppress Router-Side Processing" lowers timers to LMQT.
  void lower_group_timer(Context& ctx);
  void lower_source_timer(const Address& source, Context& ctx);

  // Remaining time of a timer at ctx.now; zero when not running.
  Duration group_timer_remaining(const Context& ctx) const;
  Duration source_timer_remaining(const Address& source, const Context& ctx) const;

  // Quick leave: what the expiry of a lowered timer would do, done now.
  void expire_group_timer_now(Context& ctx);
  void expire_source_timer_now(const Address& source, Context& ctx);

 private:
  TimerKey group_timer_key() const { return {TimerKind::GroupTimer, group_, CompactAddress{}}; }
  TimerKey source_timer_key(const Address& s) const { return {TimerKind::SourceTimer, group_, s}; }

  // The one place the filter mode changes.
  void set_filter_mode(FilterMode mode, Context& ctx);
  // 'A=J' for one source: a running timer puts it in A / X.
  void set_source_timer(const Address& s, TimePoint deadline, Context& ctx);
  // 'A=0' for one source in EXCLUDE mode: it moves to Y.
  void zero_source_timer(const Address& s, Context& ctx);
  // 'Delete A' for one source.
  void delete_source(const Address& s, Context& ctx);
  void set_group_timer(TimePoint deadline, Context& ctx);

  // RFC 3376 §6.4.1.
  void include_is_in(const SourceSet& b, Context& ctx);
  void include_is_ex(const SourceSet& b, Context& ctx);
  void exclude_is_in(const SourceSet& a, Context& ctx);
  void exclude_is_ex(const SourceSet& a, Context& ctx);
  // RFC 3376 §6.4.2.
  void include_allow(const SourceSet& b, Context& ctx);
  TableActions include_block(const SourceSet& b, Context& ctx);
  TableActions include_to_ex(const SourceSet& b, Context& ctx);
  TableActions include_to_in(const SourceSet& b, Context& ctx);
  void exclude_allow(const SourceSet& a, Context& ctx);
  TableActions exclude_block(const SourceSet& a, Context& ctx);
  TableActions exclude_to_ex(const SourceSet& a, Context& ctx);
  TableActions exclude_to_in(const SourceSet& a, Context& ctx);

  CompactAddress group_;
  FilterMode mode_ = FilterMode::Include;
  SourceSet requested_;  // A or X: every one has a SourceTimer in the queue
  SourceSet excluded_;   // Y: no running timer
};

}  // namespace mcproxy::instances
