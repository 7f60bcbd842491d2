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
// filters allow, except the sources whose data already came in on another
// upstream (mcproxy's process_upstream_in_mutex: per source).
void ProxyCore::refresh_upstream_requests(const Address& group, TimePoint now, CoreEffects& out) {
  const auto statics = static_contributions(group);
  const auto kind = cfg_.upstream_in_rule_matching.kind;
  const bool first = kind == config::RuleMatching::Kind::First;
  const std::map<Address, MutexLock>* claims = nullptr;
  if (kind == config::RuleMatching::Kind::Mutex) {
    auto it = locks_.find(group);
    if (it != locks_.end()) claims = &it->second;
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
    } else if (claims != nullptr) {
      // mutex: the sources another upstream has claimed are not requested
      // here (EXCLUDE{S...} for "any other source", RFC 3376 §3.2 / RFC 3810
      // §4.2; an IGMPv2/MLDv1 upstream cannot leave one source out).
      Membership others;
      for (const auto& [source, claim] : *claims)
        if (claim.upstream != u->cfg.name) others.sources.insert(source);
      wanted = subtract(wanted, others);
    }
    Effects e;
    u->host->set_state(group, wanted, now, e);
    absorb(e, now, out);
  }
}

bool ProxyCore::mutex_mode() const {
  return cfg_.upstream_in_rule_matching.kind == config::RuleMatching::Kind::Mutex;
}

// The upstream that claimed (S,G) under `rulematching mutex MS`, if any.
const ProxyCore::MutexLock* ProxyCore::claim_of(const Address& group, const Address& source) const {
  auto git = locks_.find(group);
  if (git == locks_.end()) return nullptr;
  auto it = git->second.find(source);
  return it == git->second.end() ? nullptr : &it->second;
}

void ProxyCore::drop_claim(const Address& group, const Address& source) {
  auto git = locks_.find(group);
  if (git == locks_.end()) return;
  git->second.erase(source);
  if (git->second.empty()) locks_.erase(git);
}

// Data of (S,G) from an upstream while another upstream holds the source's
// claim. The kernel reports data it has no entry for (NOCACHE), so either this
// upcall raced the owner's or the owner's entry was lost: the owner's entry is
// installed again and the kernel keeps taking S from the owner only (counted
// `data-mutex-rejected`). A claim whose owner has no entry of S left is stale:
// it goes, every upstream requests S again, and this data may claim it.
bool ProxyCore::mutex_rejects(const std::string& input, const Address& group, const Address& source, TimePoint now,
                              CoreEffects& out) {
  const MutexLock* claim = claim_of(group, source);
  if (claim == nullptr || claim->upstream == input) return false;
  if (auto git = sg_.find(group); git != sg_.end()) {
    auto sit = git->second.find(source);
    if (sit != git->second.end() && sit->second.input == claim->upstream) {
      counters_["data-mutex-rejected"]++;
      install(group, source, sit->second, sit->second.outputs, true, out);
      return true;
    }
  }
  counters_["mutex-released"]++;
  drop_claim(group, source);
  refresh_group(group, now, out);
  return false;
}

}  // namespace mcproxy::instances
