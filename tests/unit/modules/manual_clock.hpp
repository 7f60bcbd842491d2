// A ClockSource a test advances by hand, so module loops run without sleeping.
#pragma once

#include "modules/common/clock.hpp"

namespace mcproxy::test {

class ManualClock final : public ClockSource {
 public:
  TimePoint now() const override { return now_; }
  void advance(Duration d) { now_ += d; }

 private:
  TimePoint now_{std::chrono::hours(1)};
};

}  // namespace mcproxy::test
