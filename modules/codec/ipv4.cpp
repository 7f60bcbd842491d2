// The IPv4 envelope of IGMP: header checks, the Router Alert option
// (RFC 2113), and the header Linux itself puts on IGMP (IHL 6, TOS 0xc0, DF).
#include "modules/codec/byte_reader.hpp"
#include "modules/codec/byte_writer.hpp"
#include "modules/codec/checksum.hpp"
#include "modules/codec/codec.hpp"

namespace mcproxy::codec {
namespace {

constexpr std::size_t kMinHeader = 20;
constexpr std::uint8_t kProtocolIgmp = 2;
constexpr std::uint16_t kFlagDontFragment = 0x4000;
constexpr std::uint16_t kFlagMoreFragments = 0x2000;
constexpr std::uint16_t kFragmentOffsetMask = 0x1fff;
constexpr std::uint8_t kOptionEnd = 0;
constexpr std::uint8_t kOptionNop = 1;
constexpr std::uint8_t kOptionRouterAlert = 148;  // copied flag | class 0 | number 20
constexpr std::uint8_t kRouterAlertLength = 4;
// RFC 2474 class selector 6 (network control), as Linux sends IGMP.
constexpr std::uint8_t kTosInternetworkControl = 0xc0;

// Walks the options (RFC 791 §3.1): false if one is malformed. Sets
// router_alert for an RFC 2113 option with value 0 ("examine packet"); other
// values are reserved and, as RFC 2113 says, ignored.
bool parse_options(std::span<const std::uint8_t> options, bool& router_alert) {
  std::size_t i = 0;
  while (i < options.size()) {
    const std::uint8_t type = options[i];
    if (type == kOptionEnd) break;
    if (type == kOptionNop) {
      ++i;
      continue;
    }
    if (i + 1 >= options.size()) return false;
    const std::size_t length = options[i + 1];
    if (length < 2 || i + length > options.size()) return false;
    if (type == kOptionRouterAlert) {
      if (length != kRouterAlertLength) return false;
      if (options[i + 2] == 0 && options[i + 3] == 0) router_alert = true;
    }
    i += length;
  }
  return true;
}

}  // namespace

Result<Packet> decode_ipv4(std::span<const std::uint8_t> datagram) {
  if (datagram.empty()) return std::unexpected(DecodeError::Truncated);
  if ((datagram[0] >> 4) != 4) return std::unexpected(DecodeError::BadIpVersion);
  if (datagram.size() < kMinHeader) return std::unexpected(DecodeError::Truncated);
  const std::size_t header_size = std::size_t{datagram[0] & 0x0fu} * 4;
  if (header_size < kMinHeader) return std::unexpected(DecodeError::BadIpHeader);
  if (datagram.size() < header_size) return std::unexpected(DecodeError::Truncated);

  detail::ByteReader r(datagram);
  r.skip(2);  // version/IHL, TOS
  const std::uint16_t total_length = *r.u16();
  r.skip(2);  // identification
  const std::uint16_t fragment = *r.u16();
  const std::uint8_t ttl = *r.u8();
  const std::uint8_t protocol = *r.u8();
  r.skip(2);  // header checksum
  const AddressV4 source = *r.v4();
  const AddressV4 destination = *r.v4();

  if (total_length < header_size) return std::unexpected(DecodeError::BadIpHeader);
  if (total_length > datagram.size()) return std::unexpected(DecodeError::Truncated);
  if (internet_checksum(datagram.first(header_size)) != 0) return std::unexpected(DecodeError::BadIpHeader);
  if ((fragment & kFlagMoreFragments) != 0 || (fragment & kFragmentOffsetMask) != 0) {
    return std::unexpected(DecodeError::Fragmented);
  }
  if (protocol != kProtocolIgmp) return std::unexpected(DecodeError::NotIgmp);

  Packet p;
  p.source = source;
  p.destination = destination;
  p.ttl = ttl;
  p.router_alert = false;
  if (!parse_options(datagram.subspan(kMinHeader, header_size - kMinHeader), p.router_alert)) {
    return std::unexpected(DecodeError::BadIpHeader);
  }
  // Bytes past Total Length (link padding) are not part of the datagram.
  auto message = decode_igmp(datagram.subspan(header_size, total_length - header_size));
  if (!message) return std::unexpected(message.error());
  p.message = std::move(*message);
  return p;
}

std::vector<std::uint8_t> encode_ipv4(const Packet& p) {
  const std::vector<std::uint8_t> igmp = encode_igmp(p.message);
  const std::size_t header_size = kMinHeader + (p.router_alert ? kRouterAlertLength : 0);
  std::vector<std::uint8_t> out;
  out.reserve(header_size + igmp.size());
  detail::ByteWriter w(out);
  w.u8(static_cast<std::uint8_t>(0x40 | (header_size / 4)));
  w.u8(kTosInternetworkControl);
  w.u16(static_cast<std::uint16_t>(header_size + igmp.size()));
  w.u16(0);  // identification: never fragmented
  w.u16(kFlagDontFragment);
  w.u8(p.ttl);
  w.u8(kProtocolIgmp);
  w.u16(0);  // header checksum, patched below
  w.v4(p.source);
  w.v4(p.destination);
  if (p.router_alert) {
    // RFC 2113: type 148, length 4, value 0 (router shall examine packet).
    w.u8(kOptionRouterAlert);
    w.u8(kRouterAlertLength);
    w.u16(0);
  }
  w.patch_u16(10, internet_checksum(std::span(out).first(header_size)));
  w.bytes(igmp);
  return out;
}

}  // namespace mcproxy::codec
