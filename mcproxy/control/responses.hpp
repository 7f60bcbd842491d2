// Building and writing control responses: `{"ok":true,...}` or
// `{"ok":false,"error":"..."}`, one line each, "ok" written first.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace mcproxy::control {

// A success response carrying `fields` (an object; anything else is ignored).
nlohmann::json make_ok(nlohmann::json fields = nlohmann::json::object());
nlohmann::json make_error(const std::string& message);

// Normalises what a handler replied: an object without "ok" gets "ok":true;
// an object with "ok":false gets an "error" string if it lacks one; anything
// else becomes an internal error.
nlohmann::json normalise_response(nlohmann::json response);

// One response line, "ok" first, '\n' terminated. Invalid UTF-8 in strings is
// replaced rather than thrown on.
std::string serialize_response(const nlohmann::json& response);

}  // namespace mcproxy::control
