// The Timer module: one thread that sleeps until the earliest deadline or a new
// message, then posts TimerExpired to the owner's mailbox. No periodic polling.
#pragma once

#include "modules/common/clock.hpp"
#include "modules/common/instance_event.hpp"
#include "modules/common/mailbox.hpp"
#include "modules/timer/timer_heap.hpp"
#include "modules/timer/timer_messages.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>

namespace mcproxy::timer {

// Threading contract:
//   schedule(), reschedule(), cancel(), dropped_messages()   any thread
//   start(), stop(), destructor                              the thread that owns the Timer object (main)
//   run_once()                                               the timer thread, or a test with no thread started
class Timer {
 public:
  explicit Timer(const ClockSource& clock, std::size_t mailbox_capacity = Mailbox<TimerMessage>::kProbesOnlyCapacity);
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  void start();
  void stop();  // idempotent; pending timers are discarded

  // Returns the handle at once (allocated here, on the caller's thread); the
  // timer exists once the timer thread has drained the message. Requests go
  // through the mailbox's control lane, so none is ever refused.
  TimerHandle schedule(TimePoint deadline, InstanceMailboxRef owner, std::uint64_t token);
  bool reschedule(TimerHandle handle, TimePoint deadline);
  bool cancel(TimerHandle handle);
  // Any thread: the timer thread runs `answer` when it reaches this message (watchdog).
  bool probe(std::function<void()> answer);

  std::uint64_t dropped_messages() const { return mailbox_.dropped(); }
  // Expiries that could not be delivered (owner gone or its mailbox full).
  std::uint64_t undelivered() const { return undelivered_.load(std::memory_order_relaxed); }

  // One iteration of the loop: drain messages, fire what is due, then wait at
  // most until the next deadline (or `max_wait`) for a message. Exposed so a
  // test can drive the module without its thread.
  void run_once(Duration max_wait);

 private:
  struct Expiry {
    InstanceMailboxRef owner;
    std::uint64_t token;
  };
  void handle(TimerMessage&& message);
  void fire_due();
  void loop();

  const ClockSource& clock_;
  Mailbox<TimerMessage> mailbox_;
  TimerHeap<Expiry> heap_;  // timer thread only
  std::atomic<TimerHandle> next_handle_{1};
  std::atomic<std::uint64_t> undelivered_{0};
  std::atomic<bool> stop_requested_{false};
  std::thread thread_;
};

}  // namespace mcproxy::timer
