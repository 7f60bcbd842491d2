// RFC 4605 §4.1 membership aggregation: the merging rules of RFC 3376 §3.2
// applied across downstream interfaces, plus the helpers the forwarding and
// upstream-selection code needs. Pure functions.
#pragma once

#include "instances/router/downstream_router.hpp"  // Membership, FilterMode
#include "modules/common/address.hpp"

#include <vector>

namespace mcproxy::instances {

// RFC 3376 §3.2 (used by RFC 4605 §4.1 for the proxy's upstream state):
//   INCLUDE(A) + INCLUDE(B) = INCLUDE(A+B)
//   INCLUDE(A) + EXCLUDE(B) = EXCLUDE(B-A)
//   EXCLUDE(A) + EXCLUDE(B) = EXCLUDE(A*B)
Membership merge(const Membership& a, const Membership& b);

// Merges any number of memberships, starting from INCLUDE{} (no interest).
Membership aggregate(const std::vector<Membership>& memberships);

// What `a` asks for that `b` does not already cover, used to give each
// (S,G) to exactly one upstream under `rulematching first`:
//   INCLUDE(A) - INCLUDE(B) = INCLUDE(A-B)    INCLUDE(A) - EXCLUDE(B) = INCLUDE(A*B)
//   EXCLUDE(A) - INCLUDE(B) = EXCLUDE(A+B)    EXCLUDE(A) - EXCLUDE(B) = INCLUDE(B-A)
Membership subtract(const Membership& a, const Membership& b);

// Whether a membership asks for traffic from `source` (RFC 3376 §6.3 reading
// of a filter mode and source list).
bool admits(const Membership& m, const Address& source);

// INCLUDE{} is "no interest at all".
inline bool is_empty(const Membership& m) { return m.mode == FilterMode::Include && m.sources.empty(); }

}  // namespace mcproxy::instances
