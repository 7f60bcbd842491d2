// A running proxy instance (see proxy_instance.hpp): event loop, interface
// life cycle, and the translation of core effects into module messages.
#include "instances/runtime/proxy_instance.hpp"

#include "modules/common/clock.hpp"
#include "modules/kernel/kernel_api.hpp"
#include "modules/receiver/receiver.hpp"
#include "modules/routing/routing.hpp"
#include "modules/sender/sender.hpp"
#include "modules/timer/timer.hpp"

#include <log4cplus/loggingmacros.h>

#include <poll.h>

#include <random>
#include <sstream>

namespace mcproxy::instances {

namespace {

std::atomic<std::uint64_t> g_next_subscriber{1};

RandomSource make_random() {
  auto engine = std::make_shared<std::mt19937>(std::random_device{}());
  return [engine]() { return static_cast<std::uint32_t>((*engine)()); };
}

}  // namespace

ProxyInstance::ProxyInstance(config::Protocol protocol, config::InstanceConfig cfg, TableId table, Modules modules)
    : protocol_(protocol),
      family_(config::family_of(protocol)),
      name_(cfg.name),
      table_(table),
      modules_(modules),
      log_(log4cplus::Logger::getInstance("mcproxy.instance." + cfg.name)),
      core_(std::make_unique<ProxyCore>(protocol, cfg, make_random())),
      mailbox_(std::make_shared<InstanceMailbox>()),
      control_(256),
      subscriber_id_(g_next_subscriber.fetch_add(1)) {
  for (const auto& u : cfg.upstreams) links_[u.name] = {};
  for (const auto& d : cfg.downstreams) links_[d.name] = {};
}

ProxyInstance::~ProxyInstance() { stop(); }

TimePoint ProxyInstance::now() const { return modules_.clock.now(); }

void ProxyInstance::start() {
  if (started_) return;
  started_ = true;
  modules_.routing.post(routing::CreateTable{table_, mailbox_, 0});
  modules_.receiver.post(receiver::SubscribeLinkEvents{subscriber_id_, mailbox_});
  thread_ = std::thread([this] { loop(); });
}

void ProxyInstance::stop() {
  if (!started_) return;
  started_ = false;
  stop_requested_.store(true);
  mailbox_->notify();
  if (thread_.joinable()) thread_.join();
}

bool ProxyInstance::post_control(std::function<void(ProxyInstance&)> fn) {
  if (stop_requested_.load()) return false;
  return control_.post(std::move(fn));
}

void ProxyInstance::loop() {
  mailbox_->owner().bind_to_current_thread();
  control_.owner().bind_to_current_thread();
  LOG4CPLUS_INFO(log_, "instance " << name_ << " started (" << to_string(table_) << ")");
  refresh_links_from_kernel();
  reschedule_timer();
  while (!stop_requested_.load()) {
    pollfd fds[2] = {{mailbox_->fd(), POLLIN, 0}, {control_.fd(), POLLIN, 0}};
    const int r = ::poll(fds, 2, -1);
    if (r < 0 && errno != EINTR) {
      LOG4CPLUS_ERROR(log_, "poll failed: errno " << errno);
      break;
    }
    mailbox_->drain([this](InstanceEvent&& e) { handle(std::move(e)); }, 1024);
    control_.drain([this](std::function<void(ProxyInstance&)>&& fn) { fn(*this); }, 64);
    reschedule_timer();
  }
  // Drain what is still waiting (control callers are answered, events dropped).
  control_.drain([this](std::function<void(ProxyInstance&)>&& fn) { fn(*this); });
  leave_everything();
  LOG4CPLUS_INFO(log_, "instance " << name_ << " stopped");
}

void ProxyInstance::handle(InstanceEvent&& event) {
  std::visit(
      [this](auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, ReceivedPacket>) {
          on_packet(e);
        } else if constexpr (std::is_same_v<T, KernelUpcall>) {
          on_upcall(e);
        } else if constexpr (std::is_same_v<T, TimerExpired>) {
          on_timer(e);
        } else if constexpr (std::is_same_v<T, InterfaceChanged>) {
          on_link(e.event);
        } else if constexpr (std::is_same_v<T, VifAdded>) {
          if (auto it = ifnames_.find(e.ifindex); it != ifnames_.end()) {
            vifs_[e.vif] = it->second;
            links_[it->second].vif = e.vif;
          }
        } else if constexpr (std::is_same_v<T, VifRemoved>) {
          if (auto it = vifs_.find(e.vif); it != vifs_.end()) {
            if (auto l = links_.find(it->second); l != links_.end()) l->second.vif.reset();
            vifs_.erase(it);
          }
        } else if constexpr (std::is_same_v<T, CounterReply>) {
          if (auto it = counter_requests_.find(e.request_id); it != counter_requests_.end()) {
            auto done = std::move(it->second);
            counter_requests_.erase(it);
            done(e);
          }
        } else if constexpr (std::is_same_v<T, RoutingFailure>) {
          ++kernel_failures_;
          last_kernel_failure_ = e.operation + ": " + e.error;
          LOG4CPLUS_ERROR(log_, "kernel: " << last_kernel_failure_);
          if (auto it = counter_requests_.find(e.request_id); e.request_id != 0 && it != counter_requests_.end()) {
            auto done = std::move(it->second);
            counter_requests_.erase(it);
            done(CounterReply{e.request_id, table_, {}, {}});
          }
        }
      },
      event);
}

void ProxyInstance::on_packet(ReceivedPacket& p) {
  auto it = ifnames_.find(p.ifindex);
  if (it == ifnames_.end() || !links_[it->second].active) return;  // registration raced a removal
  if (core_->downstream(it->second) != nullptr && !from_local_subnet(it->second, p.packet.source)) {
    ++foreign_subnet_drops_;
    return;
  }
  CoreEffects out;
  core_->handle_packet(it->second, p.packet, now(), out);
  apply(out);
}

bool ProxyInstance::from_local_subnet(const std::string& ifname, const Address& source) const {
  // doc/configuration.md, alternative-subnets: a downstream accepts IGMP/MLD
  // messages from its own subnets and the listed prefixes only. Unspecified
  // sources (RFC 3376 §4.2.13 allows 0.0.0.0 for reports) and IPv6 link-local
  // ones (MLD is sent from link-local addresses, RFC 3810 §5.2.13) are on-link.
  if (source.is_unspecified()) return true;
  if (source.is_v6() && source.to_v6().is_link_local()) return true;
  auto link = links_.find(ifname);
  if (link != links_.end()) {
    for (const auto& [address, length] : link->second.addresses)
      if (config::Prefix{address, length}.contains(source)) return true;
  }
  if (const auto* ifc = interface_config(ifname)) {
    for (const auto& prefix : ifc->alternative_subnets)
      if (prefix.contains(source)) return true;
  }
  return false;
}

void ProxyInstance::on_upcall(const KernelUpcall& u) {
  if (u.kind != UpcallKind::NoCache) return;  // WRONGVIF: the MFC entry is right as it is
  auto it = vifs_.find(u.vif);
  if (it == vifs_.end()) return;
  CoreEffects out;
  core_->handle_data(it->second, u.source, u.group, now(), out);
  apply(out);
}

void ProxyInstance::on_timer(const TimerExpired& t) {
  if (t.handle != timer_) return;  // a cancelled or replaced timer
  timer_ = 0;
  timer_deadline_.reset();
  CoreEffects out;
  core_->on_timer(now(), out);
  apply(out);
}

void ProxyInstance::reschedule_timer() {
  const auto next = core_->next_deadline();
  if (next == timer_deadline_ && (timer_ != 0 || !next)) return;
  if (timer_ != 0) modules_.timer.cancel(timer_);
  timer_ = 0;
  timer_deadline_ = next;
  if (next) timer_ = modules_.timer.schedule(*next, mailbox_, 0);
}

// --- Interfaces ---------------------------------------------------------------

void ProxyInstance::refresh_links_from_kernel() {
  auto interfaces = modules_.kernel.list_interfaces();
  if (!interfaces) {
    LOG4CPLUS_ERROR(log_, "cannot list interfaces: " << interfaces.error().message());
    return;
  }
  for (const auto& info : *interfaces) {
    auto it = links_.find(info.name);
    if (it == links_.end()) continue;
    LinkState& link = it->second;
    if (link.ifindex != 0 && link.ifindex != info.ifindex) ifnames_.erase(link.ifindex);
    link.ifindex = info.ifindex;
    ifnames_[info.ifindex] = info.name;
    link.up = info.up && info.running;
    link.addresses.clear();
    for (const auto& a : info.addresses)
      if (family_of(a.address) == family_) link.addresses[a.address] = a.prefix_length;
    evaluate(info.name);
  }
}

void ProxyInstance::on_link(const LinkEvent& e) {
  std::string name = e.name;
  if (name.empty()) {
    auto it = ifnames_.find(e.ifindex);
    if (it == ifnames_.end()) return;
    name = it->second;
  }
  auto it = links_.find(name);
  if (it == links_.end()) {
    // A configured name may have been renamed away from this ifindex.
    if (auto old = ifnames_.find(e.ifindex); old != ifnames_.end() && e.change == LinkChange::NewLink) {
      auto& link = links_[old->second];
      link.ifindex = 0;
      link.up = false;
      const std::string gone = old->second;
      ifnames_.erase(old);
      evaluate(gone);
    }
    return;
  }
  LinkState& link = it->second;
  switch (e.change) {
    case LinkChange::NewLink:
      if (link.ifindex != e.ifindex) {
        if (link.ifindex != 0) ifnames_.erase(link.ifindex);
        if (link.active) deactivate(name, link);
        link.addresses.clear();
        link.ifindex = e.ifindex;
        ifnames_[e.ifindex] = name;
        // Addresses of a new ifindex come as NEWADDR events, but may already be there.
        refresh_links_from_kernel();
        return;
      }
      link.up = e.up && e.running;
      break;
    case LinkChange::DelLink:
      link.up = false;
      link.ifindex = 0;
      ifnames_.erase(e.ifindex);
      link.addresses.clear();
      break;
    case LinkChange::NewAddress:
      if (e.address && family_of(*e.address) == family_) link.addresses[*e.address] = e.prefix_length;
      break;
    case LinkChange::DelAddress:
      if (e.address) link.addresses.erase(*e.address);
      break;
  }
  evaluate(name);
}

std::optional<Address> ProxyInstance::protocol_address(const LinkState& link) const {
  // The protocol address: IPv4 the lowest (stable choice for querier election),
  // IPv6 the link-local one (RFC 3810 §5).
  for (const auto& [a, len] : link.addresses) {
    if (family_ == Family::V6 && !a.to_v6().is_link_local()) continue;
    return a;
  }
  return std::nullopt;
}

bool ProxyInstance::read_link_from_kernel(const std::string& ifname, LinkState& link) {
  auto interfaces = modules_.kernel.list_interfaces();
  if (!interfaces) return false;
  for (const auto& info : *interfaces) {
    if (info.name != ifname) continue;
    if (link.ifindex != 0 && link.ifindex != info.ifindex) ifnames_.erase(link.ifindex);
    link.ifindex = info.ifindex;
    ifnames_[info.ifindex] = info.name;
    link.up = info.up && info.running;
    link.addresses.clear();
    for (const auto& a : info.addresses)
      if (family_of(a.address) == family_) link.addresses[a.address] = a.prefix_length;
    return true;
  }
  return false;
}

void ProxyInstance::evaluate(const std::string& ifname) {
  LinkState& link = links_[ifname];
  const std::optional<Address> own = protocol_address(link);
  const bool usable = link.ifindex != 0 && link.up && own.has_value();
  if (usable && (!link.active || link.own_address != own)) {
    link.own_address = own;
    activate(ifname, link);
  } else if (!usable && link.active) {
    deactivate(ifname, link);
  }
}

const config::InterfaceConfig* ProxyInstance::interface_config(const std::string& ifname) const {
  return core_->config().find_interface(ifname);
}

void ProxyInstance::activate(const std::string& ifname, LinkState& link) {
  if (!link.active) {
    const auto* ifc = interface_config(ifname);
    const auto threshold = static_cast<std::uint8_t>(ifc && ifc->threshold ? *ifc->threshold : 1);
    modules_.receiver.post(receiver::RegisterInterface{family_, link.ifindex, ifname, mailbox_});
    modules_.routing.post(routing::AddVif{table_, link.ifindex, ifname, threshold, 0});
    link.active = true;
    LOG4CPLUS_INFO(log_, ifname << " (ifindex " << link.ifindex << ") is up with " << link.own_address->to_string());
  }
  CoreEffects out;
  core_->interface_up(ifname, *link.own_address, now(), out);
  apply(out);
}

void ProxyInstance::deactivate(const std::string& ifname, LinkState& link) {
  CoreEffects out;
  core_->interface_down(ifname, now(), out);
  apply(out);
  if (link.ifindex != 0) {
    modules_.receiver.post(receiver::UnregisterInterface{family_, link.ifindex});
    modules_.routing.post(routing::DelVif{table_, link.ifindex});
  }
  link.active = false;
  link.own_address.reset();
  LOG4CPLUS_INFO(log_, ifname << " is down");
}

// --- Effects --------------------------------------------------------------------

void ProxyInstance::apply(CoreEffects& effects) {
  for (auto& p : effects.packets) {
    auto it = links_.find(p.interface);
    if (it == links_.end() || !it->second.active) continue;
    modules_.sender.post(sender::SendPacket{it->second.ifindex, std::move(p.packet)});
  }
  for (const auto& r : effects.routes) {
    auto in = links_.find(r.input_interface);
    if (in == links_.end() || in->second.ifindex == 0) continue;
    if (r.outputs.empty()) {
      modules_.routing.post(routing::DelMfc{table_, r.source, r.group});
      continue;
    }
    routing::SetMfc set{table_, r.source, r.group, in->second.ifindex, {}, 0};
    for (const auto& o : r.outputs) {
      auto l = links_.find(o);
      if (l == links_.end() || !l->second.active) continue;
      auto ttl = r.ttl_thresholds.find(o);
      set.outgoing.push_back({l->second.ifindex, static_cast<std::uint8_t>(ttl == r.ttl_thresholds.end() ? 1 : ttl->second)});
    }
    modules_.routing.post(std::move(set));
  }
}

void ProxyInstance::request_counters(std::function<void(const CounterReply&)> done) {
  const auto id = next_request_++;
  counter_requests_[id] = std::move(done);
  modules_.routing.post(routing::GetCounters{table_, id});
}

void ProxyInstance::reconfigure(const config::InstanceConfig& cfg) {
  for (const auto& u : cfg.upstreams) links_.try_emplace(u.name);
  for (const auto& d : cfg.downstreams) links_.try_emplace(d.name);
  // Interfaces that leave the instance are deactivated first.
  for (auto it = links_.begin(); it != links_.end();) {
    if (!cfg.find_interface(it->first)) {
      if (it->second.active) deactivate(it->first, it->second);
      if (it->second.ifindex != 0) ifnames_.erase(it->second.ifindex);
      it = links_.erase(it);
    } else {
      ++it;
    }
  }
  CoreEffects out;
  core_->reconfigure(cfg, now(), out);
  apply(out);
  refresh_links_from_kernel();  // new interfaces come up now if they exist
}

std::unique_ptr<DownstreamRouter> ProxyInstance::release_downstream(const std::string& ifname,
                                                                   const config::InstanceConfig& cfg) {
  CoreEffects out;
  // The core stops forwarding to the interface and reports what its other
  // downstreams still want; the router keeps the hosts' state for the next owner.
  auto router = core_->take_downstream(ifname, now(), out);
  apply(out);
  if (auto it = links_.find(ifname); it != links_.end()) {
    LinkState& link = it->second;
    if (link.active && link.ifindex != 0) {
      modules_.receiver.post(receiver::UnregisterInterface{family_, link.ifindex});
      modules_.routing.post(routing::DelVif{table_, link.ifindex});
    }
    if (link.ifindex != 0) ifnames_.erase(link.ifindex);
    if (link.vif) vifs_.erase(*link.vif);
    links_.erase(it);
  }
  CoreEffects rest;
  core_->reconfigure(cfg, now(), rest);
  apply(rest);
  LOG4CPLUS_INFO(log_, "handover: " << ifname << " released" << (router ? " with its memberships" : ""));
  return router;
}

void ProxyInstance::adopt_downstream(std::unique_ptr<DownstreamRouter> router, const config::InstanceConfig& cfg) {
  const std::string ifname = router ? router->interface() : std::string{};
  LinkState* link = nullptr;
  std::optional<Address> own;
  if (router) {
    link = &links_[ifname];
    if (read_link_from_kernel(ifname, *link)) own = protocol_address(*link);
  }
  const bool usable = link != nullptr && link->ifindex != 0 && link->up && own.has_value();
  if (usable && !link->active) {
    // VIF and receiver first, so the routes the adoption installs include it
    // (the Routing thread handles AddVif before the SetMfc that follows).
    const auto* ifc = cfg.find_interface(ifname);
    const auto threshold = static_cast<std::uint8_t>(ifc && ifc->threshold ? *ifc->threshold : 1);
    modules_.receiver.post(receiver::RegisterInterface{family_, link->ifindex, ifname, mailbox_});
    modules_.routing.post(routing::AddVif{table_, link->ifindex, ifname, threshold, 0});
    link->active = true;
    link->own_address = own;
  }
  CoreEffects out;
  // The configuration first: it creates the (not yet up) downstream, whose
  // fresh router the adopted one then replaces.
  core_->reconfigure(cfg, now(), out);
  apply(out);
  if (usable) {
    CoreEffects adopted;
    if (core_->adopt_downstream(router, now(), adopted)) {
      apply(adopted);
      CoreEffects up;
      core_->interface_up(ifname, *own, now(), up);  // our address as the querier's
      apply(up);
      LOG4CPLUS_INFO(log_, "handover: " << ifname << " adopted with its memberships");
    } else {
      LOG4CPLUS_WARN(log_, "handover: " << ifname << " could not be adopted; it starts fresh");
    }
  } else if (router) {
    LOG4CPLUS_WARN(log_, "handover: " << ifname << " is not usable here (down or no address); it starts fresh");
  }
  refresh_links_from_kernel();  // anything else of the new configuration comes up as usual
}

void ProxyInstance::leave_everything() {
  CoreEffects out;
  core_->shutdown(now(), out);  // leave reports upstream, routes removed
  apply(out);
  if (timer_ != 0) modules_.timer.cancel(timer_);
  timer_ = 0;
  modules_.receiver.post(receiver::UnsubscribeLinkEvents{subscriber_id_});
  for (auto& [ifname, link] : links_) {
    if (link.active && link.ifindex != 0) modules_.receiver.post(receiver::UnregisterInterface{family_, link.ifindex});
    link.active = false;
  }
  modules_.routing.post(routing::DestroyTable{table_});
}

}  // namespace mcproxy::instances
