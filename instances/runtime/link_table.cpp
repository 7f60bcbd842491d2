// The configured interfaces of an instance as the kernel reports them (see
// link_table.hpp): names, ifindexes, up/down and addresses.
#include "instances/runtime/link_table.hpp"

#include "instances/proxy/source_subnets.hpp"
#include "modules/config/config.hpp"

namespace mcproxy::instances {

std::optional<Address> protocol_address(Family family, const LinkState& link,
                                        const std::optional<Address>& configured) {
  if (configured && family_of(*configured) == family) return configured;
  for (const auto& [a, len] : link.addresses) {
    if (family == Family::V6 && !a.to_v6().is_link_local()) continue;
    return a;  // the map is ordered: IPv4 the lowest
  }
  if (family == Family::V4) return Address(AddressV4::any());
  return std::nullopt;
}

bool source_on_link(const LinkState& link, const Address& source) {
  return on_link(link.addresses, link.peers, source);
}

bool usable(const LinkState& link, const std::optional<Address>& own) {
  return link.ifindex != 0 && link.up && own.has_value();
}

void LinkTable::untrack(const std::string& name) {
  auto it = links_.find(name);
  if (it == links_.end()) return;
  if (it->second.ifindex != 0) ifnames_.erase(it->second.ifindex);
  links_.erase(it);
}

LinkState* LinkTable::find(const std::string& name) {
  auto it = links_.find(name);
  return it == links_.end() ? nullptr : &it->second;
}

const LinkState* LinkTable::find(const std::string& name) const {
  auto it = links_.find(name);
  return it == links_.end() ? nullptr : &it->second;
}

const std::string* LinkTable::name_of(int ifindex) const {
  auto it = ifnames_.find(ifindex);
  return it == ifnames_.end() ? nullptr : &it->second;
}

void LinkTable::forget_ifindex(const std::string& name, LinkState& link) {
  if (link.ifindex != 0) {
    auto it = ifnames_.find(link.ifindex);
    if (it != ifnames_.end() && it->second == name) ifnames_.erase(it);
  }
  link.ifindex = 0;
  link.up = false;
  link.addresses.clear();
  link.peers.clear();
}

LinkTable::Changes LinkTable::apply(const LinkEvent& e) {
  Changes changes;
  switch (e.change) {
    case LinkChange::NewLink: {
      // A known ifindex under another name: renamed away from a configured name.
      if (const std::string* old = name_of(e.ifindex); old != nullptr && *old != e.name) {
        const std::string gone = *old;
        forget_ifindex(gone, links_[gone]);
        changes.names.insert(gone);
      }
      LinkState* link = find(e.name);
      if (link == nullptr) break;
      if (link->ifindex != e.ifindex) {
        // Created, re-created, renamed to this name or moved into the namespace:
        // its addresses may be there already, announced before we knew the index.
        forget_ifindex(e.name, *link);
        link->ifindex = e.ifindex;
        ifnames_[e.ifindex] = e.name;
        changes.needs_refresh = true;
      }
      link->up = e.up && e.running;
      if (e.mtu != 0) link->mtu = e.mtu;
      changes.names.insert(e.name);
      break;
    }
    case LinkChange::DelLink: {
      // Deleted, or moved to another namespace (the kernel reports both alike).
      const std::string* name = name_of(e.ifindex);
      if (name == nullptr) break;
      const std::string gone = *name;
      forget_ifindex(gone, links_[gone]);
      changes.names.insert(gone);
      break;
    }
    case LinkChange::NewAddress:
    case LinkChange::DelAddress: {
      // By ifindex: the name of an address event is its label ("eth0:1" for an alias).
      const std::string* name = name_of(e.ifindex);
      if (name == nullptr || !e.address || family_of(*e.address) != family_) break;
      LinkState& link = links_[*name];
      if (e.change == LinkChange::NewAddress) {
        link.addresses[*e.address] = e.prefix_length;
        if (e.peer) link.peers[*e.address] = *e.peer;
        else link.peers.erase(*e.address);
      } else {
        link.addresses.erase(*e.address);
        link.peers.erase(*e.address);
      }
      changes.names.insert(*name);
      break;
    }
  }
  return changes;
}

LinkTable::Changes LinkTable::apply(const std::vector<kernel::InterfaceInfo>& interfaces) {
  Changes changes;
  std::set<std::string> present;
  for (const auto& info : interfaces) {
    // An ifindex now under another name than we knew it by.
    if (const std::string* old = name_of(info.ifindex); old != nullptr && *old != info.name) {
      const std::string gone = *old;
      forget_ifindex(gone, links_[gone]);
      changes.names.insert(gone);
    }
    LinkState* link = find(info.name);
    if (link == nullptr) continue;
    present.insert(info.name);
    if (link->ifindex != info.ifindex) forget_ifindex(info.name, *link);
    link->ifindex = info.ifindex;
    ifnames_[info.ifindex] = info.name;
    link->up = info.up && info.running;
    if (info.mtu != 0) link->mtu = info.mtu;
    link->addresses.clear();
    link->peers.clear();
    for (const auto& a : info.addresses) {
      if (family_of(a.address) != family_) continue;
      link->addresses[a.address] = a.prefix_length;
      if (a.peer) link->peers[a.address] = *a.peer;
    }
    changes.names.insert(info.name);
  }
  for (auto& [name, link] : links_) {
    if (present.contains(name) || link.ifindex == 0) continue;
    forget_ifindex(name, link);
    changes.names.insert(name);
  }
  return changes;
}

}  // namespace mcproxy::instances
