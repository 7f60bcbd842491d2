// The timer queue of a downstream router: deadlines per RFC timer, popped in
// deadline order with the setting order as tie-breaker (deterministic runs).
#include "instances/router/timer_queue.hpp"

namespace mcproxy::instances {

void TimerQueue::schedule(const TimerKey& key, TimePoint deadline) {
  cancel(key);
  const Slot slot{deadline, next_sequence_++};
  index_.emplace(key, slot);
  order_.emplace(slot.deadline, slot.sequence, key);
}

void TimerQueue::cancel(const TimerKey& key) {
  const auto it = index_.find(key);
  if (it == index_.end()) return;
  order_.erase(std::make_tuple(it->second.deadline, it->second.sequence, key));
  index_.erase(it);
}

void TimerQueue::cancel_group(const Address& group) {
  auto it = index_.lower_bound(TimerKey{TimerKind::GeneralQuery, group, Address{}});
  while (it != index_.end() && it->first.group == group) {
    order_.erase(std::make_tuple(it->second.deadline, it->second.sequence, it->first));
    it = index_.erase(it);
  }
}

std::optional<TimePoint> TimerQueue::deadline(const TimerKey& key) const {
  const auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  return it->second.deadline;
}

std::optional<TimePoint> TimerQueue::next_deadline() const {
  if (order_.empty()) return std::nullopt;
  return std::get<0>(*order_.begin());
}

std::optional<std::pair<TimerKey, TimePoint>> TimerQueue::pop_due(TimePoint now) {
  if (order_.empty()) return std::nullopt;
  const auto first = order_.begin();
  if (std::get<0>(*first) > now) return std::nullopt;
  auto result = std::make_pair(std::get<2>(*first), std::get<0>(*first));
  index_.erase(result.first);
  order_.erase(first);
  return result;
}

}  // namespace mcproxy::instances
