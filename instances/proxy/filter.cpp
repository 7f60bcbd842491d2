// Whitelist/blacklist filtering of memberships and (S,G) pairs.
#include "instances/proxy/filter.hpp"

#include "instances/host/source_sets.hpp"

#include <array>
#include <optional>
#include <set>

namespace mcproxy::instances {

namespace {

bool is_whole_family(const config::AddressRange& r) {
  if (r.first.is_v4() != r.last.is_v4()) return false;
  if (r.first.is_v4()) return r.first.to_v4().to_uint() == 0 && r.last.to_v4().to_uint() == 0xffffffffu;
  const auto lo = r.first.to_v6().to_bytes();
  const auto hi = r.last.to_v6().to_bytes();
  for (std::size_t i = 0; i < lo.size(); ++i)
    if (lo[i] != 0 || hi[i] != 0xff) return false;
  return true;
}

// The addresses of a small range, or nullopt when it is too wide to list.
std::optional<std::set<Address>> enumerate(const config::AddressRange& r) {
  std::set<Address> out;
  if (r.first.is_v4() != r.last.is_v4()) return out;
  if (r.first.is_v4()) {
    const auto a = r.first.to_v4().to_uint();
    const auto b = r.last.to_v4().to_uint();
    if (b < a) return out;
    if (b - a >= kMaxEnumeratedSources) return std::nullopt;
    for (auto x = a;; ++x) {
      out.insert(Address(AddressV4(x)));
      if (x == b) break;
    }
    return out;
  }
  auto lo = r.first.to_v6().to_bytes();
  const auto hi = r.last.to_v6().to_bytes();
  for (std::size_t i = 0; i < 12; ++i)
    if (lo[i] != hi[i]) return std::nullopt;
  auto low32 = [](const std::array<unsigned char, 16>& b) {
    return (std::uint32_t{b[12]} << 24) | (std::uint32_t{b[13]} << 16) | (std::uint32_t{b[14]} << 8) | b[15];
  };
  const auto a = low32(lo);
  const auto b = low32(hi);
  if (b < a) return out;
  if (b - a >= kMaxEnumeratedSources) return std::nullopt;
  for (auto x = a;; ++x) {
    lo[12] = static_cast<unsigned char>(x >> 24);
    lo[13] = static_cast<unsigned char>(x >> 16);
    lo[14] = static_cast<unsigned char>(x >> 8);
    lo[15] = static_cast<unsigned char>(x);
    out.insert(Address(AddressV6(lo)));
    if (x == b) break;
  }
  return out;
}

}  // namespace

bool filter_admits(const config::FilterBinding* filter, const std::string& ifname, const Address& group,
                   const Address& source) {
  return filter == nullptr || filter->admits(ifname, group, source);
}

Membership filter_membership(const Membership& m, const config::FilterBinding* filter, const std::string& ifname,
                             const Address& group) {
  if (filter == nullptr) return m;
  if (m.mode == FilterMode::Include) {
    Membership r{FilterMode::Include, {}};
    for (const auto& s : m.sources)
      if (filter->admits(ifname, group, s)) r.sources.insert(s);
    return r;
  }
  // EXCLUDE(X): which sources do the rules for (ifname, group) name?
  bool any_rule = false;
  bool whole = false;
  bool partial = false;
  std::set<Address> named;
  for (const auto& rule : filter->table.rules) {
    if (!rule.interface.empty() && rule.interface != ifname) continue;
    if (!rule.group.contains(group)) continue;
    any_rule = true;
    if (is_whole_family(rule.source)) {
      whole = true;
      continue;
    }
    if (auto listed = enumerate(rule.source)) {
      named.insert(listed->begin(), listed->end());
    } else {
      partial = true;
    }
  }
  if (filter->kind == config::FilterKind::Whitelist) {
    if (!any_rule) return {FilterMode::Include, {}};       // nothing of this group admitted
    if (whole || partial) return m;                         // all (or not listable): keep
    return {FilterMode::Include, sources::minus(named, m.sources)};  // only the named sources
  }
  if (whole) return {FilterMode::Include, {}};  // the whole group is blacklisted
  return {FilterMode::Exclude, sources::plus(m.sources, named)};
}

}  // namespace mcproxy::instances
