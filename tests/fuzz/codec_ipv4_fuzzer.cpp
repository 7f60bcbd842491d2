// libFuzzer harness of the IPv4 entry point of the codec: decode_ipv4() on a
// whole datagram as a raw IGMP socket delivers it, then the round trip.
#include "tests/fuzz/codec_checks.hpp"

#include <cstdint>
#include <vector>

namespace {

using namespace mcproxy;

// The same datagram with correct IPv4 header and IGMP checksums, so that
// mutations reach the parsers behind the checksum checks.
std::vector<std::uint8_t> reseal(std::span<const std::uint8_t> in) {
  std::vector<std::uint8_t> out(in.begin(), in.end());
  if (out.size() < 20 || (out[0] >> 4) != 4) return out;
  const std::size_t header = std::size_t{out[0] & 0x0fu} * 4;
  if (header < 20 || header > out.size()) return out;
  out[10] = out[11] = 0;
  const std::uint16_t ip_sum = codec::internet_checksum(std::span(out).first(header));
  out[10] = static_cast<std::uint8_t>(ip_sum >> 8);
  out[11] = static_cast<std::uint8_t>(ip_sum);
  const std::size_t total = std::min<std::size_t>((std::size_t{out[2]} << 8) | out[3], out.size());
  if (total < header + 4) return out;
  const auto igmp = std::span(out).subspan(header, total - header);
  igmp[2] = igmp[3] = 0;
  const std::uint16_t igmp_sum = codec::internet_checksum(igmp);
  igmp[2] = static_cast<std::uint8_t>(igmp_sum >> 8);
  igmp[3] = static_cast<std::uint8_t>(igmp_sum);
  return out;
}

// RFC 3376 §4.2.16: reports are split for the link MTU; 1500 bytes less the
// IPv4 header with Router Alert.
constexpr std::size_t kReportBudget = 1500 - 24;

void check(std::span<const std::uint8_t> datagram) {
  const auto packet = codec::decode_ipv4(datagram);
  if (!packet) {
    fuzz::require(packet.error() < codec::DecodeError::Count_, "decode error out of range");
    fuzz::require(!codec::to_string(packet.error()).empty(), "decode error without a name");
    return;
  }
  fuzz::check_accepted(
      *packet, Family::V4, [](std::span<const std::uint8_t> b) { return codec::decode_ipv4(b); },
      [](const codec::Packet& p) { return codec::encode_ipv4(p); }, kReportBudget);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  check(input);
  const std::vector<std::uint8_t> resealed = reseal(input);
  if (!std::equal(resealed.begin(), resealed.end(), input.begin(), input.end())) check(resealed);
  return 0;
}
