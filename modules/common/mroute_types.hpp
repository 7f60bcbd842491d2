// Kernel multicast routing values shared by the kernel layer, the Routing module
// and the instances: table ids, VIF numbers, forwarding entries, counters.
#pragma once

#include "modules/common/address.hpp"

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

namespace mcproxy {

// ipmr/ip6mr allow MAXVIFS / MAXMIFS = 32 virtual interfaces per table.
inline constexpr int kMaxVifs = 32;
// The tables ipmr and ip6mr use when no MRT_TABLE is set: RT_TABLE_DEFAULT (253)
// for IPv4, RT6_TABLE_DFLT = RT_TABLE_MAIN (254) for IPv6 (`ip -6 mrule show`
// prints "lookup main").
inline constexpr std::uint32_t kDefaultMrouteTable = 253;
inline constexpr std::uint32_t kDefaultMroute6Table = 254;
inline constexpr std::uint32_t default_mroute_table(Family f) {
  return f == Family::V4 ? kDefaultMrouteTable : kDefaultMroute6Table;
}

// One kernel multicast routing table of one family: what an instance owns.
struct TableId {
  Family family = Family::V4;
  std::uint32_t table = kDefaultMrouteTable;
  auto operator<=>(const TableId&) const = default;
};

using VifIndex = std::uint16_t;

// An outgoing interface of a forwarding entry with its TTL threshold: the kernel
// forwards on this VIF packets whose TTL/hop limit is greater than `ttl`
// (RFC 1112 §6 scoping; 1 means "any packet that may leave the link").
struct OutgoingVif {
  VifIndex vif = 0;
  std::uint8_t ttl = 1;
  bool operator==(const OutgoingVif&) const = default;
};

// A (S,G) entry of the multicast forwarding cache: packets from `source` to
// `group` arriving on `incoming` go out on `outgoing`.
struct MfcEntry {
  Address source;
  Address group;
  VifIndex incoming = 0;
  std::vector<OutgoingVif> outgoing;
  bool operator==(const MfcEntry&) const = default;
};

// SIOCGETSGCNT / SIOCGETSGCNT_IN6.
struct SgCounters {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::uint64_t wrong_if = 0;
  bool operator==(const SgCounters&) const = default;
};

// SIOCGETVIFCNT / SIOCGETMIFCNT_IN6.
struct VifCounters {
  std::uint64_t packets_in = 0;
  std::uint64_t packets_out = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  bool operator==(const VifCounters&) const = default;
};

inline std::string to_string(const TableId& t) {
  return std::string(t.family == Family::V4 ? "ipv4" : "ipv6") + " table " + std::to_string(t.table);
}

}  // namespace mcproxy
