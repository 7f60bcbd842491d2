// The seam between the control server and the daemon: the server hands each
// checked request to a ControlHandler; the daemon implements it.
#pragma once

#include "mcproxy/control/requests.hpp"

#include <nlohmann/json.hpp>

#include <functional>

namespace mcproxy::control {

// Answers one request. Call it exactly once, from any thread, with the
// response object: make_ok({...}) / make_error("...") from responses.hpp, or
// any object ("ok":true is added when missing). Calling it after the client
// left or after the server stopped is harmless (the reply is dropped); a
// Reply destroyed without being called answers "internal error".
using Reply = std::function<void(nlohmann::json)>;

class ControlHandler {
 public:
  virtual ~ControlHandler() = default;
  // Runs on the control server's thread and must not block: ask the instance
  // threads by posting to them and reply when they have answered. Exceptions
  // escaping handle() are caught and answered as internal errors.
  virtual void handle(const Request& request, Reply reply) = 0;
};

}  // namespace mcproxy::control
