// Every RFC timer of one downstream router, keyed by what it belongs to, in one
// ordered queue: earliest deadline first, ties in the order they were set.
#pragma once

#include "modules/common/address.hpp"
#include "modules/common/clock.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

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
  CompactAddress group;  // unspecified for the interface-wide timers
  CompactAddress item;   // source or host; unspecified when unused

  bool operator<(const TimerKey& o) const {
    return std::tie(group, kind, item) < std::tie(o.group, o.kind, o.item);
  }
  bool operator==(const TimerKey& o) const {
    return kind == o.kind && group == o.group && item == o.item;
  }
};

// The timers are kept per group (a hashed table; a group has a handful of
// timers: its group timer and one per source and host, the first two stored
// in the group's table node), and the groups in a binary heap ordered by
// their earliest timer. Scheduling, cancelling and popping cost O(timers of
// the group + log groups), whatever the number of groups; a group costs one
// table node and one heap slot (doc/performance.md, "Memory per group").
class TimerQueue {
 public:
  TimerQueue() = default;
  TimerQueue(const TimerQueue& other);
  TimerQueue& operator=(const TimerQueue& other);
  TimerQueue(TimerQueue&&) noexcept = default;
  TimerQueue& operator=(TimerQueue&&) noexcept = default;
  ~TimerQueue() = default;

  // Sets (or re-sets) a timer; a re-set timer goes behind timers already set
  // for the same deadline.
  void schedule(const TimerKey& key, TimePoint deadline);
  void cancel(const TimerKey& key);
  // Cancels every timer that belongs to `group`.
  void cancel_group(const CompactAddress& group);

  bool running(const TimerKey& key) const { return deadline(key).has_value(); }
  std::optional<TimePoint> deadline(const TimerKey& key) const;
  std::optional<TimePoint> next_deadline() const;
  // Removes and returns the earliest timer whose deadline is <= now.
  std::optional<std::pair<TimerKey, TimePoint>> pop_due(TimePoint now);

  std::size_t size() const { return size_; }

  // Tests: the setting order is a 32-bit sequence, renumbered (order kept)
  // when it runs out; this starts it close to that point.
  void set_next_sequence_for_test(std::uint32_t next) { next_sequence_ = next; }

 private:
  // 32 bytes: the setting order is a 32-bit number (see renumber()).
  struct Timer {
    TimePoint deadline;
    std::uint32_t sequence = 0;
    TimerKind kind = TimerKind::GeneralQuery;
    CompactAddress item;
  };
  // The timers of one group, in no order (the sequence decides ties): the
  // first kInline in the node itself, the rest in a vector.
  static constexpr std::size_t kInline = 2;  // a joined group: its group timer and a host's interest
  struct Bucket {
    Bucket() = default;
    Bucket(const Bucket& o);
    Bucket& operator=(const Bucket& o);
    Bucket(Bucket&&) noexcept = default;
    Bucket& operator=(Bucket&&) noexcept = default;
    ~Bucket() = default;

    std::size_t size() const { return inline_count + (more ? more->size() : 0); }
    Timer& at(std::size_t i) { return i < inline_count ? first[i] : (*more)[i - inline_count]; }
    const Timer& at(std::size_t i) const { return i < inline_count ? first[i] : (*more)[i - inline_count]; }
    void push(const Timer& t);
    // Removes timer i; the last one takes its place.
    void remove(std::size_t i);

    std::array<Timer, kInline> first{};
    std::unique_ptr<std::vector<Timer>> more;  // null while the group has at most kInline timers
    std::uint32_t heap_at = 0;                 // this bucket's slot in heap_
    std::uint8_t inline_count = 0;
  };
  using Buckets = std::unordered_map<CompactAddress, Bucket>;
  using Node = Buckets::value_type;
  // A group in the heap, with the deadline and sequence of its earliest timer.
  struct HeapItem {
    TimePoint deadline;
    std::uint32_t sequence = 0;
    Node* node = nullptr;  // stable: unordered_map nodes do not move
    bool operator<(const HeapItem& o) const {
      return deadline != o.deadline ? deadline < o.deadline : sequence < o.sequence;
    }
  };

  static std::size_t find(const Bucket& bucket, TimerKind kind, const CompactAddress& item);
  static const Timer& earliest(const Bucket& bucket);
  std::uint32_t take_sequence();
  // Renumbers every timer 0..n-1 in (deadline, sequence) order, so ties keep
  // their setting order across the wrap of the 32-bit sequence.
  void renumber();
  // Re-reads the earliest timer of a bucket and restores the heap order.
  void update(Node& node);
  void remove_from_heap(std::size_t at);
  void place(std::size_t at, const HeapItem& item);
  void sift_up(std::size_t at);
  void sift_down(std::size_t at);
  void rebuild_heap();

  Buckets buckets_;
  std::vector<HeapItem> heap_;
  std::size_t size_ = 0;
  std::uint32_t next_sequence_ = 0;
};

}  // namespace mcproxy::instances
