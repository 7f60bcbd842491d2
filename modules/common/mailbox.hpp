// The inbound mailbox of a module or instance thread: any thread may post(), only
// the owner drains. Bounded and lock-free; an eventfd wakes the owner's poll loop.
#pragma once

#include "modules/common/fd.hpp"
#include "modules/common/thread_checker.hpp"

#include <boost/lockfree/queue.hpp>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cassert>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <utility>

namespace mcproxy {

// Threading contract:
//   post(), post_control(), has_room(), dropped(), capacity(), notify()  any thread
//   drain(), wait(), fd()-polling            the owner thread only
//
// Design (see doc/architecture.md, "Mailboxes"): boost::lockfree::queue only holds
// trivially destructible elements, so messages live in `capacity` preallocated
// slots and two lock-free queues carry slot indices: `free_` (slots a producer
// may fill) and `ready_` (filled slots, in post order per producer). A producer
// takes a free index, moves its message into the slot and publishes the index;
// the owner takes ready indices, moves the message out and returns the index.
// The queues' release/acquire operations order the slot accesses. No heap
// allocation happens on post() beyond what the message itself owns, nothing
// raw-owning crosses threads, and a full mailbox is detected without blocking:
// no free index means "drop and count".
//
// Two lanes (doc/architecture.md, "Mailboxes", has the policy per message kind):
//   post()          the bulk lane: the bounded slots above. For traffic whose
//                   sender can hold back or whose loss the protocol repairs
//                   (received packets, upcalls, packets to send). When full, the
//                   message is dropped and counted; has_room() lets a producer
//                   stop before that (the Receiver's backpressure).
//   post_control()  the control lane: a short FIFO under a mutex, never refused.
//                   For what must not be lost (link events, timer expiries,
//                   routing requests and replies, control requests, stop). Its
//                   producers are bounded by their own rate; the peak backlog is
//                   kept for status output.
// drain() hands out the control lane first, so a flooded bulk lane cannot
// delay a control message by more than one batch. Order is kept per producer
// within a lane, and across the lanes as far as cause goes: before a bulk
// message is handed out, every control message waiting at that moment is.
// So a control message posted before the bulk message it explains (Routing's
// VifAdded before the kernel's first upcall for that VIF, which the Receiver
// posts) is handled first even when both arrive during one drain.
template <class Message>
class Mailbox {
 public:
  static constexpr std::size_t kDefaultCapacity = 4096;
  // The Receiver, Routing and Timer take every request on the control lane;
  // their bulk lane carries only the watchdog's probes (one per thread and
  // interval), so a few slots do. The slots are preallocated: 4096 of them
  // cost 0.2-0.8 MB per mailbox (doc/performance.md, "Mailbox").
  static constexpr std::size_t kProbesOnlyCapacity = 16;

  explicit Mailbox(std::size_t capacity = kDefaultCapacity)
      : capacity_(capacity),
        slots_(std::make_unique<std::optional<Message>[]>(capacity)),
        free_(capacity + 1),
        ready_(capacity + 1),
        event_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    // Running out of descriptors at startup is not bad input: the daemon
    // cannot work without its mailboxes, so this is the one place that throws.
    if (!event_fd_) throw std::system_error(errno, std::generic_category(), "eventfd");
    for (std::size_t i = 0; i < capacity_; ++i) {
      [[maybe_unused]] const bool ok = free_.bounded_push(static_cast<std::uint32_t>(i));
      assert(ok);
    }
  }
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  // Any thread; never blocks. False (and one more drop counted) when full.
  bool post(Message message) {
    std::uint32_t index = 0;
    if (!free_.pop(index)) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    in_use_.fetch_add(1, std::memory_order_relaxed);
    slots_[index].emplace(std::move(message));
    [[maybe_unused]] const bool ok = ready_.bounded_push(index);
    assert(ok);  // ready_ has room for every slot
    notify();
    return true;
  }

  // Any thread; never refused (the control lane, see above).
  void post_control(Message message) {
    {
      std::lock_guard lock(control_mutex_);
      control_.push_back(std::move(message));
      const std::uint64_t n = control_.size();
      if (n > control_peak_.load(std::memory_order_relaxed)) control_peak_.store(n, std::memory_order_relaxed);
      control_waiting_.store(true, std::memory_order_seq_cst);
    }
    control_posted_.fetch_add(1, std::memory_order_relaxed);
    notify();
  }

  // Any thread: whether a bulk post() would find a free slot now (a hint under
  // concurrency; exact for a single bulk producer such as the Receiver).
  bool has_room() const { return in_use_.load(std::memory_order_relaxed) < capacity_; }
  std::size_t in_use() const { return in_use_.load(std::memory_order_relaxed); }

  // Any thread: wakes the owner without a message (used to ask a loop to look at
  // its stop flag).
  void notify() {
    const std::uint64_t one = 1;
    // EAGAIN only when the counter is near 2^64: the owner is awake anyway.
    [[maybe_unused]] const auto n = ::write(event_fd_.get(), &one, sizeof one);
  }

  // Owner thread. Hands each waiting message to `handler` in order, at most
  // `max` of them (so a flooded mailbox cannot starve the owner's sockets;
  // more only when control messages arrive during the drain, see the lanes
  // above); returns how many were handled. Clears the wake-up first, so a message posted
  // during the drain wakes the owner again.
  template <class Handler>
  std::size_t drain(Handler&& handler, std::size_t max = static_cast<std::size_t>(-1)) {
    assert(owner_.is_owner());
    clear_wakeup();
    // The control lane first (what it holds is small and urgent), within `max`
    // like the bulk lane: a caller that takes one message gets one, the rest
    // stay queued.
    std::size_t handled = hand_out_control(handler, max);
    std::uint32_t index = 0;
    while (handled < max && ready_.pop(index)) {
      Message message = std::move(*slots_[index]);
      slots_[index].reset();
      [[maybe_unused]] const bool ok = free_.bounded_push(index);
      assert(ok);
      in_use_.fetch_sub(1, std::memory_order_relaxed);
      // Control messages posted since (see the lanes above): all of them
      // before this bulk message, even beyond `max`; it was posted after them.
      if (control_waiting_.load(std::memory_order_seq_cst))
        handled += hand_out_control(handler, static_cast<std::size_t>(-1));
      ++handled;
      handler(std::move(message));
    }
    // Possibly more left: stay readable. (queue::empty() is only a hint under
    // concurrency, so do not consult it; a spurious wake-up drains nothing.)
    if (handled >= max) notify();
    return handled;
  }

  // Owner thread, for owners with no other descriptor to poll: waits until a
  // message may be waiting or the timeout passes. True if woken.
  bool wait(std::chrono::milliseconds timeout) const {
    pollfd p{event_fd_.get(), POLLIN, 0};
    const int ms = timeout.count() < 0 ? -1 : static_cast<int>(timeout.count());
    int r = 0;
    do {
      r = ::poll(&p, 1, ms);
    } while (r < 0 && errno == EINTR);
    return r > 0;
  }

  // Readable while messages may be waiting: for the owner's poll/epoll set.
  int fd() const { return event_fd_.get(); }
  // Bulk messages refused because every slot was taken.
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  // Control messages posted, and the most that ever waited at once.
  std::uint64_t control_posted() const { return control_posted_.load(std::memory_order_relaxed); }
  std::uint64_t control_peak() const { return control_peak_.load(std::memory_order_relaxed); }
  // Any thread: whether control-lane messages are waiting to be drained (for
  // an owner that polls a second mailbox and wants to end a long bulk drain
  // early when this one has work, see ProxyInstance::loop).
  bool control_waiting() const { return control_waiting_.load(std::memory_order_seq_cst); }
  std::size_t capacity() const { return capacity_; }
  // The owner thread binds when its loop starts; until then any thread may drain.
  ThreadChecker& owner() { return owner_; }

 private:
  // Owner thread: hands out up to `max` control messages, oldest first.
  template <class Handler>
  std::size_t hand_out_control(Handler& handler, std::size_t max) {
    std::deque<Message> control;
    {
      std::lock_guard lock(control_mutex_);
      if (control_.size() <= max) {
        control.swap(control_);
      } else {
        const auto end = control_.begin() + static_cast<std::ptrdiff_t>(max);
        control.assign(std::make_move_iterator(control_.begin()), std::make_move_iterator(end));
        control_.erase(control_.begin(), end);
      }
      control_waiting_.store(!control_.empty(), std::memory_order_seq_cst);
    }
    for (auto& message : control) handler(std::move(message));
    return control.size();
  }

  void clear_wakeup() {
    std::uint64_t value = 0;
    [[maybe_unused]] const auto n = ::read(event_fd_.get(), &value, sizeof value);
  }

  const std::size_t capacity_;
  std::unique_ptr<std::optional<Message>[]> slots_;
  boost::lockfree::queue<std::uint32_t> free_;
  boost::lockfree::queue<std::uint32_t> ready_;
  Fd event_fd_;
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::size_t> in_use_{0};
  std::mutex control_mutex_;
  std::deque<Message> control_;  // guarded by control_mutex_
  std::atomic<bool> control_waiting_{false};  // !control_.empty(), for the drain's look between bulk messages
  std::atomic<std::uint64_t> control_posted_{0};
  std::atomic<std::uint64_t> control_peak_{0};
  ThreadChecker owner_;
};

}  // namespace mcproxy
