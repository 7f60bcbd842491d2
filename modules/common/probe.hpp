// A liveness probe: a message every module's mailbox accepts. The owner thread
// runs `answer` when it reaches the probe, which proves its loop is turning.
#pragma once

#include <functional>

namespace mcproxy {

// Posted by the daemon's main thread for its watchdog (mcproxy/liveness.hpp);
// `answer` must be cheap and must not block: it only posts back.
struct Probe {
  std::function<void()> answer;
};

}  // namespace mcproxy
