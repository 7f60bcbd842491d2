// One proxy instance's logic: RFC 4605 §4 composition of downstream queriers,
// upstream hosts, aggregation (§4.1), filters and forwarding (§4.2).
// Interfaces, packets, timers and status live here; the forwarding decision,
// upstream selection and reconfiguration have files of their own.
#include "instances/proxy/proxy_core.hpp"

#include "instances/proxy/core_parts.hpp"

#include <random>

namespace mcproxy::instances {

namespace {

RandomSource default_random() {
  auto engine = std::make_shared<std::mt19937>(std::random_device{}());
  return [engine] { return static_cast<std::uint32_t>((*engine)()); };
}

}  // namespace

ProxyCore::ProxyCore(config::Protocol protocol, const config::InstanceConfig& cfg, RandomSource random)
    : protocol_(protocol), cfg_(cfg), random_(random ? std::move(random) : default_random()) {
  budget_->limit = cfg_.max_groups.value_or(config::kDefaultInstanceMaxGroups);
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
  o.max_sources = ifc.max_sources ? ifc.max_sources : cfg_.max_sources.value_or(config::kDefaultMaxSources);
  o.max_groups_per_host = ifc.max_groups_per_host
                              ? ifc.max_groups_per_host
                              : cfg_.max_groups_per_host.value_or(config::kDefaultMaxGroupsPerHost);
  o.instance_budget = budget_;
  o.compatibility = ifc.compatibility_mode.value_or(true);
  return o;
}

HostOptions ProxyCore::host_options(const config::InterfaceConfig& ifc) const {
  HostOptions o;
  o.protocol = protocol_;
  o.timers = config::effective(protocol_, cfg_.timers, &ifc.timers);
  o.compatibility = ifc.compatibility_mode.value_or(true);
  return o;
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
  for (auto& r : e.refusals) out.refusals.push_back(std::move(r));
  e.refusals.clear();
  for (auto& t : e.transitions) out.transitions.push_back(std::move(t));
  e.transitions.clear();
  // RFC 4605 §4.1: a membership change on a downstream changes the merged
  // state at once, and with it the upstream report and the forwarding.
  if (e.changed_groups.empty()) return;  // a timer tick with nothing due: no set to move and free
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

void ProxyCore::set_link_mtu(const std::string& ifname, std::size_t mtu) {
  if (auto* u = find_upstream(ifname); u != nullptr && mtu > 0) u->host->set_mtu(mtu);
}

void ProxyCore::interface_down(const std::string& ifname, TimePoint now, CoreEffects& out) {
  if (auto* d = find_downstream(ifname)) {
    if (!d->up) return;
    d->up = false;
    d->started = false;
    // Nothing is forwarded to the link while it is down, but its memberships
    // stay and keep timing out (RFC 3376 §6.2.2's group timers): when the link
    // returns, what is still valid is forwarded at once, without waiting for
    // the hosts to answer the startup queries.
    Effects e;
    d->router->stop(now, e);
    e.packets.clear();  // nothing goes out of a link that is down
    absorb(e, now, out);
    remove_routes_from(ifname, now, out);  // its senders' entries
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
    for (const auto& [source, sg] : sources) out.routes.push_back(RouteChange{source, group, sg.input, {}, {}, true});
  sg_.clear();
  locks_.clear();
  next_read_.reset();
  read_started_.reset();
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

void ProxyCore::begin_batch() {
  for (auto& u : upstreams_) u->host->hold_reports();
}

void ProxyCore::end_batch(TimePoint now, CoreEffects& out) {
  for (auto& u : upstreams_) {
    Effects e;
    u->host->flush_reports(now, e);
    for (auto& p : e.packets) out.packets.push_back(std::move(p));
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
  // Source liveness: a counter read is due, or one never completed.
  if (read_started_ && now >= *read_started_ + 2 * counter_interval()) {
    counters_["counter-read-abandoned"]++;
    source_counters_done(false, now, out);
  }
  if (!read_started_ && next_read_ && *next_read_ <= now) {
    read_started_ = now;
    next_read_.reset();
    out.read_counters = true;
  }
}

std::optional<TimePoint> ProxyCore::next_deadline() const {
  std::optional<TimePoint> d;
  auto take = [&](const std::optional<TimePoint>& t) {
    if (t && (!d || *t < *d)) d = t;
  };
  for (const auto& [name, ds] : downstreams_) take(ds->router->next_deadline());
  for (const auto& u : upstreams_) take(u->host->next_deadline());
  take(read_started_ ? std::optional<TimePoint>(*read_started_ + 2 * counter_interval()) : next_read_);
  return d;
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
