// A configuration error with the place it was found: what parse, load and
// check report, printed as `FILE:LINE:COL: message`.
#pragma once

#include "modules/config/config.hpp"

#include <string>
#include <vector>

namespace mcproxy::config {

// struct Diagnostic is declared in config.hpp (a Configuration carries its
// warnings).

// "FILE:LINE:COL" (without the message).
std::string to_string(const SourceLocation& where);

// Sorts by file position and drops exact duplicates (a named table used in
// several places is checked once per use, but reported once).
void sort_and_unique(std::vector<Diagnostic>& diagnostics);

}  // namespace mcproxy::config
