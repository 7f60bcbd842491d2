// RFC 4605 §4.1 upstream selection of a proxy instance: the aggregated,
// filtered membership each upstream requests, under mcproxy's
// `upstream * in rulematching first | mutex MS`.
#include "instances/proxy/proxy_core.hpp"

#include "instances/proxy/aggregation.hpp"
#include "instances/proxy/core_parts.hpp"
#include "instances/proxy/filter.hpp"

namespace mcproxy::instances {

using core_detail::binding;
using core_detail::same_family;

std::set<Address> ProxyCore::all_groups() const {
  std::set<Address> groups;
  for (const auto& [name, d] : downstreams_)
    for (const auto& [g, m] : d->router->memberships()) groups.insert(g);
  for (const auto& u : upstreams_)
    for (const auto& [g, m] : u->host->state()) groups.insert(g);
  for (const auto& [g, s] : sg_) groups.insert(g);
  for (const auto& r : cfg_.static_routes)
    if (same_family(r.group, protocol_)) groups.insert(r.group);
  return groups;
}

void ProxyCore::refresh_all(TimePoint now, CoreEffects& out) {
  for (const auto& g : all_groups()) refresh_group(g, now, out);
}

void ProxyCore::refresh_group(const Address& group, TimePoint now, CoreEffects& out) {
  refresh_upstream_requests(group, now, out);
  // RFC 4605 §4.2: forwarding follows the membership at once, for every (S,G)
  // of the group the instance knows, not when the next packet arrives.
  auto it = sg_.find(group);
  if (it != sg_.end()) {
    for (auto& [source, sg] : it->second) install(group, source, sg, compute_outputs(sg.input, group, source), false, out);
  }
}

// A static forwarding entry is also interest: the proxy must receive the
// traffic to forward it (source unspecified: EXCLUDE{}, else INCLUDE{S}).
std::vector<Membership> ProxyCore::static_contributions(const Address& group) const {
  std::vector<Membership> r;
  for (const auto& route : cfg_.static_routes) {
    if (route.group != group) continue;
    if (route.source.is_unspecified()) {
      r.push_back({FilterMode::Exclude, {}});
    } else {
      r.push_back({FilterMode::Include, {route.source}});
    }
  }
  return r;
}

// RFC 4605 §4.1: the upstream reports the merge of the downstream states,
// after the filters: downstream `in` (what hosts may subscribe), downstream
// `out` (what may be forwarded there from this upstream), upstream `out`
// (what is requested upstream) and upstream `in` (what is accepted from it).
// Several upstreams (`upstream * in rulematching`): `first` (default) gives
// each (S,G) to the first up upstream, in priority order, whose filters allow
// it (mcproxy's "reminder" scheme); `mutex` requests on every upstream the
// filters allow until one of them delivers the group's data (then only there).
void ProxyCore::refresh_upstream_requests(const Address& group, TimePoint now, CoreEffects& out) {
  const auto statics = static_contributions(group);
  const auto kind = cfg_.upstream_in_rule_matching.kind;
  const bool first = kind == config::RuleMatching::Kind::First;
  const MutexLock* lock = nullptr;
  if (kind == config::RuleMatching::Kind::Mutex) {
    auto it = locks_.find(group);
    if (it != locks_.end()) lock = &it->second;
  }
  Membership taken;  // INCLUDE{}: what higher-priority upstreams already request
  for (auto& u : upstreams_) {
    if (!u->up) continue;
    std::vector<Membership> parts = statics;
    for (const auto& [name, d] : downstreams_) {
      if (!d->up) continue;
      auto m = d->router->membership(group);
      if (!m) continue;
      Membership filtered = filter_membership(*m, binding(d->cfg.filter_in), name, group);
      filtered = filter_membership(filtered, binding(d->cfg.filter_out), u->cfg.name, group);
      parts.push_back(std::move(filtered));
    }
    Membership wanted = aggregate(parts);
    wanted = filter_membership(wanted, binding(u->cfg.filter_out), u->cfg.name, group);
    wanted = filter_membership(wanted, binding(u->cfg.filter_in), u->cfg.name, group);
    if (first) {
      wanted = subtract(wanted, taken);
      taken = merge(taken, wanted);
    } else if (lock != nullptr && lock->upstream != u->cfg.name) {
      wanted = Membership{};  // mutex: another upstream has the group
    }
    Effects e;
    u->host->set_state(group, wanted, now, e);
    absorb(e, now, out);
  }
}

bool ProxyCore::mutex_mode() const {
  return cfg_.upstream_in_rule_matching.kind == config::RuleMatching::Kind::Mutex;
}

}  // namespace mcproxy::instances
