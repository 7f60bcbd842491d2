// Well-known addresses, address checks and query construction for the
// router side (RFC 3376 §4, RFC 3810 §5, RFC 2236, RFC 2710).
#include "instances/router/packets.hpp"

#include <algorithm>
#include <chrono>

namespace mcproxy::instances {

Address all_systems(Family f) {
  return f == Family::V4 ? Address(AddressV4(0xE0000001U)) : Address(boost::asio::ip::make_address_v6("ff02::1"));
}

Address all_routers(Family f) {
  return f == Family::V4 ? Address(AddressV4(0xE0000002U)) : Address(boost::asio::ip::make_address_v6("ff02::2"));
}

Address v3_reports(Family f) {
  return f == Family::V4 ? Address(AddressV4(0xE0000016U)) : Address(boost::asio::ip::make_address_v6("ff02::16"));
}

bool is_multicast(const Address& a) { return a.is_multicast(); }

bool is_link_local_group(const Address& group) {
  if (group.is_v4()) return (group.to_v4().to_uint() & 0xFFFFFF00U) == 0xE0000000U;
  const auto bytes = group.to_v6().to_bytes();
  return bytes[0] == 0xFF && (bytes[1] & 0x0F) <= 2;
}

bool is_link_local_unicast(const Address& a) { return a.is_v6() && a.to_v6().is_link_local(); }

bool querier_precedes(const Address& a, const Address& b) {
  if (a.is_v4() && b.is_v4()) return a.to_v4().to_uint() < b.to_v4().to_uint();
  if (a.is_v6() && b.is_v6()) {
    const auto x = a.to_v6().to_bytes();
    const auto y = b.to_v6().to_bytes();
    if (!std::equal(x.begin() + 8, x.end(), y.begin() + 8)) {
      return std::lexicographical_compare(x.begin() + 8, x.end(), y.begin() + 8, y.end());
    }
    return x < y;
  }
  return a < b;  // mixed families never meet on one link; any total order will do
}

codec::Packet make_query(const QueryParameters& p) {
  codec::Query q;
  q.version = p.version;
  const Family family = codec::family_of(p.version);
  const bool general = p.group.is_unspecified();
  q.group = general ? unspecified(family) : p.group;
  // IGMPv1 queries carry no Max Resp Code (RFC 1112; RFC 3376 §7.3.1: 0).
  q.max_response_time = p.version == codec::Version::IGMPv1 ? Duration{0} : p.max_response_time;
  if (p.version == codec::Version::IGMPv3 || p.version == codec::Version::MLDv2) {
    q.suppress_router_side_processing = p.suppress_router_side_processing;
    q.qrv = static_cast<std::uint8_t>(p.robustness <= 7 ? p.robustness : 0);
    q.qqi = std::chrono::duration_cast<std::chrono::seconds>(p.query_interval);
    q.sources.assign(p.sources.begin(), p.sources.end());
  }
  codec::Packet packet;
  packet.source = p.source;
  packet.destination = general ? all_systems(family) : p.group;
  packet.ttl = 1;
  packet.router_alert = true;
  packet.message = std::move(q);
  return packet;
}

std::string version_name(codec::Version v) {
  switch (v) {
    case codec::Version::IGMPv1: return "igmpv1";
    case codec::Version::IGMPv2: return "igmpv2";
    case codec::Version::IGMPv3: return "igmpv3";
    case codec::Version::MLDv1: return "mldv1";
    case codec::Version::MLDv2: return "mldv2";
  }
  return "unknown";
}

}  // namespace mcproxy::instances
