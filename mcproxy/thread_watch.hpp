// The daemon's watchdog plumbing: posts a probe to every thread and collects
// the answers through the main thread's mailbox (decisions: liveness.hpp).
#pragma once

#include "mcproxy/liveness.hpp"
#include "modules/common/mailbox.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace mcproxy {

// Threading contract: tick() and complete() on the main thread, which also
// drains `main`; the probers' answers run on the probed threads and only post.
class ThreadWatch {
 public:
  // Posts a probe to one thread; `answer` is to run on that thread. False if
  // the thread's mailbox refused it (the thread then counts as not answering).
  using Prober = std::function<bool(std::function<void()> answer)>;

  explicit ThreadWatch(Mailbox<std::function<void()>>& main) : main_(main) {}

  // One watchdog period: the decision of LivenessMonitor::tick for the threads
  // that exist now; on a new round the probes are posted.
  LivenessMonitor::Tick tick(const std::map<std::string, Prober>& threads);
  // Every thread of the open round answered (for READY=1 without waiting for a tick).
  bool complete() const { return monitor_.complete(names_); }

 private:
  Mailbox<std::function<void()>>& main_;
  LivenessMonitor monitor_;
  std::vector<std::string> names_;
};

}  // namespace mcproxy
