// The Internet checksum (RFC 1071) and the ICMPv6 pseudo-header sum
// (RFC 8200 §8.1) shared by the IPv4, IGMP and MLD code.
#include "modules/codec/checksum.hpp"

namespace mcproxy::codec {

void ChecksumAccumulator::add(std::span<const std::uint8_t> bytes) {
  std::size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) sum_ += static_cast<std::uint32_t>((bytes[i] << 8) | bytes[i + 1]);
  if (i < bytes.size()) sum_ += static_cast<std::uint32_t>(bytes[i] << 8);
}

std::uint16_t ChecksumAccumulator::finish() const {
  std::uint64_t s = sum_;
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return static_cast<std::uint16_t>(~s & 0xffff);
}

std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes) {
  ChecksumAccumulator acc;
  acc.add(bytes);
  return acc.finish();
}

std::uint16_t icmpv6_checksum(const Address& source, const Address& destination,
                              std::span<const std::uint8_t> icmpv6) {
  constexpr std::uint8_t kNextHeaderIcmpv6 = 58;
  ChecksumAccumulator acc;
  const auto add_address = [&acc](const Address& a) {
    AddressV6::bytes_type b{};
    if (a.is_v6()) b = a.to_v6().to_bytes();
    acc.add(b);
  };
  add_address(source);
  add_address(destination);
  acc.add_u32(static_cast<std::uint32_t>(icmpv6.size()));
  acc.add_u32(kNextHeaderIcmpv6);
  acc.add(icmpv6);
  return acc.finish();
}

}  // namespace mcproxy::codec
