// mcproxyctl's connection to the daemon.
#include "mcproxy/control/client.hpp"

#include "mcproxy/control/listening_socket.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace mcproxy::control {
namespace {

using Kind = ClientError::Kind;
using Clock = std::chrono::steady_clock;

// The answer to `show mfc` can be large, but not this large.
constexpr std::size_t kMaxResponseBytes = 64 * 1024 * 1024;

std::string seconds_text(std::chrono::milliseconds ms) {
  if (ms.count() % 1000 == 0) return std::to_string(ms.count() / 1000) + " s";
  return std::to_string(ms.count()) + " ms";
}

// Waits for `events` on fd until the deadline. False on timeout.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 60'000)));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return true;  // let the next call report the error
  }
}

}  // namespace

std::expected<nlohmann::json, ClientError> send_request(const std::string& path, const nlohmann::json& request,
                                                        std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  auto fd = connect_unix(path);
  if (!fd) {
    const int error = fd.error();
    if (error == ENOENT || error == ECONNREFUSED || error == ENOTDIR)
      return std::unexpected(ClientError{
          Kind::Unavailable, "no mcproxy listening on " + path + " (is the daemon running? see --control-socket)"});
    if (error == EACCES || error == EPERM)
      return std::unexpected(ClientError{
          Kind::PermissionDenied,
          "permission denied on " + path + " (only root, the daemon's user and the control group may connect)"});
    return std::unexpected(ClientError{Kind::Failed, "cannot connect to " + path + ": " + std::strerror(error)});
  }

  const std::string line = request.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  for (std::size_t sent = 0; sent < line.size();) {
    if (!wait_for(fd->get(), POLLOUT, deadline))
      return std::unexpected(ClientError{Kind::Timeout, "timed out sending the request to " + path});
    const auto n = ::send(fd->get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
      // The daemon may have refused us with an answer and closed: read it.
      if (errno == EPIPE || errno == ECONNRESET) break;
      return std::unexpected(ClientError{Kind::Failed, std::string("sending the request: ") + std::strerror(errno)});
    }
  }

  std::string answer;
  std::array<char, 16 * 1024> buffer{};
  for (;;) {
    if (auto newline = answer.find('\n'); newline != std::string::npos) {
      answer.resize(newline);
      break;
    }
    if (answer.size() > kMaxResponseBytes)
      return std::unexpected(ClientError{Kind::Failed, "the answer from mcproxy is too large"});
    if (!wait_for(fd->get(), POLLIN, deadline))
      return std::unexpected(ClientError{Kind::Timeout, "no answer from mcproxy on " + path + " within " +
                                                            seconds_text(timeout)});
    const auto n = ::recv(fd->get(), buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (n > 0) {
      answer.append(buffer.data(), static_cast<std::size_t>(n));
    } else if (n == 0) {
      if (answer.empty())
        return std::unexpected(ClientError{Kind::Failed, "mcproxy closed the connection without answering"});
      break;  // an answer without its newline: take it
    } else if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
      return std::unexpected(ClientError{Kind::Failed, std::string("reading the answer: ") + std::strerror(errno)});
    }
  }
  try {
    auto response = nlohmann::json::parse(answer);
    if (!response.is_object()) return std::unexpected(ClientError{Kind::Failed, "malformed answer from mcproxy"});
    return response;
  } catch (const nlohmann::json::exception& e) {
    return std::unexpected(ClientError{Kind::Failed, std::string("malformed answer from mcproxy: ") + e.what()});
  }
}

}  // namespace mcproxy::control
