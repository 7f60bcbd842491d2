// RFC 4605 §4.1 / RFC 3376 §3.2 membership merging.
#include "instances/proxy/aggregation.hpp"

#include "instances/host/source_sets.hpp"

namespace mcproxy::instances {

Membership merge(const Membership& a, const Membership& b) {
  using sources::minus;
  using sources::plus;
  using sources::times;
  if (a.mode == FilterMode::Include && b.mode == FilterMode::Include) return {FilterMode::Include, plus(a.sources, b.sources)};
  if (a.mode == FilterMode::Include) return {FilterMode::Exclude, minus(b.sources, a.sources)};
  if (b.mode == FilterMode::Include) return {FilterMode::Exclude, minus(a.sources, b.sources)};
  return {FilterMode::Exclude, times(a.sources, b.sources)};
}

Membership aggregate(const std::vector<Membership>& memberships) {
  Membership r;
  for (const auto& m : memberships) r = merge(r, m);
  return r;
}

Membership subtract(const Membership& a, const Membership& b) {
  using sources::minus;
  using sources::plus;
  using sources::times;
  if (a.mode == FilterMode::Include && b.mode == FilterMode::Include) return {FilterMode::Include, minus(a.sources, b.sources)};
  if (a.mode == FilterMode::Include) return {FilterMode::Include, times(a.sources, b.sources)};
  if (b.mode == FilterMode::Include) return {FilterMode::Exclude, plus(a.sources, b.sources)};
  return {FilterMode::Include, minus(b.sources, a.sources)};
}

bool admits(const Membership& m, const Address& source) {
  const bool listed = m.sources.contains(source);
  return m.mode == FilterMode::Include ? listed : !listed;
}

}  // namespace mcproxy::instances
