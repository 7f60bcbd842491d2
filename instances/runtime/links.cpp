// A proxy instance's interface life cycle (see proxy_instance.hpp): kernel
// link/address changes in, (de)activation of interfaces and address changes out.
#include "instances/runtime/proxy_instance.hpp"

#include "modules/kernel/kernel_api.hpp"
#include "modules/receiver/receiver.hpp"
#include "modules/routing/routing.hpp"

#include <log4cplus/loggingmacros.h>

namespace mcproxy::instances {

void ProxyInstance::refresh_links_from_kernel() {
  auto interfaces = modules_.kernel.list_interfaces();
  if (!interfaces) {
    LOG4CPLUS_ERROR(log_, "cannot list interfaces: " << interfaces.error().message());
    return;
  }
  for (const auto& info : *interfaces) take_dynamic(info.name);
  for (const auto& name : links_.apply(*interfaces).names) evaluate(name);
  release_gone_dynamics();
}

void ProxyInstance::on_link(const LinkEvent& e) {
  if (e.change == LinkChange::NewLink) take_dynamic(e.name);
  const auto changes = links_.apply(e);
  if (changes.needs_refresh) {
    refresh_links_from_kernel();  // evaluates every configured interface
    return;
  }
  for (const auto& name : changes.names) evaluate(name);
  release_gone_dynamics();
}

bool ProxyInstance::take_dynamic(const std::string& name) {
  if (links_.tracks(name) || dynamic_.pattern_for(name) == nullptr) return false;
  if (dynamic_.take(name) == DynamicInterfaces::Take::Full) {
    // Rate-limited: a PPPoE server may create interfaces faster than we log.
    if (!last_refusal_log_ || now() - *last_refusal_log_ >= std::chrono::seconds(10)) {
      last_refusal_log_ = now();
      LOG4CPLUS_WARN(log_, name << " matches a downstream pattern but the table has no VIF left (the kernel allows "
                                << kMaxVifs << "); " << dynamic_.refused() << " interface(s) refused so far");
    }
    return false;
  }
  LOG4CPLUS_INFO(log_, name << " appeared and matches a downstream pattern: taken as a downstream");
  links_.track(name);
  CoreEffects out;
  core_->reconfigure(dynamic_.effective(), now(), out);
  apply(out);
  return true;
}

void ProxyInstance::release_gone_dynamics() {
  std::vector<std::string> gone;
  for (const auto& name : dynamic_.taken()) {
    const LinkState* link = links_.find(name);
    if (link == nullptr || (link->ifindex == 0 && !link->active)) gone.push_back(name);
  }
  if (gone.empty()) return;
  for (const auto& name : gone) {
    dynamic_.release(name);
    links_.untrack(name);
    LOG4CPLUS_INFO(log_, name << " is gone: released");
  }
  CoreEffects out;
  core_->reconfigure(dynamic_.effective(), now(), out);
  apply(out);
  if (dynamic_.has_waiting()) refresh_links_from_kernel();  // a refused interface may fit now
}

std::optional<Address> ProxyInstance::protocol_address_of(const std::string& ifname, const LinkState& link) const {
  const auto* ifc = interface_config(ifname);
  const bool downstream = ifc != nullptr && ifc->role == config::Role::Downstream;
  return protocol_address(family_, link, downstream ? ifc->query_source : std::nullopt);
}

void ProxyInstance::evaluate(const std::string& ifname) {
  LinkState* link = links_.find(ifname);
  if (link == nullptr) return;
  // Re-created under the same name (or renamed back) while we held the old
  // ifindex: the old registration and VIF go first.
  if (link->active && link->registered_ifindex != link->ifindex) deactivate(ifname, *link);
  const std::optional<Address> own = protocol_address_of(ifname, *link);
  if (!usable(*link, own)) {
    if (link->active) deactivate(ifname, *link);
    return;
  }
  if (!link->active) {
    link->own_address = own;
    activate(ifname, *link);
    return;
  }
  // The link MTU may have changed (IFLA_MTU): an upstream splits its reports to it.
  if (link->mtu != 0) core_->set_link_mtu(ifname, link->mtu);
  if (link->own_address != own) {
    // An address change (PPPoE, DHCP): the interface stays up, its VIF, kernel
    // entries and memberships stay; queries and reports go out from the new
    // address from now on.
    LOG4CPLUS_INFO(log_, ifname << " now uses " << own->to_string() << " (was "
                                << link->own_address->to_string() << ")");
    link->own_address = own;
    CoreEffects out;
    core_->interface_up(ifname, *own, now(), out);
    apply(out);
  }
}

void ProxyInstance::activate(const std::string& ifname, LinkState& link) {
  register_link(ifname, link, interface_config(ifname));
  LOG4CPLUS_INFO(log_, ifname << " (ifindex " << link.ifindex << ") is up with " << link.own_address->to_string());
  // The MTU first: interface_up reports the aggregated state on an upstream at once.
  if (link.mtu != 0) core_->set_link_mtu(ifname, link.mtu);
  CoreEffects out;
  core_->interface_up(ifname, *link.own_address, now(), out);
  apply(out);
}

void ProxyInstance::register_link(const std::string& ifname, LinkState& link, const config::InterfaceConfig* ifc) {
  const auto threshold = static_cast<std::uint8_t>(ifc && ifc->threshold ? *ifc->threshold : 1);
  // VIF and receiver first, so the routes that follow include the interface
  // (the Routing thread handles AddVif before the SetMfc that follows).
  link.registered_ifindex = link.ifindex;
  register_with_receiver(ifname, link, ifc);
  modules_.routing.post(routing::AddVif{table_, link.ifindex, ifname, threshold, 0});
  link.active = true;
}

void ProxyInstance::register_with_receiver(const std::string& ifname, LinkState& link,
                                           const config::InterfaceConfig* ifc) {
  // The routers' groups (224.0.0.22 / 224.0.0.2, ff02::16 / ff02::2) only
  // where the proxy is the router: no report for them goes upstream.
  const bool upstream = ifc != nullptr && ifc->role == config::Role::Upstream;
  link.host_report_rate = host_report_rate_of(ifc);
  modules_.receiver.post(receiver::RegisterInterface{family_, link.registered_ifindex, ifname, mailbox_, !upstream,
                                                     link.host_report_rate});
}

std::uint32_t ProxyInstance::host_report_rate_of(const config::InterfaceConfig* ifc) const {
  // Downstreams only: upstream packets are the routers' queries.
  if (ifc == nullptr || ifc->role != config::Role::Downstream) return 0;
  return ifc->host_report_rate.value_or(dynamic_.configured().host_report_rate.value_or(config::kDefaultHostReportRate));
}

void ProxyInstance::deactivate(const std::string& ifname, LinkState& link) {
  CoreEffects out;
  core_->interface_down(ifname, now(), out);
  apply(out);
  unregister_link(link);
  link.own_address.reset();
  LOG4CPLUS_INFO(log_, ifname << " is down");
}

void ProxyInstance::unregister_link(LinkState& link) {
  if (link.active && link.registered_ifindex != 0) {
    modules_.receiver.post(receiver::UnregisterInterface{family_, link.registered_ifindex, mailbox_});
    modules_.routing.post(routing::DelVif{table_, link.registered_ifindex});
  }
  link.active = false;
  link.registered_ifindex = 0;
}

}  // namespace mcproxy::instances
