// The daemon's watchdog plumbing (see thread_watch.hpp).
#include "mcproxy/thread_watch.hpp"

namespace mcproxy {

LivenessMonitor::Tick ThreadWatch::tick(const std::map<std::string, Prober>& threads) {
  names_.clear();
  for (const auto& [name, prober] : threads) names_.push_back(name);
  auto t = monitor_.tick(names_);
  if (!t.new_round) return t;
  const auto round = monitor_.round();
  for (const auto& [name, prober] : threads) {
    // The answer hops back to the main thread, which alone touches monitor_.
    prober([this, round, name] { main_.post([this, round, name] { monitor_.answered(round, name); }); });
  }
  return t;
}

}  // namespace mcproxy
