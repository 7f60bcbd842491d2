// The per-group router state machine: RFC 3376 §6.2-§6.5 (RFC 3810 §7.2-§7.5),
// one function per table row, the row quoted above it.
#include "instances/router/group_state.hpp"

#include <algorithm>

namespace mcproxy::instances {

using codec::RecordType;

Membership GroupState::membership() const {
  if (mode_ == FilterMode::Include) return {FilterMode::Include, requested_};
  return {FilterMode::Exclude, excluded_};
}

bool GroupState::wants(const Address& source) const {
  // §6.3: INCLUDE: forward sources with running timers; EXCLUDE: forward all
  // but the sources whose timers are zero (Y).
  if (mode_ == FilterMode::Include) return requested_.contains(source);
  return !excluded_.contains(source);
}

std::size_t GroupState::source_count_after(RecordType type, const SourceSet& b) const {
  switch (type) {
    case RecordType::ModeIsExclude:
    case RecordType::ChangeToExcludeMode:
      // EXCLUDE (A*B, B-A) or EXCLUDE (A-Y, Y*A): exactly the reported sources.
      return b.size();
    case RecordType::BlockOldSources:
      if (mode_ == FilterMode::Include) return requested_.size();  // INCLUDE (A)
      break;                                                       // EXCLUDE (X+(A-Y), Y)
    default:
      break;
  }
  return (requested_ + excluded_ + b).size();
}

TableActions GroupState::on_record(RecordType type, const SourceSet& s, Context& ctx) {
  if (mode_ == FilterMode::Include) {
    switch (type) {
      case RecordType::ModeIsInclude: include_is_in(s, ctx); return {};
      case RecordType::ModeIsExclude: include_is_ex(s, ctx); return {};
      case RecordType::AllowNewSources: include_allow(s, ctx); return {};
      case RecordType::BlockOldSources: return include_block(s, ctx);
      case RecordType::ChangeToExcludeMode: return include_to_ex(s, ctx);
      case RecordType::ChangeToIncludeMode: return include_to_in(s, ctx);
    }
    return {};
  }
  switch (type) {
    case RecordType::ModeIsInclude: exclude_is_in(s, ctx); return {};
    case RecordType::ModeIsExclude: exclude_is_ex(s, ctx); return {};
    case RecordType::AllowNewSources: exclude_allow(s, ctx); return {};
    case RecordType::BlockOldSources: return exclude_block(s, ctx);
    case RecordType::ChangeToExcludeMode: return exclude_to_ex(s, ctx);
    case RecordType::ChangeToIncludeMode: return exclude_to_in(s, ctx);
  }
  return {};
}

// --- §6.4.1 Reception of Current-State Records -------------------------------

// INCLUDE (A)    IS_IN (B)     INCLUDE (A+B)        (B)=GMI
void GroupState::include_is_in(const SourceSet& b, Context& ctx) {
  for (const auto& s : b) set_source_timer(s, ctx.gmi(), ctx);
}

// INCLUDE (A)    IS_EX (B)     EXCLUDE (A*B,B-A)    (B-A)=0
//                                                   Delete (A-B)
//                                                   Group Timer=GMI
void GroupState::include_is_ex(const SourceSet& b, Context& ctx) {
  const SourceSet a = requested_;
  set_filter_mode(FilterMode::Exclude, ctx);
  for (const auto& s : a - b) delete_source(s, ctx);
  for (const auto& s : b - a) zero_source_timer(s, ctx);
  set_group_timer(ctx.gmi(), ctx);
}

// EXCLUDE (X,Y)  IS_IN (A)     EXCLUDE (X+A,Y-A)    (A)=GMI
void GroupState::exclude_is_in(const SourceSet& a, Context& ctx) {
  for (const auto& s : a) set_source_timer(s, ctx.gmi(), ctx);
}

// EXCLUDE (X,Y)  IS_EX (A)     EXCLUDE (A-Y,Y*A)    (A-X-Y)=GMI
//                                                   Delete (X-A)
//                                                   Delete (Y-A)
//                                                   Group Timer=GMI
void GroupState::exclude_is_ex(const SourceSet& a, Context& ctx) {
  const SourceSet x = requested_;
  const SourceSet y = excluded_;
  for (const auto& s : a - x - y) set_source_timer(s, ctx.gmi(), ctx);
  for (const auto& s : x - a) delete_source(s, ctx);
  for (const auto& s : y - a) delete_source(s, ctx);
  set_group_timer(ctx.gmi(), ctx);
}

// --- §6.4.2 Reception of Filter-Mode-Change and Source-List-Change Records ---

// INCLUDE (A)    ALLOW (B)    INCLUDE (A+B)         (B)=GMI
void GroupState::include_allow(const SourceSet& b, Context& ctx) {
  for (const auto& s : b) set_source_timer(s, ctx.gmi(), ctx);
}

// INCLUDE (A)    BLOCK (B)    INCLUDE (A)           Send Q(G,A*B)
TableActions GroupState::include_block(const SourceSet& b, Context&) {
  return {false, requested_ * b};
}

// INCLUDE (A)    TO_EX (B)    EXCLUDE (A*B,B-A)     (B-A)=0
//                                                   Delete (A-B)
//                                                   Send Q(G,A*B)
//                                                   Group Timer=GMI
TableActions GroupState::include_to_ex(const SourceSet& b, Context& ctx) {
  const SourceSet a = requested_;
  set_filter_mode(FilterMode::Exclude, ctx);
  for (const auto& s : a - b) delete_source(s, ctx);
  for (const auto& s : b - a) zero_source_timer(s, ctx);
  set_group_timer(ctx.gmi(), ctx);
  return {false, a * b};
}

// INCLUDE (A)    TO_IN (B)    INCLUDE (A+B)         (B)=GMI
//                                                   Send Q(G,A-B)
TableActions GroupState::include_to_in(const SourceSet& b, Context& ctx) {
  const SourceSet a = requested_;
  for (const auto& s : b) set_source_timer(s, ctx.gmi(), ctx);
  return {false, a - b};
}

// EXCLUDE (X,Y)  ALLOW (A)    EXCLUDE (X+A,Y-A)     (A)=GMI
void GroupState::exclude_allow(const SourceSet& a, Context& ctx) {
  for (const auto& s : a) set_source_timer(s, ctx.gmi(), ctx);
}

// EXCLUDE (X,Y)  BLOCK (A)    EXCLUDE (X+(A-Y),Y)   (A-X-Y)=Group Timer
//                                                   Send Q(G,A-Y)
TableActions GroupState::exclude_block(const SourceSet& a, Context& ctx) {
  const SourceSet x = requested_;
  const SourceSet y = excluded_;
  const auto group_timer = ctx.queue.deadline(group_timer_key());
  for (const auto& s : a - x - y) {
    // EXCLUDE mode always has a running group timer; if it just expired
    // (same instant), the source starts at zero like Y.
    if (group_timer) {
      set_source_timer(s, *group_timer, ctx);
    } else {
      zero_source_timer(s, ctx);
    }
  }
  return {false, a - y};
}

// EXCLUDE (X,Y)  TO_EX (A)    EXCLUDE (A-Y,Y*A)     (A-X-Y)=Group Timer
//                                                   Delete (X-A)
//                                                   Delete (Y-A)
//                                                   Send Q(G,A-Y)
//                                                   Group Timer=GMI
TableActions GroupState::exclude_to_ex(const SourceSet& a, Context& ctx) {
  const SourceSet x = requested_;
  const SourceSet y = excluded_;
  const auto group_timer = ctx.queue.deadline(group_timer_key());
  for (const auto& s : a - x - y) {
    if (group_timer) {
      set_source_timer(s, *group_timer, ctx);
    } else {
      zero_source_timer(s, ctx);
    }
  }
  for (const auto& s : x - a) delete_source(s, ctx);
  for (const auto& s : y - a) delete_source(s, ctx);
  set_group_timer(ctx.gmi(), ctx);
  return {false, a - y};
}

// EXCLUDE (X,Y)  TO_IN (A)    EXCLUDE (X+A,Y-A)     (A)=GMI
//                                                   Send Q(G,X-A)
//                                                   Send Q(G)
TableActions GroupState::exclude_to_in(const SourceSet& a, Context& ctx) {
  const SourceSet x = requested_;
  for (const auto& s : a) set_source_timer(s, ctx.gmi(), ctx);
  return {true, x - a};
}

// --- Timer expiry -------------------------------------------------------------

// §6.5: "When a router's filter-mode for a group is EXCLUDE and the group timer
// expires, the router filter-mode for the group transitions to INCLUDE" with
// the sources whose timers are running (X); sources at zero (Y) are deleted.
void GroupState::on_group_timer(Context& ctx) {
  if (mode_ != FilterMode::Exclude) return;  // the group timer is only used in EXCLUDE mode (§6.2.2)
  for (const auto& s : SourceSet(excluded_)) delete_source(s, ctx);
  set_filter_mode(FilterMode::Include, ctx);
}

// §6.3: INCLUDE, TIMER == 0: stop forwarding, remove the source record.
//       EXCLUDE, TIMER == 0: stop forwarding, keep the record (it joins Y).
void GroupState::on_source_timer(const Address& source, Context& ctx) {
  if (!requested_.contains(source)) return;
  if (mode_ == FilterMode::Include) {
    delete_source(source, ctx);
  } else {
    zero_source_timer(source, ctx);
  }
}

void GroupState::lower_group_timer(Context& ctx) {
  const auto deadline = ctx.queue.deadline(group_timer_key());
  if (deadline && *deadline > ctx.lmqt()) ctx.queue.schedule(group_timer_key(), ctx.lmqt());
}

void GroupState::lower_source_timer(const Address& source, Context& ctx) {
  const auto deadline = ctx.queue.deadline(source_timer_key(source));
  if (deadline && *deadline > ctx.lmqt()) ctx.queue.schedule(source_timer_key(source), ctx.lmqt());
}

Duration GroupState::group_timer_remaining(const Context& ctx) const {
  const auto deadline = ctx.queue.deadline(group_timer_key());
  if (!deadline || *deadline <= ctx.now) return Duration{0};
  return std::chrono::duration_cast<Duration>(*deadline - ctx.now);
}

Duration GroupState::source_timer_remaining(const Address& source, const Context& ctx) const {
  const auto deadline = ctx.queue.deadline(source_timer_key(source));
  if (!deadline || *deadline <= ctx.now) return Duration{0};
  return std::chrono::duration_cast<Duration>(*deadline - ctx.now);
}

void GroupState::expire_group_timer_now(Context& ctx) {
  ctx.queue.cancel(group_timer_key());
  on_group_timer(ctx);
}

void GroupState::expire_source_timer_now(const Address& source, Context& ctx) {
  ctx.queue.cancel(source_timer_key(source));
  on_source_timer(source, ctx);
}

// --- State changes ---------------------------------------------------------------

const char* to_string(FilterMode mode) { return mode == FilterMode::Include ? "INCLUDE" : "EXCLUDE"; }

void GroupState::set_filter_mode(FilterMode mode, Context& ctx) {
  if (mode_ == mode) return;
  // RFC 3376 §6.2.1 / RFC 3810 §7.2.1: the router filter mode of the group.
  ctx.log.record("group " + group().to_string() + " router filter mode", to_string(mode_), to_string(mode));
  mode_ = mode;
  if (mode == FilterMode::Include) {
    // INCLUDE mode has no Y and no group timer (§6.2.2).
    excluded_.clear();
    ctx.queue.cancel(group_timer_key());
  }
}

void GroupState::set_source_timer(const Address& s, TimePoint deadline, Context& ctx) {
  ctx.queue.schedule(source_timer_key(s), deadline);
  excluded_.erase(s);
  requested_.insert(s);
}

void GroupState::zero_source_timer(const Address& s, Context& ctx) {
  ctx.queue.cancel(source_timer_key(s));
  requested_.erase(s);
  // Only EXCLUDE mode keeps records of sources with a zero timer (§6.2.3).
  if (mode_ == FilterMode::Exclude) excluded_.insert(s);
}

void GroupState::delete_source(const Address& s, Context& ctx) {
  ctx.queue.cancel(source_timer_key(s));
  requested_.erase(s);
  excluded_.erase(s);
}

void GroupState::set_group_timer(TimePoint deadline, Context& ctx) {
  ctx.queue.schedule(group_timer_key(), deadline);
}

}  // namespace mcproxy::instances
