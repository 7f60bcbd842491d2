// Which sources an interface accepts under `alternative-subnets`
// (doc/configuration.md): its own subnets and the listed prefixes.
#pragma once

#include "modules/common/address.hpp"
#include "modules/config/config.hpp"

#include <cstdint>
#include <map>
#include <vector>

namespace mcproxy::instances {

// True if `source` lies in one of the link's own subnets (address -> prefix
// length, as the kernel reports them) or in one of `alternatives`.
bool in_subnets(const std::map<Address, std::uint8_t>& link_addresses, const std::vector<config::Prefix>& alternatives,
                const Address& source);

// Multicast data arriving on an upstream: without `alternative-subnets` every
// source is accepted (the usual case: the sources are far away); with it, only
// sources in the upstream's subnets or the listed prefixes (igmpproxy's
// `altnet` on its upstream).
bool upstream_accepts_source(const std::map<Address, std::uint8_t>& link_addresses,
                             const std::vector<config::Prefix>& alternatives, const Address& source);

}  // namespace mcproxy::instances
