// RFC 4605 §4.2 forwarding decision of a proxy instance: which (S,G) data is
// accepted on which interface and where it goes, and the MFC entries that say so.
#include "instances/proxy/proxy_core.hpp"

#include "instances/proxy/aggregation.hpp"
#include "instances/proxy/core_parts.hpp"
#include "instances/proxy/filter.hpp"

#include <algorithm>

namespace mcproxy::instances {

using core_detail::binding;
using core_detail::same_family;

// RFC 4605 §4.2: "A proxy device forwards packets received on its upstream
// interface to each downstream interface based upon the downstream
// interface's subscriptions ... [and] packets received on any downstream
// interface to the upstream interface, and to each downstream interface other
// than the incoming interface based upon the downstream interfaces'
// subscriptions". Every (S,G) seen gets a kernel entry at once, forwarding
// nowhere if nobody wants it, so that the kernel stops queueing and upcalling
// its packets and its counter tells whether the source still sends.
void ProxyCore::handle_data(const std::string& input_ifname, const Address& source, const Address& group,
                            TimePoint now, CoreEffects& out) {
  if (!group.is_multicast() || !same_family(group, protocol_) || !same_family(source, protocol_)) {
    counters_["data-bad-address"]++;
    return;
  }
  const Downstream* d = find_downstream(input_ifname);
  const Upstream* u = find_upstream(input_ifname);
  if (d == nullptr && u == nullptr) {
    counters_["data-unknown-interface"]++;
    return;
  }
  if ((d != nullptr && !d->up) || (u != nullptr && !u->up)) {
    counters_["data-interface-down"]++;
    return;
  }
  if (d != nullptr) counters_["data-from-downstream"]++;
  if (u != nullptr && mutex_mode() && mutex_rejects(input_ifname, group, source, now, out)) return;
  auto [git, fresh_group] = sg_.try_emplace(group);
  (void)fresh_group;
  SgState& sg = git->second[source];
  sg.input = input_ifname;
  sg.last_active = now;
  sg.packets.reset();  // a new kernel entry counts from zero
  schedule_counter_read(now);
  auto outputs = compute_outputs(input_ifname, group, source);
  if (outputs.empty()) counters_["data-no-receivers"]++;
  // A NOCACHE upcall means the kernel has no entry: install even if we
  // believe one is there.
  install(group, source, sg, std::move(outputs), true, out);
  // `in rulematching mutex MS`: the first upstream whose (requested) data of
  // (S,G) arrives claims that source; the other upstreams stop requesting it.
  if (u != nullptr && mutex_mode() && accepts_from(*u, group, source)) {
    auto [it, taken] = locks_[group].try_emplace(source, MutexLock{input_ifname, now});
    it->second.last_data = now;
    if (taken) refresh_group(group, now, out);
  }
}

bool ProxyCore::accepts_from(const Upstream& u, const Address& group, const Address& source) const {
  if (!u.up) return false;
  if (!filter_admits(binding(u.cfg.filter_in), u.cfg.name, group, source)) return false;
  // Data is taken from an upstream only for (S,G)s requested there; under
  // `first` that is exactly one upstream per (S,G).
  const auto requested = u.host->state(group);
  if (!requested || !admits(*requested, source)) return false;
  if (mutex_mode()) {
    const MutexLock* claim = claim_of(group, source);
    if (claim != nullptr && claim->upstream != u.cfg.name) return false;
  }
  return true;
}

// Data from a downstream sender towards the upstreams (RFC 4605 §4.2), as
// mcproxy's `upstream * out rulematching` says: `all` (default) sends it to
// every up upstream whose `out` table admits it, `first` to the first of them
// in priority order. The `out` rules see the interface the data comes from,
// as a downstream's `out` rules do.
void ProxyCore::upstream_outputs(const std::string& input, const Address& group, const Address& source,
                                 std::set<std::string>& outputs) const {
  const bool first = cfg_.rule_matching.kind == config::RuleMatching::Kind::First;
  for (const auto& u : upstreams_) {
    if (!u->up) continue;
    if (!filter_admits(binding(u->cfg.filter_out), input, group, source)) continue;
    outputs.insert(u->cfg.name);
    if (first) break;
  }
}

std::set<std::string> ProxyCore::compute_outputs(const std::string& input, const Address& group,
                                                 const Address& source) const {
  std::set<std::string> outputs;
  const auto* u = find_upstream(input);
  const auto* from_downstream = find_downstream(input);
  const bool input_up = (u != nullptr && u->up) || (from_downstream != nullptr && from_downstream->up);
  if (!input_up) return outputs;
  // A downstream's `in` table also says which data its hosts may send in
  // (doc/configuration.md, mcproxy's "receive data at the downstream").
  if (from_downstream != nullptr && !filter_admits(binding(from_downstream->cfg.filter_in), input, group, source))
    return outputs;
  if (from_downstream != nullptr || accepts_from(*u, group, source)) {
    // Never back out of the incoming interface, never to a downstream
    // without a member that wants S (RFC 3376 §6.3).
    for (const auto& [name, d] : downstreams_) {
      if (!d->up || name == input) continue;
      if (!d->router->wants(group, source)) continue;
      if (!filter_admits(binding(d->cfg.filter_in), name, group, source)) continue;
      if (!filter_admits(binding(d->cfg.filter_out), input, group, source)) continue;
      outputs.insert(name);
    }
  }
  if (from_downstream != nullptr) upstream_outputs(input, group, source, outputs);
  // Static forwarding entries override the dynamic state: union of outputs.
  for (const auto& r : cfg_.static_routes) {
    if (r.group != group || !(r.source.is_unspecified() || r.source == source)) continue;
    for (const auto& name : r.downstreams) {
      const auto* d = find_downstream(name);
      if (d != nullptr && d->up && name != input) outputs.insert(name);
    }
  }
  return outputs;
}

unsigned ProxyCore::threshold_of(const std::string& ifname) const {
  const auto* ifc = cfg_.find_interface(ifname);
  if (const auto* d = find_downstream(ifname); ifc == nullptr && d != nullptr) ifc = &d->cfg;  // adopted
  return (ifc != nullptr && ifc->threshold) ? *ifc->threshold : 1u;
}

void ProxyCore::install(const Address& group, const Address& source, SgState& sg, std::set<std::string> outputs,
                        bool force, CoreEffects& out) {
  // The kernel forwards out of a VIF only packets whose TTL exceeds the
  // entry's threshold for it: the output's `threshold`, raised to the
  // upstream's for data from an upstream, so an upstream threshold holds back
  // low-TTL data everywhere.
  const unsigned input_threshold = find_upstream(sg.input) != nullptr ? threshold_of(sg.input) : 1u;
  std::map<std::string, unsigned> thresholds;
  for (const auto& name : outputs) thresholds[name] = std::max(threshold_of(name), input_threshold);
  // A changed threshold (reconfiguration) re-installs the entry as well.
  const bool unchanged = outputs == sg.outputs && thresholds == sg.ttl_thresholds;
  if (unchanged && !force) return;
  RouteChange rc;
  rc.source = source;
  rc.group = group;
  rc.input_interface = sg.input;
  rc.outputs = outputs;
  rc.ttl_thresholds = thresholds;
  out.routes.push_back(std::move(rc));
  sg.outputs = std::move(outputs);
  sg.ttl_thresholds = std::move(thresholds);
}

void ProxyCore::remove_routes_from(const std::string& input, TimePoint now, CoreEffects& out) {
  (void)now;
  for (auto git = sg_.begin(); git != sg_.end();) {
    for (auto sit = git->second.begin(); sit != git->second.end();) {
      if (sit->second.input != input) {
        ++sit;
        continue;
      }
      out.routes.push_back(RouteChange{sit->first, git->first, input, {}, {}, true});
      sit = git->second.erase(sit);
    }
    git = git->second.empty() ? sg_.erase(git) : std::next(git);
  }
  for (auto git = locks_.begin(); git != locks_.end();) {
    std::erase_if(git->second, [&](const auto& e) { return e.second.upstream == input; });
    git = git->second.empty() ? locks_.erase(git) : std::next(git);
  }
  // (callers refresh every group afterwards, so the other upstreams subscribe again)
}

}  // namespace mcproxy::instances
