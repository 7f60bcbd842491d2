// What the threaded control tests share: a temporary directory, a fake
// handler that answers now, later (from another thread) or never, and a raw
// line client with a timeout.
#pragma once

#include "mcproxy/control/handler.hpp"
#include "mcproxy/control/listening_socket.hpp"
#include "mcproxy/control/responses.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace mcproxy::control::testing {


class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mcproxy-ctl-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class FakeHandler : public ControlHandler {
 public:
  enum class Mode { Echo, Hold, Drop, Throw };

  explicit FakeHandler(Mode mode = Mode::Echo) : mode_(mode) {}

  void handle(const Request& request, Reply reply) override {
    std::lock_guard lock(mutex_);
    commands_.emplace_back(command_name(request));
    switch (mode_) {
      case Mode::Echo:
        reply(answer_ ? *answer_ : make_ok({{"cmd", std::string(command_name(request))}}));
        break;
      case Mode::Hold:
        held_.push_back(std::move(reply));
        break;
      case Mode::Drop:
        break;
      case Mode::Throw:
        throw std::runtime_error("boom");
    }
    changed_.notify_all();
  }

  void set_answer(nlohmann::json answer) {
    std::lock_guard lock(mutex_);
    answer_ = std::move(answer);
  }

  // Waits until `count` requests arrived; false on timeout.
  bool wait_for_requests(std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return commands_.size() >= count; });
  }

  std::vector<Reply> take_held() {
    std::lock_guard lock(mutex_);
    return std::exchange(held_, {});
  }

  std::vector<std::string> commands() {
    std::lock_guard lock(mutex_);
    return commands_;
  }

 private:
  Mode mode_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> commands_;
  std::vector<Reply> held_;
  std::optional<nlohmann::json> answer_;
};

// A client speaking raw lines.
class LineClient {
 public:
  explicit LineClient(const std::string& path) {
    auto fd = connect_unix(path);
    if (fd) fd_ = std::move(*fd);
  }
  bool connected() const { return fd_.valid(); }

  bool send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const auto n = ::send(fd_.get(), bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  // The next line, or nothing on timeout or end of stream.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (auto newline = buffer_.find('\n'); newline != std::string::npos) {
        std::string line = buffer_.substr(0, newline);
        buffer_.erase(0, newline + 1);
        return line;
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0) return std::nullopt;
      pollfd p{fd_.get(), POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
      char chunk[4096];
      const auto n = ::recv(fd_.get(), chunk, sizeof chunk, 0);
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  // Whether the server closed the connection (EOF) within the timeout.
  bool closed_by_server(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    pollfd p{fd_.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char c;
    return ::recv(fd_.get(), &c, 1, MSG_DONTWAIT) <= 0;
  }

  void close() { fd_.reset(); }
  void shutdown_write() { ::shutdown(fd_.get(), SHUT_WR); }

 private:
  UniqueFd fd_;
  std::string buffer_;
};

inline nlohmann::json parse(const std::optional<std::string>& line) {
  if (!line) return nullptr;
  return nlohmann::json::parse(*line, nullptr, false);
}

}  // namespace mcproxy::control::testing
