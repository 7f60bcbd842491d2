// Replies travelling from any thread back to the control server's thread: a
// locked queue plus an eventfd that wakes the server's epoll loop.
#pragma once

#include "mcproxy/control/unique_fd.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <mutex>
#include <vector>

namespace mcproxy::control {

struct PostedReply {
  std::uint64_t client = 0;  // connection id, never reused
  std::uint64_t seq = 0;     // request number within the connection
  nlohmann::json response;
};

// Thread-safe. Shared (shared_ptr) between the server and every outstanding
// Reply, so a reply posted after the server stopped lands in a closed queue.
class ReplyQueue {
 public:
  // Fails (invalid fd()) only if eventfd() fails.
  ReplyQueue();

  // Any thread. Dropped once closed.
  void post(PostedReply reply);
  // Server thread: everything posted so far; clears the wake-up.
  std::vector<PostedReply> take();
  // Server thread, on stop: later posts are dropped.
  void close();

  int fd() const { return event_.get(); }

 private:
  std::mutex mutex_;
  std::vector<PostedReply> replies_;
  bool closed_ = false;
  UniqueFd event_;
};

}  // namespace mcproxy::control
