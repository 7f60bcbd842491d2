// Reconfiguration of a running proxy instance (same name and protocol) and the
// PMIPv6 handover of a downstream with its membership state between instances.
#include "instances/proxy/proxy_core.hpp"

#include "instances/proxy/core_parts.hpp"

#include <algorithm>

namespace mcproxy::instances {

void ProxyCore::reconfigure(const config::InstanceConfig& cfg, TimePoint now, CoreEffects& out) {
  cfg_ = cfg;
  budget_->limit = cfg_.max_groups.value_or(config::kDefaultInstanceMaxGroups);
  std::vector<std::unique_ptr<Upstream>> old_upstreams = std::move(upstreams_);
  upstreams_.clear();
  for (const auto& ifc : cfg_.upstreams) {
    auto it = std::find_if(old_upstreams.begin(), old_upstreams.end(),
                           [&](const auto& u) { return u && u->cfg.name == ifc.name; });
    if (it != old_upstreams.end()) {
      auto u = std::move(*it);
      u->cfg = ifc;
      u->host->reconfigure(host_options(ifc));
      upstreams_.push_back(std::move(u));
    } else {
      auto u = std::make_unique<Upstream>();
      u->cfg = ifc;
      u->host = std::make_unique<UpstreamHost>(ifc.name, host_options(ifc), random_);
      upstreams_.push_back(std::move(u));
    }
  }
  for (auto& u : old_upstreams) {
    if (!u) continue;
    // Removed upstream: leave its groups politely, drop routes from it.
    if (u->up) {
      Effects e;
      for (const auto& [g, m] : u->host->state()) u->host->set_state(g, Membership{}, now, e);
      for (auto& p : e.packets) out.packets.push_back(std::move(p));
    }
    remove_routes_from(u->cfg.name, now, out);
  }

  std::map<std::string, std::unique_ptr<Downstream>> old_downstreams = std::move(downstreams_);
  downstreams_.clear();
  // Router effects are taken in only once every downstream is back in place,
  // so no aggregation runs over half of them.
  Effects pending;
  for (const auto& ifc : cfg_.downstreams) {
    auto it = old_downstreams.find(ifc.name);
    if (it != old_downstreams.end()) {
      auto d = std::move(it->second);
      old_downstreams.erase(it);
      d->cfg = ifc;
      d->adopted = false;
      d->router->reconfigure(downstream_options(ifc), now, pending);
      downstreams_.emplace(ifc.name, std::move(d));
    } else {
      auto d = std::make_unique<Downstream>();
      d->cfg = ifc;
      d->router = std::make_unique<DownstreamRouter>(ifc.name, downstream_options(ifc));
      downstreams_.emplace(ifc.name, std::move(d));
    }
  }
  // Downstreams attached by a handover stay until taken away again; the
  // entries of senders on removed ones go.
  for (auto& [name, d] : old_downstreams) {
    if (d->adopted && find_upstream(name) == nullptr) {
      downstreams_.emplace(name, std::move(d));
    } else {
      remove_routes_from(name, now, out);
    }
  }
  if (!mutex_mode()) locks_.clear();
  absorb(pending, now, out);
  refresh_all(now, out);
}

std::unique_ptr<DownstreamRouter> ProxyCore::take_downstream(const std::string& ifname, TimePoint now,
                                                             CoreEffects& out) {
  auto it = downstreams_.find(ifname);
  if (it == downstreams_.end()) return nullptr;
  auto router = std::move(it->second->router);
  // Its groups leave this instance's budget here, on this instance's thread;
  // the adopting instance counts them into its own (DownstreamRouter::reconfigure).
  if (router) router->detach_budget();
  downstreams_.erase(it);
  remove_routes_from(ifname, now, out);  // its senders' entries
  refresh_all(now, out);  // its groups may no longer be wanted here
  return router;
}

bool ProxyCore::adopt_downstream(std::unique_ptr<DownstreamRouter>& router, TimePoint now, CoreEffects& out) {
  if (!router) return false;
  const std::string ifname = router->interface();
  if (find_upstream(ifname) != nullptr) return false;
  Downstream* d = find_downstream(ifname);
  if (d == nullptr) {
    auto fresh = std::make_unique<Downstream>();
    fresh->cfg.name = ifname;
    fresh->cfg.role = config::Role::Downstream;
    fresh->adopted = true;
    d = fresh.get();
    downstreams_.emplace(ifname, std::move(fresh));
  }
  d->router = std::move(router);
  d->up = true;
  d->started = true;
  Effects e;
  d->router->reconfigure(downstream_options(d->cfg), now, e);
  absorb(e, now, out);
  refresh_all(now, out);  // report its groups upstream at once
  return true;
}

}  // namespace mcproxy::instances
