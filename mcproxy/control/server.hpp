// The control server: its own thread running one epoll loop over the
// listening socket, the clients and two eventfds (stop, replies). Each
// complete, checked request goes to the ControlHandler; replies may come
// back from any thread and are sent in request order per connection.
#pragma once

#include "mcproxy/control/client_session.hpp"
#include "mcproxy/control/defaults.hpp"
#include "mcproxy/control/handler.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>

namespace mcproxy::control {

struct ServerOptions {
  std::string path = kDefaultControlSocket;
  // Control group (name or number): its members may connect too; the socket
  // becomes 0660 and belongs to it. Unset: owner-only (0600).
  std::optional<std::string> group;
  std::size_t max_request_bytes = kMaxRequestBytes;
  std::size_t max_clients = kMaxClients;
  std::size_t max_pipelined = kMaxPipelined;
  std::chrono::milliseconds client_timeout = kClientTimeout;
  std::chrono::milliseconds handler_timeout = kHandlerTimeout;
};

// Counters of the server itself, for `stats` and `metrics`.
struct ServerCounters {
  std::uint64_t connections = 0;
  std::uint64_t refused_permission = 0;
  std::uint64_t refused_too_many = 0;
  std::uint64_t requests = 0;  // valid requests handed to the daemon
  SessionErrors errors;        // answered with an error by the server itself, by reason
};

class ControlServer {
 public:
  // Creates the socket and starts the thread. Errors: the socket cannot be
  // created ("another mcproxy is listening on PATH", permissions, unknown
  // group, ...). The handler must outlive the server.
  static std::expected<std::unique_ptr<ControlServer>, std::string> start(ServerOptions options,
                                                                          ControlHandler& handler);
  ~ControlServer();  // stop()
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Any thread except the server's (i.e. not from inside handle()): closes
  // every connection, removes the socket file and joins the thread.
  // Replies posted afterwards are dropped.
  void stop();

  // Any thread: a snapshot of the counters.
  ServerCounters counters() const;

  const std::string& path() const;

  class Impl;

 private:
  explicit ControlServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcproxy::control
