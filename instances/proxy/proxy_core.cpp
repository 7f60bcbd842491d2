// One proxy instance's logic: RFC 4605 §4 composition of downstream queriers,
// upstream hosts, aggregation (§4.1), filters and forwarding (§4.2).
#include "instances/proxy/proxy_core.hpp"

#include "instances/proxy/aggregation.hpp"
#include "instances/proxy/filter.hpp"

#include <algorithm>
#include <random>

namespace mcproxy::instances {

struct ProxyCore::Downstream {
  config::InterfaceConfig cfg;
  std::unique_ptr<DownstreamRouter> router;
  bool up = false;
  bool started = false;
  bool adopted = false;  // attached by adopt_downstream, not by the configuration
};

struct ProxyCore::Upstream {
  config::InterfaceConfig cfg;
  std::unique_ptr<UpstreamHost> host;
  bool up = false;
};

namespace {

const config::FilterBinding* binding(const std::optional<config::FilterBinding>& f) { return f ? &*f : nullptr; }

RandomSource default_random() {
  auto engine = std::make_shared<std::mt19937>(std::random_device{}());
  return [engine] { return static_cast<std::uint32_t>((*engine)()); };
}

bool same_family(const Address& a, config::Protocol p) { return family_of(a) == config::family_of(p); }

}  // namespace

ProxyCore::ProxyCore(config::Protocol protocol, const config::InstanceConfig& cfg, RandomSource random)
    : protocol_(protocol), cfg_(cfg), random_(random ? std::move(random) : default_random()) {
  for (const auto& ifc : cfg_.upstreams) {
    auto u = std::make_unique<Upstream>();
    u->cfg = ifc;
    u->host = std::make_unique<UpstreamHost>(ifc.name, host_options(ifc), random_);
    upstreams_.push_back(std::move(u));
  }
  for (const auto& ifc : cfg_.downstreams) {
    auto d = std::make_unique<Downstream>();
    d->cfg = ifc;
    d->router = std::make_unique<DownstreamRouter>(ifc.name, downstream_options(ifc));
    downstreams_.emplace(ifc.name, std::move(d));
  }
}

ProxyCore::~ProxyCore() = default;

DownstreamOptions ProxyCore::downstream_options(const config::InterfaceConfig& ifc) const {
  DownstreamOptions o;
  o.protocol = protocol_;
  o.timers = config::effective(protocol_, cfg_.timers, &ifc.timers);
  o.quick_leave = ifc.quick_leave.value_or(cfg_.quick_leave);
  o.max_groups = ifc.max_groups;
  o.max_sources = ifc.max_sources;
  return o;
}

HostOptions ProxyCore::host_options(const config::InterfaceConfig& ifc) const {
  HostOptions o;
  o.protocol = protocol_;
  o.timers = config::effective(protocol_, cfg_.timers, &ifc.timers);
  return o;
}

Duration ProxyCore::unresolved_lifetime() const {
  // How long an (S,G) seen without receivers is remembered, so that a join
  // within that time installs forwarding at once: one Group Membership Interval.
  return config::effective(protocol_, cfg_.timers).group_membership_interval();
}

ProxyCore::Downstream* ProxyCore::find_downstream(const std::string& ifname) {
  auto it = downstreams_.find(ifname);
  return it == downstreams_.end() ? nullptr : it->second.get();
}
const ProxyCore::Downstream* ProxyCore::find_downstream(const std::string& ifname) const {
  auto it = downstreams_.find(ifname);
  return it == downstreams_.end() ? nullptr : it->second.get();
}
ProxyCore::Upstream* ProxyCore::find_upstream(const std::string& ifname) {
  for (auto& u : upstreams_)
    if (u->cfg.name == ifname) return u.get();
  return nullptr;
}
const ProxyCore::Upstream* ProxyCore::find_upstream(const std::string& ifname) const {
  for (const auto& u : upstreams_)
    if (u->cfg.name == ifname) return u.get();
  return nullptr;
}

void ProxyCore::absorb(Effects& e, TimePoint now, CoreEffects& out) {
  for (auto& p : e.packets) out.packets.push_back(std::move(p));
  e.packets.clear();
  // RFC 4605 §4.1: a membership change on a downstream changes the merged
  // state at once, and with it the upstream report and the forwarding.
  const auto changed = std::move(e.changed_groups);
  e.changed_groups.clear();
  for (const auto& g : changed) refresh_group(g, now, out);
}

// --- Interfaces ----------------------------------------------------------------

void ProxyCore::interface_up(const std::string& ifname, const Address& own_address, TimePoint now, CoreEffects& out) {
  if (auto* d = find_downstream(ifname)) {
    Effects e;
    d->router->set_address(own_address, now, e);
    if (!d->started) {
      d->router->start(now, e);
      d->started = true;
    }
    d->up = true;
    absorb(e, now, out);
    refresh_all(now, out);  // static routes to this downstream
    return;
  }
  if (auto* u = find_upstream(ifname)) {
    u->host->set_address(own_address);
    if (!u->up) {
      u->up = true;
      refresh_all(now, out);  // report the aggregated state on it
    }
    return;
  }
  counters_["unknown-interface"]++;
}

void ProxyCore::interface_down(const std::string& ifname, TimePoint now, CoreEffects& out) {
  if (auto* d = find_downstream(ifname)) {
    if (!d->up) return;
    d->up = false;
    d->started = false;
    // The link's hosts are gone with it: start from empty state when it returns.
    d->router = std::make_unique<DownstreamRouter>(ifname, downstream_options(d->cfg));
    refresh_all(now, out);
    return;
  }
  if (auto* u = find_upstream(ifname)) {
    if (!u->up) return;
    u->up = false;
    u->host = std::make_unique<UpstreamHost>(ifname, host_options(u->cfg), random_);
    remove_routes_from(ifname, now, out);
    refresh_all(now, out);  // `rulematching first`: the next upstream takes over
    return;
  }
  counters_["unknown-interface"]++;
}

void ProxyCore::shutdown(TimePoint now, CoreEffects& out) {
  for (auto& u : upstreams_) {
    if (!u->up) continue;
    Effects e;
    for (const auto& [group, state] : u->host->state()) u->host->set_state(group, Membership{}, now, e);
    // Only the first transmission: the retransmissions would outlive us.
    for (auto& p : e.packets) out.packets.push_back(std::move(p));
    u->up = false;
    u->host = std::make_unique<UpstreamHost>(u->cfg.name, host_options(u->cfg), random_);
  }
  for (const auto& [group, sources] : sg_)
    for (const auto& [source, sg] : sources)
      if (!sg.outputs.empty()) out.routes.push_back(RouteChange{source, group, sg.input, {}, {}});
  for (auto& [group, sources] : sg_)
    for (auto& [source, sg] : sources) unindex(group, source, sg);
  sg_.clear();
  locks_.clear();
  for (auto& [name, d] : downstreams_) {
    d->up = false;
    d->started = false;
    d->router = std::make_unique<DownstreamRouter>(name, downstream_options(d->cfg));
  }
}

bool ProxyCore::is_up(const std::string& ifname) const {
  if (const auto* d = find_downstream(ifname)) return d->up;
  if (const auto* u = find_upstream(ifname)) return u->up;
  return false;
}

// --- Packets and data ------------------------------------------------------------

void ProxyCore::handle_packet(const std::string& ifname, const codec::Packet& packet, TimePoint now, CoreEffects& out) {
  Effects e;
  if (auto* d = find_downstream(ifname)) {
    if (!d->up) {
      counters_["packet-interface-down"]++;
      return;
    }
    d->router->handle(packet, now, e);
  } else if (auto* u = find_upstream(ifname)) {
    if (!u->up) {
      counters_["packet-interface-down"]++;
      return;
    }
    u->host->handle(packet, now, e);
  } else {
    counters_["unknown-interface"]++;
    return;
  }
  absorb(e, now, out);
}

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

// --- Timers -----------------------------------------------------------------------

void ProxyCore::on_timer(TimePoint now, CoreEffects& out) {
  for (auto& [name, d] : downstreams_) {
    Effects e;
    d->router->on_timer(now, e);
    absorb(e, now, out);
  }
  for (auto& u : upstreams_) {
    Effects e;
    u->host->on_timer(now, e);
    absorb(e, now, out);
  }
  // Forget (S,G)s seen without receivers for the unresolved lifetime.
  while (!expiry_index_.empty() && std::get<0>(*expiry_index_.begin()) <= now) {
    const auto [at, group, source] = *expiry_index_.begin();
    expiry_index_.erase(expiry_index_.begin());
    auto git = sg_.find(group);
    if (git == sg_.end()) continue;
    git->second.erase(source);
    if (git->second.empty()) sg_.erase(git);
  }
  // Released mutex locks: every admitting upstream subscribes the group again.
  std::vector<Address> released;
  for (auto it = locks_.begin(); it != locks_.end();) {
    if (it->second.release_at && *it->second.release_at <= now) {
      released.push_back(it->first);
      it = locks_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& g : released) refresh_group(g, now, out);
}

std::optional<TimePoint> ProxyCore::next_deadline() const {
  std::optional<TimePoint> d;
  auto take = [&](const std::optional<TimePoint>& t) {
    if (t && (!d || *t < *d)) d = t;
  };
  for (const auto& [name, ds] : downstreams_) take(ds->router->next_deadline());
  for (const auto& u : upstreams_) take(u->host->next_deadline());
  if (!expiry_index_.empty()) take(std::get<0>(*expiry_index_.begin()));
  for (const auto& [key, lock] : locks_) take(lock.release_at);
  return d;
}

// --- Aggregation and upstream selection ------------------------------------------

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
    for (auto& [source, sg] : it->second) {
      install(group, source, sg, compute_outputs(sg.input, group, source, now), false, now, out);
      reindex(group, source, sg);
    }
  }
  if (mutex_mode()) update_mutex_release(group, now);
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

bool ProxyCore::mutex_mode() const {
  return cfg_.upstream_in_rule_matching.kind == config::RuleMatching::Kind::Mutex;
}

// mcproxy: "After MS without data on the chosen interface, the group is
// subscribed at all upstreams again". Without packet counters, "data" is read
// as "forwarding": MS after the group's last installed route from the owner
// went away, the lock is released (on_timer).
void ProxyCore::update_mutex_release(const Address& group, TimePoint now) {
  auto lock = locks_.find(group);
  if (lock == locks_.end()) return;
  bool forwarding = false;
  if (auto it = sg_.find(group); it != sg_.end())
    for (const auto& [source, sg] : it->second)
      if (sg.input == lock->second.upstream && !sg.outputs.empty()) forwarding = true;
  if (forwarding) {
    lock->second.release_at.reset();
  } else if (!lock->second.release_at) {
    lock->second.release_at = now + cfg_.upstream_in_rule_matching.mutex_timeout;
  }
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

// --- Reconfiguration and handover ---------------------------------------------

void ProxyCore::reconfigure(const config::InstanceConfig& cfg, TimePoint now, CoreEffects& out) {
  cfg_ = cfg;
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
  // Downstreams attached by a handover stay until taken away again.
  for (auto& [name, d] : old_downstreams)
    if (d->adopted && find_upstream(name) == nullptr) downstreams_.emplace(name, std::move(d));
  absorb(pending, now, out);
  refresh_all(now, out);
}

std::unique_ptr<DownstreamRouter> ProxyCore::take_downstream(const std::string& ifname, TimePoint now,
                                                             CoreEffects& out) {
  auto it = downstreams_.find(ifname);
  if (it == downstreams_.end()) return nullptr;
  auto router = std::move(it->second->router);
  downstreams_.erase(it);
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

// --- Status -------------------------------------------------------------------

std::map<std::string, std::map<Address, Membership>> ProxyCore::downstream_memberships() const {
  std::map<std::string, std::map<Address, Membership>> r;
  for (const auto& [name, d] : downstreams_) r.emplace(name, d->router->memberships());
  return r;
}

std::map<std::string, std::map<Address, Membership>> ProxyCore::upstream_states() const {
  std::map<std::string, std::map<Address, Membership>> r;
  for (const auto& u : upstreams_) r.emplace(u->cfg.name, u->host->state());
  return r;
}

std::vector<ForwardingEntry> ProxyCore::routes() const {
  std::vector<ForwardingEntry> r;
  for (const auto& [g, sources] : sg_)
    for (const auto& [s, sg] : sources)
      if (!sg.outputs.empty()) r.push_back({s, g, sg.input, sg.outputs});
  return r;
}

std::vector<ForwardingEntry> ProxyCore::known_sources() const {
  std::vector<ForwardingEntry> r;
  for (const auto& [g, sources] : sg_)
    for (const auto& [s, sg] : sources) r.push_back({s, g, sg.input, sg.outputs});
  return r;
}

const DownstreamRouter* ProxyCore::downstream(const std::string& ifname) const {
  const auto* d = find_downstream(ifname);
  return d ? d->router.get() : nullptr;
}

const UpstreamHost* ProxyCore::upstream(const std::string& ifname) const {
  const auto* u = find_upstream(ifname);
  return u ? u->host.get() : nullptr;
}

}  // namespace mcproxy::instances
