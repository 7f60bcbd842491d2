// Every RFC timer of one downstream router, keyed by what it belongs to, in one
// ordered queue: earliest deadline first, ties in the order they were set.
#pragma once

#include "modules/common/address.hpp"
#include "modules/common/clock.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <new>
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

// What the protocol parts (group state, host tracking, compatibility, querier)
// need of the timer queue: set, cancel and read timers by key.
class TimerControl {
 public:
  // Sets (or re-sets) a timer; a re-set timer goes behind timers already set
  // for the same deadline.
  virtual void schedule(const TimerKey& key, TimePoint deadline) = 0;
  virtual void cancel(const TimerKey& key) = 0;
  virtual std::optional<TimePoint> deadline(const TimerKey& key) const = 0;
  bool running(const TimerKey& key) const { return deadline(key).has_value(); }

 protected:
  TimerControl() = default;
  TimerControl(const TimerControl&) = default;
  TimerControl& operator=(const TimerControl&) = default;
  ~TimerControl() = default;
};

// No per-group data beside the timers.
struct NoPayload {};

// The timers are kept per group in a hashed table, and the groups in a
// binary heap ordered by their earliest timer. Scheduling, cancelling and
// popping cost O(timers of the group + log groups), whatever the number of
// groups. A group's table node holds its first two timers (a joined group:
// its group timer and a host's interest; more go to a vector) and the
// group's `Payload`, if set: the router keeps its per-group state there, so
// a group costs one table node and one heap slot (doc/performance.md,
// "Memory per group"). A group's node lives while it has timers or a payload.
template <class Payload>
class BasicTimerQueue final : public TimerControl {
 public:
  BasicTimerQueue() = default;
  BasicTimerQueue(const BasicTimerQueue& other)
      : TimerControl(other), buckets_(other.buckets_), size_(other.size_), next_sequence_(other.next_sequence_) {
    rebuild_heap();
  }
  BasicTimerQueue& operator=(const BasicTimerQueue& other) {
    if (this != &other) {
      BasicTimerQueue copy(other);
      *this = std::move(copy);
    }
    return *this;
  }
  BasicTimerQueue(BasicTimerQueue&&) noexcept = default;
  BasicTimerQueue& operator=(BasicTimerQueue&&) noexcept = default;
  ~BasicTimerQueue() = default;

  void schedule(const TimerKey& key, TimePoint deadline) override;
  void cancel(const TimerKey& key) override;
  // Cancels every timer that belongs to `group` (its payload stays).
  void cancel_group(const CompactAddress& group);

  std::optional<TimePoint> deadline(const TimerKey& key) const override;
  // Not inlined: GCC 12 builds the inlined optional on the stack and reads
  // it back with a wider load than it stored (a store-forwarding stall that
  // doubled the cost of a router's timer tick).
  [[gnu::noinline]] std::optional<TimePoint> next_deadline() const;
  // Removes and returns the earliest timer whose deadline is <= now.
  std::optional<std::pair<TimerKey, TimePoint>> pop_due(TimePoint now);

  std::size_t size() const { return size_; }

  // The payload of a group: null when not set.
  Payload* payload(const CompactAddress& group) {
    const auto it = buckets_.find(group);
    return it != buckets_.end() ? it->second.payload() : nullptr;
  }
  const Payload* payload(const CompactAddress& group) const {
    const auto it = buckets_.find(group);
    return it != buckets_.end() ? it->second.payload() : nullptr;
  }
  // The payload of a group, made from `args` if not set. The reference stays
  // valid until the group is erased (table nodes do not move).
  template <class... Args>
  Payload& emplace_payload(const CompactAddress& group, Args&&... args) {
    Bucket& bucket = buckets_.try_emplace(group).first->second;
    if (!bucket.has_payload) bucket.emplace(std::forward<Args>(args)...);
    return *bucket.payload();
  }
  // Removes a group's timers and payload.
  void erase_group(const CompactAddress& group) {
    const auto it = buckets_.find(group);
    if (it == buckets_.end()) return;
    if (it->second.size() > 0) {
      size_ -= it->second.size();
      remove_from_heap(it->second.heap_at);
    }
    buckets_.erase(it);
  }
  // Calls fn(group, payload) for every group with a payload, in no order.
  // fn may erase the group it is called for (erase_group), nothing else.
  template <class Fn>
  void for_each_payload(Fn&& fn) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      const auto at = it++;
      Payload* payload = at->second.payload();
      if (!payload) continue;
      const CompactAddress group = at->first;  // a copy: fn may erase the node
      fn(group, *payload);
    }
  }
  template <class Fn>
  void for_each_payload(Fn&& fn) const {
    for (const auto& [group, bucket] : buckets_) {
      if (const Payload* payload = bucket.payload()) fn(group, *payload);
    }
  }

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
  static constexpr std::size_t kInline = 2;
  static constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  // The timers of one group, in no order (the sequence decides ties): the
  // first kInline in the node itself, the rest in a vector.
  struct Bucket {
    // Made in place in its table node and never moved: copied only (a
    // copied queue).
    Bucket() = default;
    Bucket(const Bucket& o)
        : first(o.first),
          more(o.more ? std::make_unique<std::vector<Timer>>(*o.more) : nullptr),
          heap_at(o.heap_at),
          inline_count(o.inline_count) {
      if (const Payload* p = o.payload()) emplace(*p);
    }
    Bucket& operator=(const Bucket&) = delete;
    Bucket(Bucket&&) = delete;
    Bucket& operator=(Bucket&&) = delete;
    ~Bucket() {
      if (Payload* p = payload()) p->~Payload();
    }

    // The payload, in the node's own storage: a std::optional would add
    // 8 bytes for its flag, which here fits beside inline_count.
    Payload* payload() { return has_payload ? std::launder(reinterpret_cast<Payload*>(storage)) : nullptr; }
    const Payload* payload() const {
      return has_payload ? std::launder(reinterpret_cast<const Payload*>(storage)) : nullptr;
    }
    template <class... Args>
    void emplace(Args&&... args) {
      ::new (static_cast<void*>(storage)) Payload(std::forward<Args>(args)...);
      has_payload = true;
    }

    std::size_t size() const { return inline_count + (more ? more->size() : 0); }
    Timer& at(std::size_t i) { return i < inline_count ? first[i] : (*more)[i - inline_count]; }
    const Timer& at(std::size_t i) const { return i < inline_count ? first[i] : (*more)[i - inline_count]; }
    void push(const Timer& t) {
      if (inline_count < kInline) {
        first[inline_count++] = t;
        return;
      }
      if (!more) more = std::make_unique<std::vector<Timer>>();
      more->push_back(t);
    }
    // Removes timer i; the last one takes its place.
    void remove(std::size_t i) {
      const std::size_t last = size() - 1;
      if (i != last) at(i) = at(last);
      if (more) {
        more->pop_back();
        if (more->empty()) more.reset();
      } else {
        --inline_count;
      }
    }

    std::array<Timer, kInline> first{};
    std::unique_ptr<std::vector<Timer>> more;  // null while the group has at most kInline timers
    std::uint32_t heap_at = 0;                 // this bucket's slot in heap_, while it has timers
    std::uint8_t inline_count = 0;
    bool has_payload = false;
    alignas(Payload) unsigned char storage[sizeof(Payload)];
  };
  using Buckets = std::unordered_map<CompactAddress, Bucket>;
  using Node = typename Buckets::value_type;
  // A group in the heap, with the deadline and sequence of its earliest timer.
  struct HeapItem {
    TimePoint deadline;
    std::uint32_t sequence = 0;
    Node* node = nullptr;  // stable: unordered_map nodes do not move
    bool operator<(const HeapItem& o) const {
      return deadline != o.deadline ? deadline < o.deadline : sequence < o.sequence;
    }
  };

  static std::size_t find(const Bucket& bucket, TimerKind kind, const CompactAddress& item) {
    for (std::size_t i = 0, n = bucket.size(); i < n; ++i) {
      const Timer& t = bucket.at(i);
      if (t.kind == kind && t.item == item) return i;
    }
    return kNone;
  }
  static const Timer& earliest(const Bucket& bucket) {
    const Timer* best = &bucket.at(0);
    for (std::size_t i = 1, n = bucket.size(); i < n; ++i) {
      const Timer& t = bucket.at(i);
      if (t.deadline != best->deadline ? t.deadline < best->deadline : t.sequence < best->sequence) best = &t;
    }
    return *best;
  }
  std::uint32_t take_sequence() {
    if (next_sequence_ == std::numeric_limits<std::uint32_t>::max()) renumber();
    return next_sequence_++;
  }
  // Renumbers every timer 0..n-1 in setting order, so ties keep their
  // setting order across the wrap of the 32-bit sequence.
  void renumber();
  // The bucket lost its last timer: out of the heap, and out of the table
  // unless it has a payload.
  void emptied(typename Buckets::iterator it);
  // Re-reads the earliest timer of a bucket and restores the heap order.
  void update(Node& node);
  void remove_from_heap(std::size_t at);
  void place(std::size_t at, const HeapItem& item) {
    heap_[at] = item;
    item.node->second.heap_at = static_cast<std::uint32_t>(at);
  }
  void sift_up(std::size_t at);
  void sift_down(std::size_t at);
  void rebuild_heap();

  Buckets buckets_;
  std::vector<HeapItem> heap_;
  std::size_t size_ = 0;
  std::uint32_t next_sequence_ = 0;
};

// The queue of the tests and of anything without per-group data.
using TimerQueue = BasicTimerQueue<NoPayload>;

template <class Payload>
void BasicTimerQueue<Payload>::rebuild_heap() {
  heap_.clear();
  heap_.reserve(buckets_.size());
  for (auto& node : buckets_) {
    if (node.second.size() == 0) continue;
    const Timer& first = earliest(node.second);
    node.second.heap_at = static_cast<std::uint32_t>(heap_.size());
    heap_.push_back({first.deadline, first.sequence, &node});
  }
  for (std::size_t at = heap_.size() / 2; at-- > 0;) sift_down(at);
}

template <class Payload>
void BasicTimerQueue<Payload>::renumber() {
  std::vector<Timer*> all;
  all.reserve(size_);
  for (auto& node : buckets_) {
    for (std::size_t i = 0, n = node.second.size(); i < n; ++i) all.push_back(&node.second.at(i));
  }
  std::sort(all.begin(), all.end(), [](const Timer* a, const Timer* b) { return a->sequence < b->sequence; });
  std::uint32_t next = 0;
  for (Timer* t : all) t->sequence = next++;
  next_sequence_ = next;
  rebuild_heap();
}

template <class Payload>
void BasicTimerQueue<Payload>::sift_up(std::size_t at) {
  const HeapItem item = heap_[at];
  while (at > 0) {
    const std::size_t parent = (at - 1) / 2;
    if (!(item < heap_[parent])) break;
    place(at, heap_[parent]);
    at = parent;
  }
  place(at, item);
}

template <class Payload>
void BasicTimerQueue<Payload>::sift_down(std::size_t at) {
  const HeapItem item = heap_[at];
  const std::size_t n = heap_.size();
  for (;;) {
    std::size_t child = 2 * at + 1;
    if (child >= n) break;
    if (child + 1 < n && heap_[child + 1] < heap_[child]) ++child;
    if (!(heap_[child] < item)) break;
    place(at, heap_[child]);
    at = child;
  }
  place(at, item);
}

template <class Payload>
void BasicTimerQueue<Payload>::remove_from_heap(std::size_t at) {
  const HeapItem last = heap_.back();
  heap_.pop_back();
  if (at == heap_.size()) return;
  const HeapItem removed = heap_[at];
  place(at, last);
  if (last < removed) {
    sift_up(at);
  } else {
    sift_down(at);
  }
}

template <class Payload>
void BasicTimerQueue<Payload>::update(Node& node) {
  const Timer& first = earliest(node.second);
  const std::size_t at = node.second.heap_at;
  const HeapItem old = heap_[at];
  const HeapItem now{first.deadline, first.sequence, &node};
  heap_[at] = now;
  if (now < old) {
    sift_up(at);
  } else {
    sift_down(at);
  }
}

template <class Payload>
void BasicTimerQueue<Payload>::emptied(typename Buckets::iterator it) {
  remove_from_heap(it->second.heap_at);
  if (!it->second.has_payload) buckets_.erase(it);
}

template <class Payload>
void BasicTimerQueue<Payload>::schedule(const TimerKey& key, TimePoint deadline) {
  const std::uint32_t sequence = take_sequence();
  Node& node = *buckets_.try_emplace(key.group).first;
  Bucket& bucket = node.second;
  if (bucket.size() == 0) {  // new, or a payload without timers: into the heap
    bucket.push({deadline, sequence, key.kind, key.item});
    ++size_;
    bucket.heap_at = static_cast<std::uint32_t>(heap_.size());
    heap_.push_back({deadline, sequence, &node});
    sift_up(heap_.size() - 1);
    return;
  }
  const std::size_t i = find(bucket, key.kind, key.item);
  if (i == kNone) {
    bucket.push({deadline, sequence, key.kind, key.item});
    ++size_;
  } else {
    bucket.at(i).deadline = deadline;
    bucket.at(i).sequence = sequence;
  }
  update(node);
}

template <class Payload>
void BasicTimerQueue<Payload>::cancel(const TimerKey& key) {
  const auto it = buckets_.find(key.group);
  if (it == buckets_.end()) return;
  Bucket& bucket = it->second;
  const std::size_t i = find(bucket, key.kind, key.item);
  if (i == kNone) return;
  bucket.remove(i);
  --size_;
  if (bucket.size() == 0) {
    emptied(it);
  } else {
    update(*it);
  }
}

template <class Payload>
void BasicTimerQueue<Payload>::cancel_group(const CompactAddress& group) {
  const auto it = buckets_.find(group);
  if (it == buckets_.end() || it->second.size() == 0) return;
  size_ -= it->second.size();
  it->second.more.reset();
  it->second.inline_count = 0;
  emptied(it);
}

template <class Payload>
std::optional<TimePoint> BasicTimerQueue<Payload>::deadline(const TimerKey& key) const {
  const auto it = buckets_.find(key.group);
  if (it == buckets_.end()) return std::nullopt;
  const std::size_t i = find(it->second, key.kind, key.item);
  if (i == kNone) return std::nullopt;
  return it->second.at(i).deadline;
}

template <class Payload>
std::optional<TimePoint> BasicTimerQueue<Payload>::next_deadline() const {
  if (heap_.empty()) return std::nullopt;
  return heap_.front().deadline;
}

template <class Payload>
std::optional<std::pair<TimerKey, TimePoint>> BasicTimerQueue<Payload>::pop_due(TimePoint now) {
  if (heap_.empty() || heap_.front().deadline > now) return std::nullopt;
  Node& node = *heap_.front().node;
  Bucket& bucket = node.second;
  std::size_t i = 0;
  for (const std::size_t n = bucket.size(); i < n && bucket.at(i).sequence != heap_.front().sequence; ++i) {
  }
  const Timer& t = bucket.at(i);
  auto result = std::make_pair(TimerKey{t.kind, node.first, t.item}, t.deadline);
  bucket.remove(i);
  --size_;
  if (bucket.size() == 0) {
    emptied(buckets_.find(node.first));
  } else {
    update(node);
  }
  return result;
}

}  // namespace mcproxy::instances
