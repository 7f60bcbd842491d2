// The client side of the control protocol (used by mcproxyctl): one request
// line out, one response line back, with a deadline.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <expected>
#include <string>

namespace mcproxy::control {

struct ClientError {
  enum class Kind {
    Unavailable,       // nothing listens on the path
    PermissionDenied,  // the socket file's permissions refuse us
    Timeout,           // no (complete) answer in time
    Failed,            // other I/O errors, malformed answers
  };
  Kind kind = Kind::Failed;
  std::string message;
};

// Sends `request` to the daemon at `path` and returns its decoded response
// object (which may say "ok":false). Never throws.
std::expected<nlohmann::json, ClientError> send_request(const std::string& path, const nlohmann::json& request,
                                                        std::chrono::milliseconds timeout);

}  // namespace mcproxy::control
