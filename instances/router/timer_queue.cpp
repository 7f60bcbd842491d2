// The timer queue of a downstream router: deadlines per RFC timer, popped in
// deadline order with the setting order as tie-breaker (deterministic runs).
#include "instances/router/timer_queue.hpp"

#include <algorithm>

namespace mcproxy::instances {

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
    node.second.heap_at = heap_.size();
    heap_.push_back({first.deadline, first.sequence, &node});
  }
  for (std::size_t at = heap_.size() / 2; at-- > 0;) sift_down(at);
}

const TimerQueue::Timer& TimerQueue::earliest(const Bucket& bucket) {
  return *std::min_element(bucket.timers.begin(), bucket.timers.end(), [](const Timer& a, const Timer& b) {
    return a.deadline != b.deadline ? a.deadline < b.deadline : a.sequence < b.sequence;
  });
}

void TimerQueue::place(std::size_t at, const HeapItem& item) {
  heap_[at] = item;
  item.node->second.heap_at = at;
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
  const std::uint64_t sequence = next_sequence_++;
  auto [it, created] = buckets_.try_emplace(key.group);
  Node& node = *it;
  auto& timers = node.second.timers;
  if (created) {
    timers.reserve(2);  // a joined group has its group timer and a host's interest
    timers.push_back({deadline, sequence, key.kind, key.item});
    ++size_;
    node.second.heap_at = heap_.size();
    heap_.push_back({deadline, sequence, &node});
    sift_up(heap_.size() - 1);
    return;
  }
  const auto t = std::find_if(timers.begin(), timers.end(),
                              [&](const Timer& x) { return x.kind == key.kind && x.item == key.item; });
  if (t == timers.end()) {
    timers.push_back({deadline, sequence, key.kind, key.item});
    ++size_;
  } else {
    t->deadline = deadline;
    t->sequence = sequence;
  }
  update(node);
}

void TimerQueue::cancel(const TimerKey& key) {
  const auto it = buckets_.find(key.group);
  if (it == buckets_.end()) return;
  auto& timers = it->second.timers;
  const auto t = std::find_if(timers.begin(), timers.end(),
                              [&](const Timer& x) { return x.kind == key.kind && x.item == key.item; });
  if (t == timers.end()) return;
  *t = timers.back();
  timers.pop_back();
  --size_;
  if (timers.empty()) {
    remove_from_heap(it->second.heap_at);
    buckets_.erase(it);
  } else {
    update(*it);
  }
}

void TimerQueue::cancel_group(const CompactAddress& group) {
  const auto it = buckets_.find(group);
  if (it == buckets_.end()) return;
  size_ -= it->second.timers.size();
  remove_from_heap(it->second.heap_at);
  buckets_.erase(it);
}

std::optional<TimePoint> TimerQueue::deadline(const TimerKey& key) const {
  const auto it = buckets_.find(key.group);
  if (it == buckets_.end()) return std::nullopt;
  for (const Timer& t : it->second.timers) {
    if (t.kind == key.kind && t.item == key.item) return t.deadline;
  }
  return std::nullopt;
}

std::optional<TimePoint> TimerQueue::next_deadline() const {
  if (heap_.empty()) return std::nullopt;
  return heap_.front().deadline;
}

std::optional<std::pair<TimerKey, TimePoint>> TimerQueue::pop_due(TimePoint now) {
  if (heap_.empty() || heap_.front().deadline > now) return std::nullopt;
  Node& node = *heap_.front().node;
  auto& timers = node.second.timers;
  const auto t = std::find_if(timers.begin(), timers.end(),
                              [&](const Timer& x) { return x.sequence == heap_.front().sequence; });
  auto result = std::make_pair(TimerKey{t->kind, node.first, t->item}, t->deadline);
  *t = timers.back();
  timers.pop_back();
  --size_;
  if (timers.empty()) {
    const CompactAddress group = node.first;
    remove_from_heap(0);
    buckets_.erase(group);
  } else {
    update(node);
  }
  return result;
}

}  // namespace mcproxy::instances
