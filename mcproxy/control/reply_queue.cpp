// The reply queue of the control server.
#include "mcproxy/control/reply_queue.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

namespace mcproxy::control {

ReplyQueue::ReplyQueue() : event_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

void ReplyQueue::post(PostedReply reply) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    replies_.push_back(std::move(reply));
  }
  const std::uint64_t one = 1;
  // EAGAIN only when the counter is about to overflow: the server is awake anyway.
  [[maybe_unused]] auto written = ::write(event_.get(), &one, sizeof one);
}

std::vector<PostedReply> ReplyQueue::take() {
  std::uint64_t count = 0;
  [[maybe_unused]] auto read = ::read(event_.get(), &count, sizeof count);
  std::lock_guard lock(mutex_);
  return std::exchange(replies_, {});
}

void ReplyQueue::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  replies_.clear();
}

}  // namespace mcproxy::control
