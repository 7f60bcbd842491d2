// The Timer module's thread loop: ppoll on the mailbox eventfd with a timeout
// equal to the time left until the earliest deadline.
#include "modules/timer/timer.hpp"
#include "modules/common/thread_name.hpp"

#include <log4cplus/logger.h>
#include <log4cplus/loggingmacros.h>
#include <poll.h>

#include <cerrno>
#include <ctime>

namespace mcproxy::timer {
namespace {

log4cplus::Logger logger() { return log4cplus::Logger::getInstance(LOG4CPLUS_TEXT("mcproxy.timer")); }

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};

}  // namespace

Timer::Timer(const ClockSource& clock, std::size_t mailbox_capacity)
    : clock_(clock), mailbox_(mailbox_capacity) {}

Timer::~Timer() { stop(); }

void Timer::start() {
  if (thread_.joinable()) return;
  stop_requested_.store(false);
  thread_ = std::thread([this] { loop(); });
}

void Timer::stop() {
  if (!thread_.joinable()) return;
  stop_requested_.store(true);
  mailbox_.notify();
  thread_.join();
  mailbox_.owner().unbind();
}

TimerHandle Timer::schedule(TimePoint deadline, InstanceMailboxRef owner, std::uint64_t token) {
  const TimerHandle handle = next_handle_.fetch_add(1, std::memory_order_relaxed);
  // The control lane: a timer request is never lost to a full mailbox.
  mailbox_.post_control(Schedule{handle, deadline, std::move(owner), token});
  return handle;
}

bool Timer::reschedule(TimerHandle handle, TimePoint deadline) {
  mailbox_.post_control(Reschedule{handle, deadline});
  return true;
}

bool Timer::cancel(TimerHandle handle) {
  mailbox_.post_control(Cancel{handle});
  return true;
}

bool Timer::probe(std::function<void()> answer) { return mailbox_.post(Probe{std::move(answer)}); }

void Timer::handle(TimerMessage&& message) {
  std::visit(Overloaded{
                 [this](Schedule& s) { heap_.schedule(s.handle, s.deadline, Expiry{std::move(s.owner), s.token}); },
                 [this](Reschedule& r) { heap_.reschedule(r.handle, r.deadline); },
                 [this](Cancel& c) { heap_.cancel(c.handle); },
                 [](Probe& p) { p.answer(); },
             },
             message);
}

void Timer::fire_due() {
  for (auto& expired : heap_.pop_expired(clock_.now())) {
    if (!post_to(expired.payload.owner, TimerExpired{expired.id, expired.payload.token})) {
      undelivered_.fetch_add(1, std::memory_order_relaxed);
      LOG4CPLUS_DEBUG(logger(), "timer " << expired.id << " expired but its owner is gone or full");
    }
  }
}

void Timer::run_once(Duration max_wait) {
  mailbox_.drain([this](TimerMessage&& m) { handle(std::move(m)); });
  fire_due();
  auto wait = std::chrono::duration_cast<std::chrono::nanoseconds>(max_wait);
  if (auto next = heap_.next_deadline()) {
    const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(*next - clock_.now());
    if (left < wait) wait = left;
  }
  if (wait.count() <= 0) return;
  // ppoll takes nanoseconds: the thread wakes at the deadline, not up to 1 ms late.
  const timespec ts{static_cast<time_t>(wait.count() / 1000000000), static_cast<long>(wait.count() % 1000000000)};
  pollfd p{mailbox_.fd(), POLLIN, 0};
  if (::ppoll(&p, 1, &ts, nullptr) < 0 && errno != EINTR) {
    LOG4CPLUS_ERROR(logger(), "ppoll failed: errno " << errno);
  }
}

void Timer::loop() {
  name_this_thread("mcpx-timer");
  mailbox_.owner().bind_to_current_thread();
  while (!stop_requested_.load()) run_once(std::chrono::hours(1));
}

}  // namespace mcproxy::timer
