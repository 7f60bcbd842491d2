// Defaults and limits of the control channel, shared by the server (daemon)
// and the client (mcproxyctl) so both sides agree on paths and timeouts.
#pragma once

#include <chrono>
#include <cstddef>

namespace mcproxy::control {

// Where the daemon listens unless --control-socket says otherwise.
inline constexpr const char* kDefaultControlSocket = "/run/mcproxy/mcproxy.sock";

// One request line, newline included; a longer line is an error and closes the connection.
inline constexpr std::size_t kMaxRequestBytes = 64 * 1024;
// Connections served at once; more are answered with an error and closed.
inline constexpr std::size_t kMaxClients = 16;
// A client that sends half a request, stops reading or stays idle this long is closed.
inline constexpr std::chrono::milliseconds kClientTimeout{10'000};
// How long the server waits for the daemon to answer one request.
inline constexpr std::chrono::milliseconds kHandlerTimeout{8'000};
// Requests one connection may have in flight before the server stops reading from it.
inline constexpr std::size_t kMaxPipelined = 32;
// How long mcproxyctl waits for the answer.
inline constexpr std::chrono::milliseconds kClientAnswerTimeout{10'000};

}  // namespace mcproxy::control
