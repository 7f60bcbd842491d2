// The timer queue of a downstream router: deadlines per RFC timer, popped in
// deadline order with the setting order as tie-breaker (deterministic runs).
#include "instances/router/timer_queue.hpp"

#include <algorithm>
#include <limits>

namespace mcproxy::instances {

namespace {
constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
}  // namespace

TimerQueue::Bucket::Bucket(const Bucket& o)
    : first(o.first),
      more(o.more ? std::make_unique<std::vector<Timer>>(*o.more) : nullptr),
      heap_at(o.heap_at),
      inline_count(o.inline_count) {}

TimerQueue::Bucket& TimerQueue::Bucket::operator=(const Bucket& o) {
  if (this != &o) {
    Bucket copy(o);
    *this = std::move(copy);
  }
  return *this;
}

void TimerQueue::Bucket::push(const Timer& t) {
  if (inline_count < kInline) {
    first[inline_count++] = t;
    return;
  }
  if (!more) more = std::make_unique<std::vector<Timer>>();
  more->push_back(t);
}

void TimerQueue::Bucket::remove(std::size_t i) {
  const std::size_t last = size() - 1;
  if (i != last) at(i) = at(last);
  if (more) {
    more->pop_back();
    if (more->empty()) more.reset();
  } else {
    --inline_count;
  }
}

TimerQueue::TimerQueue(const TimerQueue& other)
    : buckets_(other.buckets_), size_(other.size_), next_sequence_(other.next_sequence_) {
  rebuild_heap();
}

TimerQueue& TimerQueue::operator=(const TimerQueue& other) {
  if (this != &other) {
    TimerQueue copy(other);
    *this = std::move(copy);
  }
  return *this;
}

void TimerQueue::rebuild_heap() {
  heap_.clear();
  heap_.reserve(buckets_.size());
  for (auto& node : buckets_) {
    const Timer& first = earliest(node.second);
    node.second.heap_at = static_cast<std::uint32_t>(heap_.size());
    heap_.push_back({first.deadline, first.sequence, &node});
  }
  for (std::size_t at = heap_.size() / 2; at-- > 0;) sift_down(at);
}

std::size_t TimerQueue::find(const Bucket& bucket, TimerKind kind, const CompactAddress& item) {
  for (std::size_t i = 0, n = bucket.size(); i < n; ++i) {
    const Timer& t = bucket.at(i);
    if (t.kind == kind && t.item == item) return i;
  }
  return kNone;
}

const TimerQueue::Timer& TimerQueue::earliest(const Bucket& bucket) {
  const Timer* best = &bucket.at(0);
  for (std::size_t i = 1, n = bucket.size(); i < n; ++i) {
    const Timer& t = bucket.at(i);
    if (t.deadline != best->deadline ? t.deadline < best->deadline : t.sequence < best->sequence) best = &t;
  }
  return *best;
}

std::uint32_t TimerQueue::take_sequence() {
  if (next_sequence_ == std::numeric_limits<std::uint32_t>::max()) renumber();
  return next_sequence_++;
}

void TimerQueue::renumber() {
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

void TimerQueue::place(std::size_t at, const HeapItem& item) {
  heap_[at] = item;
  item.node->second.heap_at = static_cast<std::uint32_t>(at);
}

void TimerQueue::sift_up(std::size_t at) {
  const HeapItem item = heap_[at];
  while (at > 0) {
    const std::size_t parent = (at - 1) / 2;
    if (!(item < heap_[parent])) break;
    place(at, heap_[parent]);
    at = parent;
  }
  place(at, item);
}

void TimerQueue::sift_down(std::size_t at) {
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

void TimerQueue::remove_from_heap(std::size_t at) {
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

void TimerQueue::update(Node& node) {
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

void TimerQueue::schedule(const TimerKey& key, TimePoint deadline) {
  const std::uint32_t sequence = take_sequence();
  auto [it, created] = buckets_.try_emplace(key.group);
  Node& node = *it;
  Bucket& bucket = node.second;
  if (created) {
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

void TimerQueue::cancel(const TimerKey& key) {
  const auto it = buckets_.find(key.group);
  if (it == buckets_.end()) return;
  Bucket& bucket = it->second;
  const std::size_t i = find(bucket, key.kind, key.item);
  if (i == kNone) return;
  bucket.remove(i);
  --size_;
  if (bucket.size() == 0) {
    remove_from_heap(bucket.heap_at);
    buckets_.erase(it);
  } else {
    update(*it);
  }
}

void TimerQueue::cancel_group(const CompactAddress& group) {
  const auto it = buckets_.find(group);
  if (it == buckets_.end()) return;
  size_ -= it->second.size();
  remove_from_heap(it->second.heap_at);
  buckets_.erase(it);
}

std::optional<TimePoint> TimerQueue::deadline(const TimerKey& key) const {
  const auto it = buckets_.find(key.group);
  if (it == buckets_.end()) return std::nullopt;
  const std::size_t i = find(it->second, key.kind, key.item);
  if (i == kNone) return std::nullopt;
  return it->second.at(i).deadline;
}

std::optional<TimePoint> TimerQueue::next_deadline() const {
  if (heap_.empty()) return std::nullopt;
  return heap_.front().deadline;
}

std::optional<std::pair<TimerKey, TimePoint>> TimerQueue::pop_due(TimePoint now) {
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
    const CompactAddress group = node.first;
    remove_from_heap(0);
    buckets_.erase(group);
  } else {
    update(node);
  }
  return result;
}

}  // namespace mcproxy::instances
