// Records which thread owns an object so its methods can assert they run there
// (Envoy style): the only cross-thread operation in mcproxy is Mailbox::post().
#pragma once

#include <atomic>
#include <thread>

namespace mcproxy {

class ThreadChecker {
 public:
  // Binds to the calling thread. A module binds when its thread starts.
  void bind_to_current_thread() { owner_.store(std::this_thread::get_id(), std::memory_order_relaxed); }
  void unbind() { owner_.store(std::thread::id{}, std::memory_order_relaxed); }
  // True on the owner thread, and while unbound (construction and tests drive
  // objects from one thread before any module thread runs).
  bool is_owner() const {
    const auto owner = owner_.load(std::memory_order_relaxed);
    return owner == std::thread::id{} || owner == std::this_thread::get_id();
  }

 private:
  std::atomic<std::thread::id> owner_{};
};

}  // namespace mcproxy
