// Source lists as sets, with the RFC's notation: A+B (union), A*B (intersection)
// and A-B (difference), so the §6.4 tables read like RFC 3376 / RFC 3810 §7.4.
#pragma once

#include "modules/common/address.hpp"

#include <algorithm>
#include <iterator>
#include <set>
#include <vector>

namespace mcproxy::instances {

using SourceSet = std::set<Address>;

// A+B: sources in A or B.
inline SourceSet operator+(const SourceSet& a, const SourceSet& b) {
  SourceSet r = a;
  r.insert(b.begin(), b.end());
  return r;
}

// A*B: sources in both A and B.
inline SourceSet operator*(const SourceSet& a, const SourceSet& b) {
  SourceSet r;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::inserter(r, r.end()));
  return r;
}

// A-B: sources in A but not in B.
inline SourceSet operator-(const SourceSet& a, const SourceSet& b) {
  SourceSet r;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::inserter(r, r.end()));
  return r;
}

inline SourceSet to_source_set(const std::vector<Address>& list) {
  return SourceSet(list.begin(), list.end());
}

}  // namespace mcproxy::instances
