// MLD messages (ICMPv6 without the IPv6 envelope): MLDv1 (RFC 2710 §3) and
// MLDv2 (RFC 3810 §5), decoding and encoding with the pseudo-header checksum.
#include "modules/codec/checksum.hpp"
#include "modules/codec/codec.hpp"
#include "modules/codec/group_records.hpp"
#include "modules/codec/wire_rules.hpp"

#include <algorithm>

namespace mcproxy::codec {
namespace {

using detail::ByteReader;
using detail::ByteWriter;

constexpr std::uint8_t kSFlag = 0x08;    // RFC 3810 §5.1.7
constexpr std::uint8_t kQrvMask = 0x07;  // RFC 3810 §5.1.8

bool is_mld_type(std::uint8_t t) {
  return t == detail::kMldQuery || t == detail::kMldV1Report || t == detail::kMldDone ||
         t == detail::kMldV2Report;
}

// RFC 3810 §8.1: a query of exactly 24 octets is MLDv1, one of at least 28
// octets is MLDv2; any other length MUST be silently ignored.
Result<Message> decode_query(std::span<const std::uint8_t> icmpv6) {
  ByteReader r(icmpv6);
  r.skip(4);  // type, code, checksum
  const std::uint16_t code = *r.u16();
  r.skip(2);  // reserved
  const Address group = *r.v6();
  Query q;
  q.group = group;
  if (icmpv6.size() == detail::kMldV1Size) {
    if (!detail::is_multicast(group) && !detail::is_unspecified(group)) {
      return std::unexpected(DecodeError::NotMulticastGroup);
    }
    q.version = Version::MLDv1;
    q.max_response_time = std::chrono::milliseconds(code);  // RFC 2710 §3.4: plain ms
    return q;
  }
  if (icmpv6.size() < detail::kMldV2QueryMin) return std::unexpected(DecodeError::BadLength);
  q.version = Version::MLDv2;
  q.max_response_time = std::chrono::milliseconds(decode_mld_max_resp_code(code));
  const std::uint8_t flags = *r.u8();
  q.suppress_router_side_processing = (flags & kSFlag) != 0;
  q.qrv = flags & kQrvMask;
  q.qqi = std::chrono::seconds(decode_igmp_code(*r.u8()));  // RFC 3810 §5.1.9
  const std::uint16_t nsrc = *r.u16();
  // RFC 3810 §5.1.10: a general query (address ::) carries no sources.
  const bool general = detail::is_unspecified(group) && nsrc == 0;
  if (!detail::is_multicast(group) && !general) return std::unexpected(DecodeError::NotMulticastGroup);
  auto sources = detail::read_sources(r, Family::V6, nsrc);
  if (!sources) return std::unexpected(sources.error());
  q.sources = std::move(*sources);
  return q;  // RFC 3810 §5.1.12: octets beyond the sources are ignored
}

Result<Address> decode_v1_group(std::span<const std::uint8_t> icmpv6) {
  ByteReader r(icmpv6);
  r.skip(8);
  const Address group = *r.v6();
  if (!detail::is_multicast(group)) return std::unexpected(DecodeError::NotMulticastGroup);
  return group;
}

Result<Message> decode_v2_report(std::span<const std::uint8_t> icmpv6) {
  ByteReader r(icmpv6);
  r.skip(6);  // type, reserved, checksum, reserved (RFC 3810 §5.2)
  const std::uint16_t count = *r.u16();
  auto records = detail::read_group_records(r, Family::V6, count);
  if (!records) return std::unexpected(records.error());
  return V3Report{Version::MLDv2, std::move(*records)};
}

std::uint32_t to_milliseconds(std::chrono::milliseconds t) {
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(t.count(), 0, 0xffffffff));
}

void write_header(ByteWriter& w, std::uint8_t type, std::uint16_t max_resp_code) {
  w.u8(type);
  w.u8(0);   // code
  w.u16(0);  // checksum, patched last
  w.u16(max_resp_code);
  w.u16(0);  // reserved
}

void encode_query(ByteWriter& w, const Query& q) {
  if (q.version == Version::MLDv1) {
    write_header(w, detail::kMldQuery, static_cast<std::uint16_t>(std::min<std::uint32_t>(to_milliseconds(q.max_response_time), 0xffff)));
    w.v6(q.group);
    return;
  }
  write_header(w, detail::kMldQuery, encode_mld_max_resp_code(to_milliseconds(q.max_response_time)));
  w.v6(q.group);
  w.u8(static_cast<std::uint8_t>((q.suppress_router_side_processing ? kSFlag : 0) | (q.qrv & kQrvMask)));
  w.u8(encode_igmp_code(static_cast<std::uint32_t>(std::clamp<std::int64_t>(q.qqi.count(), 0, 0xffffffff))));
  w.u16(static_cast<std::uint16_t>(std::min(q.sources.size(), detail::kMaxCount)));
  detail::write_sources(w, Family::V6, q.sources);
}

}  // namespace

Result<Message> decode_mld(std::span<const std::uint8_t> icmpv6, const Address& source,
                           const Address& destination) {
  if (icmpv6.empty()) return std::unexpected(DecodeError::Truncated);
  const std::uint8_t type = icmpv6[0];
  if (!is_mld_type(type)) return std::unexpected(DecodeError::UnknownType);
  const std::size_t min_size = type == detail::kMldV2Report ? detail::kV3ReportHeader : detail::kMldV1Size;
  if (icmpv6.size() < min_size) return std::unexpected(DecodeError::Truncated);
  // RFC 4443 §2.3: the checksum covers the pseudo-header and the whole message.
  if (icmpv6_checksum(source, destination, icmpv6) != 0) return std::unexpected(DecodeError::BadChecksum);
  switch (type) {
    case detail::kMldQuery:
      return decode_query(icmpv6);
    case detail::kMldV1Report: {
      auto group = decode_v1_group(icmpv6);
      if (!group) return std::unexpected(group.error());
      return MembershipReport{Version::MLDv1, *group};
    }
    case detail::kMldDone: {
      auto group = decode_v1_group(icmpv6);
      if (!group) return std::unexpected(group.error());
      return LeaveGroup{Version::MLDv1, *group};
    }
    default:
      return decode_v2_report(icmpv6);
  }
}

std::vector<std::uint8_t> encode_mld(const Message& m, const Address& source, const Address& destination) {
  std::vector<std::uint8_t> out;
  ByteWriter w(out);
  std::visit(
      [&w](const auto& msg) {
        using T = std::decay_t<decltype(msg)>;
        if constexpr (std::is_same_v<T, Query>) {
          encode_query(w, msg);
        } else if constexpr (std::is_same_v<T, MembershipReport>) {
          write_header(w, detail::kMldV1Report, 0);
          w.v6(msg.group);
        } else if constexpr (std::is_same_v<T, LeaveGroup>) {
          write_header(w, detail::kMldDone, 0);
          w.v6(msg.group);
        } else {
          w.u8(detail::kMldV2Report);
          w.u8(0);
          w.u16(0);  // checksum
          w.u16(0);  // reserved
          const std::size_t n = std::min(msg.records.size(), detail::kMaxCount);
          w.u16(static_cast<std::uint16_t>(n));
          for (std::size_t i = 0; i < n; ++i) detail::write_group_record(w, Family::V6, msg.records[i]);
        }
      },
      m);
  w.patch_u16(2, icmpv6_checksum(source, destination, out));
  return out;
}

}  // namespace mcproxy::codec
