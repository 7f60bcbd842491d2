// Control responses: construction, normalisation and the wire form.
#include "mcproxy/control/responses.hpp"

namespace mcproxy::control {

using nlohmann::json;

json make_ok(json fields) {
  json response = fields.is_object() ? std::move(fields) : json::object();
  response["ok"] = true;
  return response;
}

json make_error(const std::string& message) { return json{{"ok", false}, {"error", message}}; }

json normalise_response(json response) {
  if (!response.is_object()) return make_error("internal error: the daemon sent a malformed reply");
  auto ok = response.find("ok");
  if (ok == response.end()) {
    response["ok"] = true;
  } else if (!ok->is_boolean()) {
    return make_error("internal error: the daemon sent a malformed reply");
  } else if (!ok->get<bool>()) {
    auto error = response.find("error");
    if (error == response.end() || !error->is_string()) response["error"] = "unspecified error";
  }
  return response;
}

std::string serialize_response(const json& response) {
  constexpr auto kReplace = json::error_handler_t::replace;
  std::string line = "{\"ok\":";
  const auto ok = response.find("ok");
  line += (ok != response.end() && ok->is_boolean() && ok->get<bool>()) ? "true" : "false";
  for (const auto& [key, value] : response.items()) {
    if (key == "ok") continue;
    line += ',';
    line += json(key).dump(-1, ' ', false, kReplace);
    line += ':';
    line += value.dump(-1, ' ', false, kReplace);
  }
  line += "}\n";
  return line;
}

}  // namespace mcproxy::control
