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
  for (const auto& name : links_.apply(*interfaces).names) evaluate(name);
}

void ProxyInstance::on_link(const LinkEvent& e) {
  const auto changes = links_.apply(e);
  if (changes.needs_refresh) {
    refresh_links_from_kernel();  // evaluates every configured interface
    return;
  }
  for (const auto& name : changes.names) evaluate(name);
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
  } else if (link->own_address != own) {
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
  CoreEffects out;
  core_->interface_up(ifname, *link.own_address, now(), out);
  apply(out);
}

void ProxyInstance::register_link(const std::string& ifname, LinkState& link, const config::InterfaceConfig* ifc) {
  const auto threshold = static_cast<std::uint8_t>(ifc && ifc->threshold ? *ifc->threshold : 1);
  // VIF and receiver first, so the routes that follow include the interface
  // (the Routing thread handles AddVif before the SetMfc that follows).
  modules_.receiver.post(receiver::RegisterInterface{family_, link.ifindex, ifname, mailbox_});
  modules_.routing.post(routing::AddVif{table_, link.ifindex, ifname, threshold, 0});
  link.active = true;
  link.registered_ifindex = link.ifindex;
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
    modules_.receiver.post(receiver::UnregisterInterface{family_, link.registered_ifindex});
    modules_.routing.post(routing::DelVif{table_, link.registered_ifindex});
  }
  link.active = false;
  link.registered_ifindex = 0;
}

}  // namespace mcproxy::instances
