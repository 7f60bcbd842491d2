// Messages of the Timer module's mailbox. Posted by Timer's own public methods
// (schedule/cancel/reschedule), which any thread may call.
#pragma once

#include "modules/common/clock.hpp"
#include "modules/common/instance_event.hpp"
#include "modules/common/probe.hpp"

#include <cstdint>
#include <variant>

namespace mcproxy::timer {

struct Schedule {
  TimerHandle handle = 0;
  TimePoint deadline;
  InstanceMailboxRef owner;
  std::uint64_t token = 0;
};

struct Reschedule {
  TimerHandle handle = 0;
  TimePoint deadline;
};

struct Cancel {
  TimerHandle handle = 0;
};

using TimerMessage = std::variant<Schedule, Reschedule, Cancel, Probe>;

}  // namespace mcproxy::timer
