// libFuzzer harness of the IPv6 entry point of the codec: decode_ipv6() on a
// whole packet (fixed header, extension headers, MLD), then the round trip.
#include "tests/fuzz/codec_checks.hpp"

#include <cstdint>
#include <vector>

namespace {

using namespace mcproxy;

constexpr std::size_t kFixedHeader = 40;
constexpr std::uint8_t kNextIcmpv6 = 58;

Address address_at(std::span<const std::uint8_t> b, std::size_t offset) {
  AddressV6::bytes_type bytes{};
  std::copy_n(b.begin() + static_cast<std::ptrdiff_t>(offset), bytes.size(), bytes.begin());
  return AddressV6(bytes);
}

// The same packet with a correct ICMPv6 checksum over the pseudo-header, so
// that mutations reach the MLD parser. The extension headers are walked as
// RFC 8200 §4 lays them out (each: next header, length in 8-octet units - 1).
std::vector<std::uint8_t> reseal(std::span<const std::uint8_t> in) {
  std::vector<std::uint8_t> out(in.begin(), in.end());
  if (out.size() < kFixedHeader || (out[0] >> 4) != 6) return out;
  const std::size_t end = std::min(kFixedHeader + ((std::size_t{out[4]} << 8) | out[5]), out.size());
  std::uint8_t next = out[6];
  std::size_t pos = kFixedHeader;
  for (int headers = 0; next != kNextIcmpv6; ++headers) {
    if (headers > 8 || end - pos < 2) return out;
    const std::size_t length = (std::size_t{out[pos + 1]} + 1) * 8;
    if (end - pos < length) return out;
    next = out[pos];
    pos += length;
  }
  if (end - pos < 4) return out;
  const auto icmpv6 = std::span(out).subspan(pos, end - pos);
  icmpv6[2] = icmpv6[3] = 0;
  const std::uint16_t sum = codec::icmpv6_checksum(address_at(out, 8), address_at(out, 24), icmpv6);
  icmpv6[2] = static_cast<std::uint8_t>(sum >> 8);
  icmpv6[3] = static_cast<std::uint8_t>(sum);
  return out;
}

// RFC 3810 §5.2.15: reports are split for the link MTU; 1500 bytes less the
// IPv6 header and the hop-by-hop header with Router Alert.
constexpr std::size_t kReportBudget = 1500 - 48;

void check(std::span<const std::uint8_t> packet_bytes) {
  const auto packet = codec::decode_ipv6(packet_bytes);
  if (!packet) {
    fuzz::require(packet.error() < codec::DecodeError::Count_, "decode error out of range");
    fuzz::require(!codec::to_string(packet.error()).empty(), "decode error without a name");
    return;
  }
  fuzz::check_accepted(
      *packet, Family::V6, [](std::span<const std::uint8_t> b) { return codec::decode_ipv6(b); },
      [](const codec::Packet& p) { return codec::encode_ipv6(p); }, kReportBudget);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  check(input);
  const std::vector<std::uint8_t> resealed = reseal(input);
  if (!std::equal(resealed.begin(), resealed.end(), input.begin(), input.end())) check(resealed);
  return 0;
}
