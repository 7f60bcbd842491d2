// Which sources an interface accepts under `alternative-subnets`
// (doc/configuration.md): its own subnets and the listed prefixes.
#pragma once

#include "modules/common/address.hpp"
#include "modules/config/config.hpp"

#include <cstdint>
#include <map>
#include <vector>

namespace mcproxy::instances {

// A link's addresses as the kernel reports them: own address -> prefix
// length, and for a point-to-point address (`ip addr add A peer P/LEN`, PPP,
// GRE) own address -> the far end P, whose prefix P/LEN is on the link too.
using LinkAddresses = std::map<Address, std::uint8_t>;
using LinkPeers = std::map<Address, Address>;

// True if `source` is on the link: in one of its own subnets, or in the prefix
// of a point-to-point address's far end.
bool on_link(const LinkAddresses& addresses, const LinkPeers& peers, const Address& source);

// True if `source` is on the link or in one of `alternatives`.
bool in_subnets(const LinkAddresses& addresses, const LinkPeers& peers, const std::vector<config::Prefix>& alternatives,
                const Address& source);

// Multicast data arriving on an upstream: without `alternative-subnets` every
// source is accepted (the usual case: the sources are far away); with it, only
// sources on the upstream's link or in the listed prefixes (igmpproxy's
// `altnet` on its upstream).
bool upstream_accepts_source(const LinkAddresses& addresses, const LinkPeers& peers,
                             const std::vector<config::Prefix>& alternatives, const Address& source);

}  // namespace mcproxy::instances
