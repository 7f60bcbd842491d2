// Source checks of `alternative-subnets` on downstream reports and upstream
// data (source_subnets.hpp).
#include "instances/proxy/source_subnets.hpp"

namespace mcproxy::instances {

bool on_link(const LinkAddresses& addresses, const LinkPeers& peers, const Address& source) {
  for (const auto& [address, length] : addresses) {
    if (config::Prefix{address, length}.contains(source)) return true;
    if (auto peer = peers.find(address); peer != peers.end() && config::Prefix{peer->second, length}.contains(source))
      return true;
  }
  return false;
}

bool in_subnets(const LinkAddresses& addresses, const LinkPeers& peers, const std::vector<config::Prefix>& alternatives,
                const Address& source) {
  if (on_link(addresses, peers, source)) return true;
  for (const auto& prefix : alternatives)
    if (prefix.contains(source)) return true;
  return false;
}

bool upstream_accepts_source(const LinkAddresses& addresses, const LinkPeers& peers,
                             const std::vector<config::Prefix>& alternatives, const Address& source) {
  return alternatives.empty() || in_subnets(addresses, peers, alternatives, source);
}

}  // namespace mcproxy::instances
