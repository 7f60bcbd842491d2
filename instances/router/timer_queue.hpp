// Every RFC timer of one downstream router, keyed by what it belongs to, in one
// ordered queue: earliest deadline first, ties in the order they were set.
#pragma once

#include "modules/common/address.hpp"
#include "modules/common/clock.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

namespace mcproxy::instances {

// One kind per RFC timer (RFC 3376 §6.2, §6.6, §7.3.2, §8; RFC 3810 §7, §8.3.2).
enum class TimerKind : std::uint8_t {
  GeneralQuery,         // next (startup or periodic) General Query, §6.6 / §8.6, §8.7
  OtherQuerierPresent,  // §6.6.2, §8.5
  GroupTimer,           // per group (MLD: Filter Timer), §6.2.2
  SourceTimer,          // per (group, source), §6.2.3
  QueryRetransmission,  // next specific query retransmission of a group, §6.6.3
  V1HostPresent,        // IGMPv1 Host Present, §7.3.2
  V2HostPresent,        // IGMPv2 Host Present / MLDv1 Older Version Host Present, §7.3.2, RFC 3810 §8.3.2
  HostInterest,         // explicit tracking: per (group, host) interest, expires with GMI
};

struct TimerKey {
  TimerKind kind = TimerKind::GeneralQuery;
  Address group;  // unspecified for the interface-wide timers
  Address item;   // source or host; unspecified when unused

  // Ordered by group first so that all timers of a group form one range.
  bool operator<(const TimerKey& o) const {
    return std::tie(group, kind, item) < std::tie(o.group, o.kind, o.item);
  }
  bool operator==(const TimerKey& o) const {
    return kind == o.kind && group == o.group && item == o.item;
  }
};

class TimerQueue {
 public:
  // Sets (or re-sets) a timer; a re-set timer goes behind timers already set
  // for the same deadline.
  void schedule(const TimerKey& key, TimePoint deadline);
  void cancel(const TimerKey& key);
  // Cancels every timer that belongs to `group`.
  void cancel_group(const Address& group);

  bool running(const TimerKey& key) const { return index_.contains(key); }
  std::optional<TimePoint> deadline(const TimerKey& key) const;
  std::optional<TimePoint> next_deadline() const;
  // Removes and returns the earliest timer whose deadline is <= now.
  std::optional<std::pair<TimerKey, TimePoint>> pop_due(TimePoint now);

  std::size_t size() const { return index_.size(); }

 private:
  struct Slot {
    TimePoint deadline;
    std::uint64_t sequence = 0;
  };
  std::map<TimerKey, Slot> index_;
  std::set<std::tuple<TimePoint, std::uint64_t, TimerKey>> order_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace mcproxy::instances
