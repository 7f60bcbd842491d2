// The watchdog's decision (see liveness.hpp).
#include "mcproxy/liveness.hpp"

namespace mcproxy {

bool LivenessMonitor::complete(const std::vector<std::string>& participants) const {
  if (round_ == 0) return false;
  for (const auto& p : participants)
    if (asked_.contains(p) && !answered_.contains(p)) return false;
  return true;
}

LivenessMonitor::Tick LivenessMonitor::tick(const std::vector<std::string>& participants) {
  Tick t;
  if (round_ != 0 && !complete(participants)) {
    for (const auto& p : participants)
      if (asked_.contains(p) && !answered_.contains(p)) t.missing.push_back(p);
    return t;  // keep waiting for this round: no ping, no new probes
  }
  if (round_ != 0) {
    ++completed_rounds_;
    t.ping = true;
  }
  ++round_;
  asked_ = std::set<std::string>(participants.begin(), participants.end());
  answered_.clear();
  t.new_round = true;
  return t;
}

void LivenessMonitor::answered(std::uint64_t round, const std::string& participant) {
  if (round != round_ || !asked_.contains(participant)) return;
  answered_.insert(participant);
}

}  // namespace mcproxy
