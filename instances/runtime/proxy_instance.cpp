// A running proxy instance (see proxy_instance.hpp): event loop, interface
// life cycle, and the translation of core effects into module messages.
#include "instances/runtime/proxy_instance.hpp"

#include "instances/proxy/source_subnets.hpp"
#include "modules/common/clock.hpp"
#include "modules/kernel/kernel_api.hpp"
#include "modules/receiver/receiver.hpp"
#include "modules/routing/routing.hpp"
#include "modules/sender/sender.hpp"
#include "modules/timer/timer.hpp"
#include "modules/common/thread_name.hpp"

#include <log4cplus/loggingmacros.h>

#include <poll.h>

#include <algorithm>
#include <random>
#include <sstream>

namespace mcproxy::instances {

namespace {

std::atomic<std::uint64_t> g_next_subscriber{1};

// Mailbox events per batch, and per slice of a batch (see loop()).
constexpr std::size_t kBatch = 1024;
constexpr std::size_t kSlice = 64;

// The bulk lane of the instance mailbox follows the instance's group limit: a
// sixteenth of it, 64..4096 slots. Beyond that a burst waits in the kernel's
// socket queue (the Receiver's backpressure), so the slots only need to cover
// the wake-up latency of the instance thread. Fixed at start (a mailbox cannot
// be resized while producers hold it).
std::size_t mailbox_capacity(const config::InstanceConfig& cfg) {
  const std::size_t groups = cfg.max_groups.value_or(config::kDefaultInstanceMaxGroups);
  return std::clamp<std::size_t>(groups / 16, 64, InstanceMailbox::kDefaultCapacity);
}

RandomSource make_random() {
  auto engine = std::make_shared<std::mt19937>(std::random_device{}());
  return [engine]() { return static_cast<std::uint32_t>((*engine)()); };
}

}  // namespace

namespace {

DynamicInterfaces with_config(const config::InstanceConfig& cfg) {
  DynamicInterfaces d;
  d.set_config(cfg);
  return d;
}

}  // namespace

ProxyInstance::ProxyInstance(config::Protocol protocol, config::InstanceConfig cfg, TableId table, Modules modules)
    : protocol_(protocol),
      family_(config::family_of(protocol)),
      name_(cfg.name),
      table_(table),
      modules_(modules),
      log_(log4cplus::Logger::getInstance("mcproxy.instance." + cfg.name)),
      dynamic_(with_config(cfg)),
      core_(std::make_unique<ProxyCore>(protocol, dynamic_.effective(), make_random())),
      mailbox_(make_instance_mailbox(mailbox_capacity(cfg), modules_.totals)),
      control_(256),
      links_(config::family_of(protocol)),
      subscriber_id_(g_next_subscriber.fetch_add(1)) {
  for (const auto& u : core_->config().upstreams) links_.track(u.name);
  for (const auto& d : core_->config().downstreams) links_.track(d.name);
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
  control_.post_control(std::move(fn));  // never lost to a full mailbox
  return true;
}

void ProxyInstance::loop() {
  name_this_thread("mcpx:" + name_);
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
    // One batch: the upstream reports it causes leave together at its end.
    // A batch takes up to kBatch events, in slices of kSlice; it ends after
    // the slice during which a control function (status, reconfiguration,
    // interface move) arrived, so under a flood a control request waits for
    // at most one slice rather than a whole batch (doc/architecture.md,
    // "Mailboxes").
    core_->begin_batch();
    for (std::size_t taken = 0; taken < kBatch;) {
      const std::size_t n = mailbox_->drain([this](InstanceEvent&& e) { handle(std::move(e)); }, kSlice);
      taken += n;
      if (n < kSlice || control_.control_waiting()) break;
    }
    CoreEffects batched;
    core_->end_batch(now(), batched);
    apply(batched);
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
          ++packets_;
          if (modules_.totals) modules_.totals->packets.fetch_add(1, std::memory_order_relaxed);
          on_packet(e);
        } else if constexpr (std::is_same_v<T, KernelUpcall>) {
          ++upcalls_;
          if (modules_.totals) modules_.totals->upcalls.fetch_add(1, std::memory_order_relaxed);
          on_upcall(e);
        } else if constexpr (std::is_same_v<T, TimerExpired>) {
          on_timer(e);
        } else if constexpr (std::is_same_v<T, InterfaceChanged>) {
          on_link(e.event);
        } else if constexpr (std::is_same_v<T, VifAdded>) {
          if (const std::string* name = links_.name_of(e.ifindex)) {
            vifs_[e.vif] = *name;
            links_.find(*name)->vif = e.vif;
          }
        } else if constexpr (std::is_same_v<T, VifRemoved>) {
          if (auto it = vifs_.find(e.vif); it != vifs_.end()) {
            if (auto* link = links_.find(it->second); link != nullptr && link->vif == e.vif) link->vif.reset();
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
          // A flood of data or reports can make many kernel calls fail at once.
          if (auto held = log_limiter_.admit("kernel " + e.operation.substr(0, e.operation.find(' ')), now()))
            LOG4CPLUS_ERROR(log_, "kernel: " << last_kernel_failure_ << RateLimitedLog::suffix(*held));
          if (auto it = counter_requests_.find(e.request_id); e.request_id != 0 && it != counter_requests_.end()) {
            auto done = std::move(it->second);
            counter_requests_.erase(it);
            CounterReply failed{e.request_id, table_, {}, {}};
            failed.failed = true;
            done(failed);
          }
        }
      },
      event);
}

void ProxyInstance::on_packet(ReceivedPacket& p) {
  const std::string* name = links_.name_of(p.ifindex);
  if (name == nullptr || !links_.find(*name)->active) {  // registration raced a removal
    ++inactive_link_drops_;
    return;
  }
  const std::string ifname = *name;
  if (core_->downstream(ifname) != nullptr && !from_local_subnet(ifname, p.packet.source)) {
    ++foreign_subnet_drops_;
    return;
  }
  ++packets_handled_;
  CoreEffects out;
  core_->handle_packet(ifname, p.packet, now(), out);
  apply(out);
}

bool ProxyInstance::from_local_subnet(const std::string& ifname, const Address& source) const {
  // doc/configuration.md, alternative-subnets: a downstream accepts IGMP/MLD
  // messages from its own subnets and the listed prefixes only. Unspecified
  // sources (RFC 3376 §4.2.13 allows 0.0.0.0 for reports) and IPv6 link-local
  // ones (MLD is sent from link-local addresses, RFC 3810 §5.2.13) are on-link.
  if (source.is_unspecified()) return true;
  if (source.is_v6() && source.to_v6().is_link_local()) return true;
  if (const auto* link = links_.find(ifname)) {
    // A link without an address of ours (unnumbered PPP, an IPv4 instance on
    // an IPv6-only link) has no subnet to hold a source against.
    if (link->addresses.empty()) return true;
    if (source_on_link(*link, source)) return true;
  }
  if (const auto* ifc = interface_config(ifname)) {
    for (const auto& prefix : ifc->alternative_subnets)
      if (prefix.contains(source)) return true;
  }
  return false;
}

void ProxyInstance::on_upcall(const KernelUpcall& u) {
  if (u.kind != UpcallKind::NoCache) {  // WRONGVIF: the MFC entry is right as it is
    ++wrong_vif_upcalls_;
    return;
  }
  auto it = vifs_.find(u.vif);
  const LinkState* vif_link = it == vifs_.end() ? nullptr : links_.find(it->second);
  const bool usable = vif_link != nullptr && vif_link->active && vif_link->vif == u.vif;
  LOG4CPLUS_TRACE(log_, "upcall: (" << u.source.to_string() << ", " << u.group.to_string() << ") on vif " << u.vif
                                    << (it == vifs_.end() ? std::string(" (unknown)") : " " + it->second)
                                    << (it != vifs_.end() && !usable ? " (not active)" : ""));
  if (!usable) {
    // Data on a VIF that is going (its interface went down or left, its
    // VifRemoved on the way) or gone: nothing to forward, but the kernel's
    // unresolved entry must not outlive it (routing::DiscardUnresolved), or
    // the (S,G) waits 10 s when the interface comes straight back.
    ++stale_vif_upcalls_;
    modules_.routing.post(routing::DiscardUnresolved{table_, u.vif, u.source, u.group});
    return;
  }
  // doc/configuration.md, alternative-subnets on an upstream: data from other
  // sources is not taken (counted); without the option every source is.
  if (const auto* ifc = interface_config(it->second); ifc != nullptr && ifc->role == config::Role::Upstream) {
    if (!upstream_accepts_source(vif_link->addresses, vif_link->peers, ifc->alternative_subnets, u.source)) {
      ++foreign_source_drops_;
      return;
    }
  }
  ++upcalls_handled_;
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

// --- Interfaces: links.cpp --------------------------------------------------------

const config::InterfaceConfig* ProxyInstance::interface_config(const std::string& ifname) const {
  return core_->config().find_interface(ifname);
}

// --- Effects --------------------------------------------------------------------

void ProxyInstance::apply(CoreEffects& effects) {
  // A host can send refused records at any rate: one line per reason and
  // interface and interval, the rest counted (show stats: refused_*).
  for (const auto& r : effects.refusals) {
    if (auto held = log_limiter_.admit(r.reason + " " + r.interface, now()))
      LOG4CPLUS_WARN(log_, r.reason << " on " << r.interface << " reached: record for " << r.group.to_string()
                                    << " from " << r.host.to_string() << " refused" << RateLimitedLog::suffix(*held));
  }
  // Router-side state transitions with the RFC state names (STYLE: every
  // transition through one setter that logs it).
  for (const auto& t : effects.transitions) LOG4CPLUS_DEBUG(log_, t);
  for (auto& p : effects.packets) {
    const auto* link = links_.find(p.interface);
    if (link == nullptr || !link->active) continue;
    modules_.sender.post(sender::SendPacket{link->registered_ifindex, std::move(p.packet)});
  }
  for (const auto& r : effects.routes) {
    if (r.remove) {
      modules_.routing.post(routing::DelMfc{table_, r.source, r.group});
      continue;
    }
    const auto* in = links_.find(r.input_interface);
    if (in == nullptr || !in->active) continue;
    routing::SetMfc set{table_, r.source, r.group, in->registered_ifindex, {}, 0};
    for (const auto& o : r.outputs) {
      const auto* l = links_.find(o);
      if (l == nullptr || !l->active) continue;
      auto ttl = r.ttl_thresholds.find(o);
      set.outgoing.push_back({l->registered_ifindex, static_cast<std::uint8_t>(ttl == r.ttl_thresholds.end() ? 1 : ttl->second)});
    }
    modules_.routing.post(std::move(set));
  }
  if (effects.read_counters) read_source_counters(std::nullopt);
}

void ProxyInstance::request_counters(std::function<void(const CounterReply&)> done) {
  const auto id = next_request_++;
  counter_requests_[id] = std::move(done);
  modules_.routing.post(routing::GetCounters{table_, id});
}

void ProxyInstance::reconfigure(const config::InstanceConfig& configured) {
  dynamic_.set_config(configured);
  const config::InstanceConfig cfg = dynamic_.effective();
  for (const auto& u : cfg.upstreams) links_.track(u.name);
  for (const auto& d : cfg.downstreams) links_.track(d.name);
  // Interfaces that leave the instance are deactivated first.
  std::vector<std::string> leaving;
  for (const auto& [name, link] : links_.links())
    if (!cfg.find_interface(name)) leaving.push_back(name);
  for (const auto& name : leaving) {
    LinkState* link = links_.find(name);
    if (link->active) deactivate(name, *link);
    links_.untrack(name);
  }
  CoreEffects out;
  core_->reconfigure(cfg, now(), out);
  apply(out);
  // A changed host-report-rate reaches the Receiver with a new registration.
  for (auto& [name, link] : links_.links()) {
    if (!link.active) continue;
    const config::InterfaceConfig* ifc = cfg.find_interface(name);
    if (host_report_rate_of(ifc) != link.host_report_rate) register_with_receiver(name, link, ifc);
  }
  refresh_links_from_kernel();  // new interfaces come up now if they exist
}

std::unique_ptr<DownstreamRouter> ProxyInstance::release_downstream(const std::string& ifname,
                                                                   const config::InstanceConfig& configured) {
  dynamic_.set_config(configured);
  dynamic_.release(ifname);
  const config::InstanceConfig cfg = dynamic_.effective();
  CoreEffects out;
  // The core stops forwarding to the interface and reports what its other
  // downstreams still want; the router keeps the hosts' state for the next owner.
  auto router = core_->take_downstream(ifname, now(), out);
  apply(out);
  if (LinkState* link = links_.find(ifname)) {
    unregister_link(*link);
    if (link->vif) vifs_.erase(*link->vif);
    links_.untrack(ifname);
  }
  CoreEffects rest;
  core_->reconfigure(cfg, now(), rest);
  apply(rest);
  LOG4CPLUS_INFO(log_, "handover: " << ifname << " released" << (router ? " with its memberships" : ""));
  return router;
}

void ProxyInstance::adopt_downstream(std::unique_ptr<DownstreamRouter> router,
                                     const config::InstanceConfig& configured) {
  dynamic_.set_config(configured);
  const config::InstanceConfig cfg = dynamic_.effective();
  const std::string ifname = router ? router->interface() : std::string{};
  LinkState* link = nullptr;
  std::optional<Address> own;
  const config::InterfaceConfig* ifc = router ? cfg.find_interface(ifname) : nullptr;
  if (router) {
    links_.track(ifname);
    // The interface's state as the kernel has it now (evaluated below, with the
    // rest, by refresh_links_from_kernel).
    if (auto interfaces = modules_.kernel.list_interfaces()) links_.apply(*interfaces);
    link = links_.find(ifname);
    own = protocol_address(family_, *link, ifc && ifc->role == config::Role::Downstream ? ifc->query_source : std::nullopt);
  }
  const bool is_usable = link != nullptr && usable(*link, own);
  if (is_usable && !link->active) {
    register_link(ifname, *link, ifc);
    link->own_address = own;
  }
  CoreEffects out;
  // The configuration first: it creates the (not yet up) downstream, whose
  // fresh router the adopted one then replaces.
  core_->reconfigure(cfg, now(), out);
  apply(out);
  if (is_usable) {
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
  for (auto& [ifname, link] : links_.links()) {
    if (link.active && link.registered_ifindex != 0)
      modules_.receiver.post(receiver::UnregisterInterface{family_, link.registered_ifindex, mailbox_});
    link.active = false;
  }
  modules_.routing.post(routing::DestroyTable{table_});
}

}  // namespace mcproxy::instances
