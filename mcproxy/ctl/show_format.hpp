// Human-readable rendering of the daemon's answers (shapes in
// doc/control-protocol.md). Tolerant: missing or odd fields print as "-",
// never throw.
#pragma once

#include "mcproxy/control/requests.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace mcproxy::ctl {

std::string format_show(control::ShowWhat what, const nlohmann::json& response);

// What mcproxyctl prints for a successful answer to `request`: a table for
// show, the Prometheus text for metrics, an optional "message" otherwise.
std::string format_response(const control::Request& request, const nlohmann::json& response);

// A field as a table cell: strings as is, numbers, yes/no for booleans,
// lists joined with ",", "-" for missing or null.
std::string cell(const nlohmann::json& object, const char* key);

// Milliseconds as "850ms", "4.5s", "42s", "4m20s", "2h05m".
std::string format_duration_ms(long long ms);

}  // namespace mcproxy::ctl
