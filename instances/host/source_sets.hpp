// RFC notation set operations on source lists (RFC 3376 §6.4: A+B union, A*B
// intersection, A-B difference), shared by the host side and the aggregation.
#pragma once

#include "instances/router/source_set.hpp"

namespace mcproxy::instances::sources {

using Set = SourceSet;

// A+B
inline Set plus(const Set& a, const Set& b) { return a + b; }

// A*B
inline Set times(const Set& a, const Set& b) { return a * b; }

// A-B
inline Set minus(const Set& a, const Set& b) { return a - b; }

}  // namespace mcproxy::instances::sources
