// The watchdog's decision, without threads: which threads answered the current
// round of probes, and whether systemd may be told WATCHDOG=1.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace mcproxy {

// Used on the daemon's main thread only. Each tick, the main thread asks
// tick() with the threads that exist now (the four modules and one per
// instance); the answer says whether to ping systemd and whether to post a
// new round of probes. A round is complete when every thread of the round
// that still exists has answered; only then is the next tick a ping and a new
// round. A thread that stops answering therefore stops the pings for good,
// and systemd's WatchdogSec= restarts the daemon.
class LivenessMonitor {
 public:
  struct Tick {
    bool ping = false;                // send WATCHDOG=1
    bool new_round = false;           // post a probe to every participant, with round()
    std::vector<std::string> missing; // participants of the open round that did not answer yet
  };

  Tick tick(const std::vector<std::string>& participants);
  // A thread's answer to probe `round`; answers to earlier rounds are ignored.
  void answered(std::uint64_t round, const std::string& participant);
  std::uint64_t round() const { return round_; }
  // True once a round has been completed (every thread ran at least once).
  bool ever_completed() const { return completed_rounds_ > 0; }
  // Whether the open round is complete for `participants` (those that still exist).
  bool complete(const std::vector<std::string>& participants) const;

 private:
  std::uint64_t round_ = 0;  // 0: no round started yet
  std::set<std::string> asked_;
  std::set<std::string> answered_;
  std::uint64_t completed_rounds_ = 0;
};

}  // namespace mcproxy
