// What every part of a downstream router's logic needs for one step: the
// current (virtual) time, the timers in effect, and the timer queue.
#pragma once

#include "instances/router/timer_queue.hpp"
#include "instances/router/transition_log.hpp"
#include "modules/config/config.hpp"
#include "modules/common/clock.hpp"

namespace mcproxy::instances {

struct Context {
  // When a timer expires, `now` is its deadline (not the time on_timer() was
  // called), so a late on_timer() gives the same result as a punctual one.
  TimePoint now;
  // Configured timers with the querier's QRV/QQI adopted (RFC 3376 §4.1.6, §4.1.7).
  config::Timers timers;
  TimerControl& queue;
  // Where state setters report transitions (debug log); empty drops them.
  TransitionLog log = {};

  // RFC 3376 §8.4 GMI / RFC 3810 §9.4 MALI.
  TimePoint gmi() const { return now + timers.group_membership_interval(); }
  // RFC 3376 §8.10 LMQT / RFC 3810 §9.14 LLQT.
  TimePoint lmqt() const { return now + timers.last_member_query_time(); }
};

}  // namespace mcproxy::instances
