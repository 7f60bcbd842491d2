// RFC notation set operations on source lists (RFC 3376 §6.4: A+B union, A*B
// intersection, A-B difference), shared by the host side and the aggregation.
#pragma once

#include "modules/common/address.hpp"

#include <algorithm>
#include <iterator>
#include <set>

namespace mcproxy::instances::sources {

using Set = std::set<Address>;

// A+B
inline Set plus(const Set& a, const Set& b) {
  Set r = a;
  r.insert(b.begin(), b.end());
  return r;
}

// A*B
inline Set times(const Set& a, const Set& b) {
  Set r;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::inserter(r, r.end()));
  return r;
}

// A-B
inline Set minus(const Set& a, const Set& b) {
  Set r;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::inserter(r, r.end()));
  return r;
}

}  // namespace mcproxy::instances::sources
