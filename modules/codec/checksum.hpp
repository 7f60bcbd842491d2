// The Internet checksum (RFC 1071) used by IPv4, IGMP and ICMPv6, and the
// ICMPv6 variant over the IPv6 pseudo-header (RFC 8200 §8.1, RFC 4443 §2.3).
#pragma once

#include "modules/common/address.hpp"

#include <cstdint>
#include <span>

namespace mcproxy::codec {

// One's-complement sum of 16-bit big-endian words; an odd trailing byte is
// padded with zero. Summing parts in order gives the sum of their
// concatenation as long as every part but the last has even length.
class ChecksumAccumulator {
 public:
  void add(std::span<const std::uint8_t> bytes);
  void add_u16(std::uint16_t v) { sum_ += v; }
  void add_u32(std::uint32_t v) { sum_ += (v >> 16) + (v & 0xffff); }
  // The folded sum, complemented: the value to store in a checksum field.
  // Over data that already holds a correct checksum the result is 0.
  std::uint16_t finish() const;

 private:
  std::uint64_t sum_ = 0;
};

// Checksum over one buffer (IPv4 header, IGMP message). 0 means "verifies"
// when the buffer includes its checksum field.
std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes);

// ICMPv6 checksum: pseudo-header (source, destination, upper-layer length,
// next header 58) followed by the message. Non-IPv6 addresses count as ::.
std::uint16_t icmpv6_checksum(const Address& source, const Address& destination,
                              std::span<const std::uint8_t> icmpv6);

}  // namespace mcproxy::codec
