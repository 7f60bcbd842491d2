// Syntax of the configuration language: tokens -> statements (syntax.hpp).
// Syntax errors are collected (parsing resumes after the next `;`), never thrown.
#pragma once

#include "modules/config/diagnostic.hpp"
#include "modules/config/lexer.hpp"
#include "modules/config/syntax.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcproxy::config {

struct SyntaxResult {
  std::vector<syntax::Statement> statements;  // the statements without syntax errors
  std::vector<Diagnostic> diagnostics;
};

// Lexes and parses `text`. Statements with a syntax error are left out and
// reported; the others are returned, so that semantic errors of the rest of the
// file can still be found.
SyntaxResult parse_syntax(std::string_view text, const std::string& file_name);

// Durations: a number with an optional fraction and unit ms, s, m or h;
// `bare_unit_ms` is the unit of a bare number (1000: seconds). Exposed for tests
// and for the control socket.
std::optional<Duration> parse_duration(std::string_view text, long long bare_unit_ms = 1000);

}  // namespace mcproxy::config
