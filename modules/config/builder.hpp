// Applies parsed statements to a Configuration: resolves table references
// (forward references allowed, cycles reported), binds filters, options and
// static routes to their instances and interfaces.
#pragma once

#include "modules/config/diagnostic.hpp"
#include "modules/config/syntax.hpp"

#include <vector>

namespace mcproxy::config {

// Statements apply in phases, so their order in the text does not matter:
// `disable` and `protocol`, then tables, then instance definitions, then the
// statements that refer to instances. Something set twice within
// `statements` is an error; something already set in `config` before the call
// is replaced (that is how a control-socket change overrides the file).
// Errors that need the whole configuration (see checker.hpp) are not found here.
std::vector<Diagnostic> apply_statements(std::vector<syntax::Statement> statements, Configuration& config);

}  // namespace mcproxy::config
