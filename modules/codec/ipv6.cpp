// The IPv6 envelope of MLD: fixed header, extension header chain, the
// hop-by-hop Router Alert option (RFC 2711, value 0 = MLD) and its encoding.
#include "modules/codec/byte_reader.hpp"
#include "modules/codec/byte_writer.hpp"
#include "modules/codec/codec.hpp"

namespace mcproxy::codec {
namespace {

constexpr std::size_t kFixedHeader = 40;
constexpr std::uint8_t kNextHopByHop = 0;
constexpr std::uint8_t kNextRouting = 43;
constexpr std::uint8_t kNextFragment = 44;
constexpr std::uint8_t kNextIcmpv6 = 58;
constexpr std::uint8_t kNextDestinationOptions = 60;
constexpr std::uint8_t kOptionPad1 = 0;
constexpr std::uint8_t kOptionPadN = 1;
constexpr std::uint8_t kOptionRouterAlert = 5;
constexpr std::uint8_t kRouterAlertDataLength = 2;
constexpr std::uint16_t kRouterAlertMld = 0;  // RFC 2711 §2.1

// The options of a hop-by-hop header (RFC 8200 §4.2): false if malformed,
// or if an unknown option's action bits say not to skip it.
bool parse_hop_by_hop_options(std::span<const std::uint8_t> options, bool& router_alert) {
  std::size_t i = 0;
  while (i < options.size()) {
    const std::uint8_t type = options[i];
    if (type == kOptionPad1) {
      ++i;
      continue;
    }
    if (i + 1 >= options.size()) return false;
    const std::size_t length = options[i + 1];
    if (i + 2 + length > options.size()) return false;
    if (type == kOptionRouterAlert) {
      if (length != kRouterAlertDataLength) return false;
      const auto value = static_cast<std::uint16_t>((options[i + 2] << 8) | options[i + 3]);
      if (value == kRouterAlertMld) router_alert = true;
    } else if (type != kOptionPadN && (type >> 6) != 0) {
      return false;  // RFC 8200 §4.2: action 01/10/11 means discard
    }
    i += 2 + length;
  }
  return true;
}

}  // namespace

Result<Packet> decode_ipv6(std::span<const std::uint8_t> packet) {
  if (packet.empty()) return std::unexpected(DecodeError::Truncated);
  if ((packet[0] >> 4) != 6) return std::unexpected(DecodeError::BadIpVersion);
  if (packet.size() < kFixedHeader) return std::unexpected(DecodeError::Truncated);

  detail::ByteReader r(packet);
  r.skip(4);  // version, traffic class, flow label
  const std::uint16_t payload_length = *r.u16();
  std::uint8_t next_header = *r.u8();
  const std::uint8_t hop_limit = *r.u8();
  const AddressV6 source = *r.v6();
  const AddressV6 destination = *r.v6();
  // Payload Length 0 means a jumbogram (RFC 2675), which MLD never is.
  if (payload_length == 0) return std::unexpected(DecodeError::BadIpHeader);
  if (kFixedHeader + payload_length > packet.size()) return std::unexpected(DecodeError::Truncated);
  const auto payload = packet.subspan(kFixedHeader, payload_length);

  Packet p;
  p.source = source;
  p.destination = destination;
  p.ttl = hop_limit;
  p.router_alert = false;
  std::size_t pos = 0;
  bool first = true;
  while (next_header != kNextIcmpv6) {
    if (next_header == kNextFragment) return std::unexpected(DecodeError::Fragmented);
    if (next_header != kNextHopByHop && next_header != kNextRouting && next_header != kNextDestinationOptions) {
      return std::unexpected(DecodeError::NotIcmpv6);
    }
    // RFC 8200 §4.1: hop-by-hop options only directly after the fixed header.
    if (next_header == kNextHopByHop && !first) return std::unexpected(DecodeError::BadIpHeader);
    if (payload.size() - pos < 2) return std::unexpected(DecodeError::Truncated);
    const std::size_t length = (std::size_t{payload[pos + 1]} + 1) * 8;
    if (payload.size() - pos < length) return std::unexpected(DecodeError::Truncated);
    if (next_header == kNextHopByHop &&
        !parse_hop_by_hop_options(payload.subspan(pos + 2, length - 2), p.router_alert)) {
      return std::unexpected(DecodeError::BadIpHeader);
    }
    next_header = payload[pos];
    pos += length;
    first = false;
  }
  auto message = decode_mld(payload.subspan(pos), p.source, p.destination);
  if (!message) return std::unexpected(message.error());
  p.message = std::move(*message);
  return p;
}

std::vector<std::uint8_t> encode_ipv6(const Packet& p) {
  const std::vector<std::uint8_t> icmpv6 = encode_mld(p.message, p.source, p.destination);
  constexpr std::size_t kHopByHopSize = 8;
  const std::size_t extension_size = p.router_alert ? kHopByHopSize : 0;
  std::vector<std::uint8_t> out;
  out.reserve(kFixedHeader + extension_size + icmpv6.size());
  detail::ByteWriter w(out);
  w.u32(0x60000000);  // version 6, traffic class 0, flow label 0
  w.u16(static_cast<std::uint16_t>(extension_size + icmpv6.size()));
  w.u8(p.router_alert ? kNextHopByHop : kNextIcmpv6);
  w.u8(p.ttl);
  w.v6(p.source);
  w.v6(p.destination);
  if (p.router_alert) {
    // RFC 3810 §5: MLD carries a Router Alert (RFC 2711) in a hop-by-hop
    // header; PadN with no data fills it to 8 octets, as Linux does.
    w.u8(kNextIcmpv6);
    w.u8(0);  // Hdr Ext Len: 8 octets
    w.u8(kOptionRouterAlert);
    w.u8(kRouterAlertDataLength);
    w.u16(kRouterAlertMld);
    w.u8(kOptionPadN);
    w.u8(0);
  }
  w.bytes(icmpv6);
  return out;
}

}  // namespace mcproxy::codec
