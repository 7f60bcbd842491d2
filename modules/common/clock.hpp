// Time as the protocol logic sees it: a monotonic clock, milliseconds resolution.
// Logic never reads the clock itself; callers pass `now`, so tests use a fake one.
#pragma once

#include <chrono>

namespace mcproxy {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = std::chrono::milliseconds;

// Source of `now` for the threads that do read the clock (module loops, instance
// threads). Tests substitute a manual clock.
class ClockSource {
 public:
  virtual ~ClockSource() = default;
  virtual TimePoint now() const = 0;
};

class SteadyClockSource final : public ClockSource {
 public:
  TimePoint now() const override { return Clock::now(); }
};

}  // namespace mcproxy
