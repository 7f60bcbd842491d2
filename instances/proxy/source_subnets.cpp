// Source checks of `alternative-subnets` on downstream reports and upstream
// data (source_subnets.hpp).
#include "instances/proxy/source_subnets.hpp"

namespace mcproxy::instances {

bool in_subnets(const std::map<Address, std::uint8_t>& link_addresses, const std::vector<config::Prefix>& alternatives,
                const Address& source) {
  for (const auto& [address, length] : link_addresses)
    if (config::Prefix{address, length}.contains(source)) return true;
  for (const auto& prefix : alternatives)
    if (prefix.contains(source)) return true;
  return false;
}

bool upstream_accepts_source(const std::map<Address, std::uint8_t>& link_addresses,
                             const std::vector<config::Prefix>& alternatives, const Address& source) {
  return alternatives.empty() || in_subnets(link_addresses, alternatives, source);
}

}  // namespace mcproxy::instances
