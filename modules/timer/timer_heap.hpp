// The Timer module's bookkeeping: a min-heap of (deadline, sequence) with lazy
// cancellation. Pure data structure, no clock, no thread: testable on its own.
#pragma once

#include "modules/common/clock.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mcproxy::timer {

// Timers with equal deadlines fire in the order they were (re)scheduled: the
// sequence number breaks the tie, so no timer is ever lost behind another with
// the same deadline (mcproxy's old deadline-keyed map lost one of them).
template <class Payload>
class TimerHeap {
 public:
  using Id = std::uint64_t;

  struct Expired {
    Id id;
    TimePoint deadline;
    Payload payload;
  };

  // Adds a timer under a caller-chosen id (the Timer module hands ids out when
  // schedule() is called on another thread). An id already present is
  // rescheduled with the new payload.
  void schedule(Id id, TimePoint deadline, Payload payload) {
    const std::uint64_t seq = next_sequence_++;
    live_[id] = Live{seq, deadline, std::move(payload)};
    push(Node{deadline, seq, id});
  }

  // Moves a live timer to a new deadline; false if unknown (fired or cancelled).
  bool reschedule(Id id, TimePoint deadline) {
    auto it = live_.find(id);
    if (it == live_.end()) return false;
    it->second.sequence = next_sequence_++;
    it->second.deadline = deadline;
    push(Node{deadline, it->second.sequence, id});
    return true;
  }

  // False if the timer already fired or was cancelled.
  bool cancel(Id id) {
    const bool erased = live_.erase(id) > 0;
    compact_if_sparse();
    return erased;
  }

  bool contains(Id id) const { return live_.count(id) > 0; }
  std::size_t size() const { return live_.size(); }
  bool empty() const { return live_.empty(); }

  // Earliest live deadline, if any.
  std::optional<TimePoint> next_deadline() {
    drop_stale_top();
    if (heap_.empty()) return std::nullopt;
    return heap_.front().deadline;
  }

  // Removes and returns every timer whose deadline is <= now, earliest first,
  // equal deadlines in sequence order.
  std::vector<Expired> pop_expired(TimePoint now) {
    std::vector<Expired> out;
    for (;;) {
      drop_stale_top();
      if (heap_.empty() || heap_.front().deadline > now) break;
      const Node top = heap_.front();
      std::pop_heap(heap_.begin(), heap_.end(), later);
      heap_.pop_back();
      auto it = live_.find(top.id);
      out.push_back(Expired{top.id, top.deadline, std::move(it->second.payload)});
      live_.erase(it);
    }
    return out;
  }

  // Heap nodes including stale ones (for tests of the compaction).
  std::size_t heap_nodes() const { return heap_.size(); }

 private:
  struct Node {
    TimePoint deadline;
    std::uint64_t sequence;
    Id id;
  };
  struct Live {
    std::uint64_t sequence;
    TimePoint deadline;
    Payload payload;
  };

  // std heap functions build a max-heap: "later" ordering puts the earliest on top.
  static bool later(const Node& a, const Node& b) {
    return a.deadline != b.deadline ? a.deadline > b.deadline : a.sequence > b.sequence;
  }

  void push(Node n) {
    heap_.push_back(n);
    std::push_heap(heap_.begin(), heap_.end(), later);
    compact_if_sparse();
  }

  bool is_current(const Node& n) const {
    auto it = live_.find(n.id);
    return it != live_.end() && it->second.sequence == n.sequence;
  }

  void drop_stale_top() {
    while (!heap_.empty() && !is_current(heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), later);
      heap_.pop_back();
    }
  }

  // Cancelled and rescheduled timers leave stale nodes behind; rebuild when
  // they outnumber the live ones so memory stays proportional to live timers.
  void compact_if_sparse() {
    if (heap_.size() <= 2 * live_.size() + 64) return;
    std::erase_if(heap_, [this](const Node& n) { return !is_current(n); });
    std::make_heap(heap_.begin(), heap_.end(), later);
  }

  std::vector<Node> heap_;
  std::unordered_map<Id, Live> live_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace mcproxy::timer
