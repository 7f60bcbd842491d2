// The configuration language's entry points: a whole file (the daemon, SIGHUP,
// `mcproxy --check-config`) or a few statements applied to a running
// configuration (the control socket).
#pragma once

#include "modules/config/checker.hpp"
#include "modules/config/diagnostic.hpp"
#include "modules/config/summary.hpp"

#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace mcproxy::config {

// Parses, applies and checks a whole configuration text. All errors of the
// text are collected (syntax, statement and whole-configuration ones), sorted
// by position, each printed by Diagnostic::to_string() as FILE:LINE:COL: message.
// A `disable;` statement does not fail parsing: the result has `disabled` set
// and the daemon refuses to run it (as mcproxy did).
std::expected<Configuration, std::vector<Diagnostic>> parse_config(std::string_view text, std::string file_name);

// parse_config() of a file's content; an unreadable file is one diagnostic
// at PATH:0:0.
std::expected<Configuration, std::vector<Diagnostic>> load_config_file(const std::string& path);

// Parses `text` (statements in the file syntax, e.g. one `pinstance ...;` line
// or `set iptv downstream eth1 query-interval 30s;` -- `set` is a synonym of
// `pinstance`) and applies them to `base` in place. Returns the syntax and
// statement errors (unknown instance/interface/table, something set twice in
// `text`); options already set in `base` are overridden. This does NOT run
// check(): to change a running configuration, apply to a copy, then
//   auto errors = parse_statements(text, "control", copy);
//   if (errors.empty()) errors = check(copy);
//   if (errors.empty()) running = std::move(copy);
// so that a change is validated as a whole before anything is applied.
// To redefine an instance, erase it from the copy first (a definition of an
// existing name is a duplicate).
std::vector<Diagnostic> parse_statements(std::string_view text, const std::string& file_name, Configuration& base);

}  // namespace mcproxy::config
