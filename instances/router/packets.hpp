// The addresses and packets of the router side: well-known destinations, the
// queries we send, and the address rules received packets are checked against.
#pragma once

#include "instances/router/source_set.hpp"
#include "modules/codec/message.hpp"
#include "modules/common/address.hpp"
#include "modules/common/clock.hpp"

#include <cstdint>
#include <string>

namespace mcproxy::instances {

// 224.0.0.1 / ff02::1: General Queries (RFC 3376 §4.1.12, RFC 3810 §5.1.15).
Address all_systems(Family f);
// 224.0.0.2 / ff02::2: IGMPv2 Leave (RFC 2236 §3), MLDv1 Done (RFC 2710 §3.7).
Address all_routers(Family f);
// 224.0.0.22 / ff02::16: IGMPv3 / MLDv2 reports (RFC 3376 §4.2.14, RFC 3810 §5.2.14).
Address v3_reports(Family f);

// Groups of link-local scope (224.0.0.0/24; ff0X:: with scope 0, 1 or 2) are
// never routed, so their membership is not kept.
bool is_link_local_group(const Address& group);
bool is_multicast(const Address& a);
// RFC 3810 §5: MLD messages come from a link-local source (fe80::/10).
bool is_link_local_unicast(const Address& a);

// Querier election order. IPv4: the lower address as a 32-bit number
// (RFC 3376 §6.6.2). IPv6: RFC 9777 §7.6.2 compares the interface IDs (the
// last 64 bits) of the fe80::/64 sources; the full 128-bit value breaks ties,
// which is the plain 128-bit order for two fe80::/64 addresses.
bool querier_precedes(const Address& a, const Address& b);

struct QueryParameters {
  codec::Version version = codec::Version::IGMPv3;
  Address source;
  Address group;  // unspecified for a general query
  Duration max_response_time{0};
  bool suppress_router_side_processing = false;
  unsigned robustness = 2;
  Duration query_interval{125'000};
  SourceSet sources;
};

// A query ready for the Sender: TTL 1 and Router Alert (RFC 3376 §4, RFC 3810
// §5), to all-systems for a general query and to the group otherwise
// (RFC 3376 §4.1.12). QRV is 0 above 7 (§4.1.6); QQI is in seconds (§4.1.7).
codec::Packet make_query(const QueryParameters& p);

// Counter names: "igmpv3", "mldv1", ...
std::string version_name(codec::Version v);

}  // namespace mcproxy::instances
