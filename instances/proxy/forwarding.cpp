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

void ProxyCore::handle_data(const std::string& input_ifname, const Address& source, const Address& group,
                            TimePoint now, CoreEffects& out) {
  if (!group.is_multicast() || !same_family(group, protocol_) || !same_family(source, protocol_)) {
    counters_["data-bad-address"]++;
    return;
  }
  if (find_downstream(input_ifname) != nullptr) {
    // Only upstream -> downstream forwarding (doc/protocol-proxy.md): a
    // sender on a downstream link is not forwarded upstream or sideways.
    counters_["data-from-downstream"]++;
    return;
  }
  auto* u = find_upstream(input_ifname);
  if (u == nullptr) {
    counters_["data-unknown-interface"]++;
    return;
  }
  if (!u->up) {
    counters_["data-interface-down"]++;
    return;
  }
  if (mutex_mode()) {
    auto it = locks_.find(group);
    if (it != locks_.end() && it->second.upstream != input_ifname) {
      counters_["data-mutex-rejected"]++;
      return;
    }
  }
  SgState& sg = sg_[group][source];
  sg.input = input_ifname;
  sg.expires = now + unresolved_lifetime();
  auto outputs = compute_outputs(input_ifname, group, source, now);
  if (outputs.empty()) counters_["data-no-receivers"]++;
  // A NOCACHE upcall means the kernel has no entry: install even if we
  // believe one is there.
  install(group, source, sg, std::move(outputs), true, now, out);
  reindex(group, source, sg);
  // `in rulematching mutex MS`: the first upstream whose (requested) data of
  // the group arrives keeps the group; the other upstreams unsubscribe it.
  if (mutex_mode() && accepts_from(*u, group, source, now)) {
    auto [it, taken] = locks_.try_emplace(group, MutexLock{input_ifname, std::nullopt});
    if (taken) {
      refresh_group(group, now, out);  // others unsubscribe; their routes of the group go
    } else {
      it->second.release_at.reset();  // data again: the group stays here
    }
    update_mutex_release(group, now);
  }
}

// --- Forwarding decision ---------------------------------------------------------

bool ProxyCore::accepts_from(const Upstream& u, const Address& group, const Address& source, TimePoint now) const {
  if (!u.up) return false;
  if (!filter_admits(binding(u.cfg.filter_in), u.cfg.name, group, source)) return false;
  // Data is taken from an upstream only for (S,G)s requested there; under
  // `first` that is exactly one upstream per (S,G).
  const auto requested = u.host->state(group);
  if (!requested || !admits(*requested, source)) return false;
  (void)now;
  if (mutex_mode()) {
    auto it = locks_.find(group);
    if (it != locks_.end() && it->second.upstream != u.cfg.name) return false;
  }
  return true;
}

std::set<std::string> ProxyCore::compute_outputs(const std::string& input, const Address& group,
                                                 const Address& source, TimePoint now) const {
  std::set<std::string> outputs;
  const auto* u = find_upstream(input);
  if (u == nullptr) return outputs;
  if (accepts_from(*u, group, source, now)) {
    for (const auto& [name, d] : downstreams_) {
      if (!d->up || name == input) continue;
      if (!d->router->wants(group, source)) continue;
      if (!filter_admits(binding(d->cfg.filter_in), name, group, source)) continue;
      if (!filter_admits(binding(d->cfg.filter_out), input, group, source)) continue;
      outputs.insert(name);
    }
  }
  // Static forwarding entries override the dynamic state: union of outputs.
  if (u->up) {
    for (const auto& r : cfg_.static_routes) {
      if (r.group != group || !(r.source.is_unspecified() || r.source == source)) continue;
      for (const auto& name : r.downstreams) {
        const auto* d = find_downstream(name);
        if (d != nullptr && d->up && name != input) outputs.insert(name);
      }
    }
  }
  return outputs;
}

void ProxyCore::install(const Address& group, const Address& source, SgState& sg, std::set<std::string> outputs,
                        bool force, TimePoint now, CoreEffects& out) {
  // The kernel forwards out of a VIF only packets whose TTL exceeds the
  // entry's threshold for it: a downstream's `threshold`, raised to the
  // upstream's, so an upstream threshold holds back low-TTL data everywhere.
  const auto* up = find_upstream(sg.input);
  const unsigned input_threshold = (up != nullptr && up->cfg.threshold) ? *up->cfg.threshold : 1u;
  std::map<std::string, unsigned> thresholds;
  for (const auto& name : outputs) {
    const auto* d = find_downstream(name);
    const unsigned own = (d != nullptr && d->cfg.threshold) ? *d->cfg.threshold : 1u;
    thresholds[name] = std::max(own, input_threshold);
  }
  // A changed threshold (reconfiguration) re-installs the entry as well.
  const bool unchanged = outputs == sg.outputs && thresholds == sg.ttl_thresholds;
  if (unchanged && !(force && !outputs.empty())) return;
  RouteChange rc;
  rc.source = source;
  rc.group = group;
  rc.input_interface = sg.input;
  rc.outputs = outputs;
  rc.ttl_thresholds = thresholds;
  if (!(outputs.empty() && sg.outputs.empty())) out.routes.push_back(std::move(rc));
  if (outputs.empty()) sg.expires = now + unresolved_lifetime();
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
      if (!sit->second.outputs.empty()) out.routes.push_back(RouteChange{sit->first, git->first, input, {}, {}});
      unindex(git->first, sit->first, sit->second);
      sit = git->second.erase(sit);
    }
    git = git->second.empty() ? sg_.erase(git) : std::next(git);
  }
  for (auto it = locks_.begin(); it != locks_.end();) it = it->second.upstream == input ? locks_.erase(it) : std::next(it);
  // (callers refresh every group afterwards, so the other upstreams subscribe again)
}

void ProxyCore::unindex(const Address& group, const Address& source, SgState& sg) {
  if (sg.indexed) expiry_index_.erase({*sg.indexed, group, source});
  sg.indexed.reset();
}

void ProxyCore::reindex(const Address& group, const Address& source, SgState& sg) {
  const std::optional<TimePoint> want = sg.outputs.empty() ? std::optional<TimePoint>(sg.expires) : std::nullopt;
  if (want == sg.indexed) return;
  unindex(group, source, sg);
  if (want) expiry_index_.insert({*want, group, source});
  sg.indexed = want;
}

}  // namespace mcproxy::instances
