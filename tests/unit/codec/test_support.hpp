// Helpers shared by the codec tests: address literals, packet builders, and
// checksum fixers for hand-crafted (deliberately broken) packets.
#pragma once

#include "modules/codec/checksum.hpp"
#include "modules/codec/codec.hpp"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace mcproxy::codec::test {

using Bytes = std::vector<std::uint8_t>;
using namespace std::chrono_literals;

inline Address v4(const char* s) { return Address(boost::asio::ip::make_address_v4(s)); }
inline Address v6(const char* s) { return Address(boost::asio::ip::make_address_v6(s)); }

inline Packet packet(Address source, Address destination, std::uint8_t ttl, bool router_alert, Message m) {
  return Packet{source, destination, ttl, router_alert, std::move(m)};
}

inline std::filesystem::path fixtures_dir() { return MCPROXY_FIXTURES_DIR; }

// Recomputes the checksum of an IGMP message that starts at `offset`.
inline void fix_igmp_checksum(Bytes& b, std::size_t offset = 0) {
  b[offset + 2] = 0;
  b[offset + 3] = 0;
  const std::uint16_t c = internet_checksum(std::span(b).subspan(offset));
  b[offset + 2] = static_cast<std::uint8_t>(c >> 8);
  b[offset + 3] = static_cast<std::uint8_t>(c);
}

// Recomputes the IPv4 header checksum (header length from IHL).
inline void fix_ipv4_checksum(Bytes& b) {
  const std::size_t ihl = std::size_t{b[0] & 0x0fu} * 4;
  b[10] = 0;
  b[11] = 0;
  const std::uint16_t c = internet_checksum(std::span(b).first(std::min(ihl, b.size())));
  b[10] = static_cast<std::uint8_t>(c >> 8);
  b[11] = static_cast<std::uint8_t>(c);
}

// Recomputes the checksum of an ICMPv6 message starting at `offset`.
inline void fix_icmpv6_checksum(Bytes& b, const Address& source, const Address& destination,
                                std::size_t offset = 0) {
  b[offset + 2] = 0;
  b[offset + 3] = 0;
  const std::uint16_t c = icmpv6_checksum(source, destination, std::span(b).subspan(offset));
  b[offset + 2] = static_cast<std::uint8_t>(c >> 8);
  b[offset + 3] = static_cast<std::uint8_t>(c);
}

}  // namespace mcproxy::codec::test
