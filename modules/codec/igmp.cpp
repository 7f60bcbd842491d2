// IGMP messages without their IP envelope: IGMPv1 (RFC 1112 App. I), IGMPv2
// (RFC 2236 §2) and IGMPv3 (RFC 3376 §4), decoding and encoding.
#include "modules/codec/checksum.hpp"
#include "modules/codec/codec.hpp"
#include "modules/codec/group_records.hpp"
#include "modules/codec/wire_rules.hpp"

#include <algorithm>

namespace mcproxy::codec {
namespace {

using detail::ByteReader;
using detail::ByteWriter;

constexpr std::uint8_t kSFlag = 0x08;    // RFC 3376 §4.1.5
constexpr std::uint8_t kQrvMask = 0x07;  // RFC 3376 §4.1.6
// IGMP Max Resp Code / Time is in units of 1/10 s (RFC 2236 §2.2, RFC 3376 §4.1.1).
constexpr std::int64_t kMsPerUnit = 100;

bool is_igmp_type(std::uint8_t t) {
  return t == detail::kIgmpQuery || t == detail::kIgmpV1Report || t == detail::kIgmpV2Report ||
         t == detail::kIgmpLeave || t == detail::kIgmpV3Report;
}

// RFC 3376 §7.1: the version of a query follows from its length and Max Resp
// Code: 8 octets and code 0 is IGMPv1, 8 octets and code != 0 is IGMPv2, at
// least 12 octets is IGMPv3; any other length MUST be silently ignored.
Result<Message> decode_query(std::span<const std::uint8_t> igmp) {
  ByteReader r(igmp);
  r.skip(1);
  const std::uint8_t code = *r.u8();
  r.skip(2);  // checksum, already verified
  const Address group = *r.v4();
  Query q;
  q.group = group;
  if (igmp.size() == detail::kIgmpV1V2Size) {
    if (!detail::is_multicast(group) && !detail::is_unspecified(group)) {
      return std::unexpected(DecodeError::NotMulticastGroup);
    }
    q.version = code == 0 ? Version::IGMPv1 : Version::IGMPv2;
    // IGMPv2's Max Resp Time is a plain count of 1/10 s (RFC 2236 §2.2).
    q.max_response_time = std::chrono::milliseconds(code * kMsPerUnit);
    return q;
  }
  if (igmp.size() < detail::kIgmpV3QueryMin) return std::unexpected(DecodeError::BadLength);
  q.version = Version::IGMPv3;
  q.max_response_time = std::chrono::milliseconds(std::int64_t{decode_igmp_code(code)} * kMsPerUnit);
  const std::uint8_t flags = *r.u8();
  q.suppress_router_side_processing = (flags & kSFlag) != 0;
  q.qrv = flags & kQrvMask;
  q.qqi = std::chrono::seconds(decode_igmp_code(*r.u8()));
  const std::uint16_t nsrc = *r.u16();
  // RFC 3376 §4.1.9: a general query (group 0) carries no sources.
  const bool general = detail::is_unspecified(group) && nsrc == 0;
  if (!detail::is_multicast(group) && !general) return std::unexpected(DecodeError::NotMulticastGroup);
  auto sources = detail::read_sources(r, Family::V4, nsrc);
  if (!sources) return std::unexpected(sources.error());
  q.sources = std::move(*sources);
  // RFC 3376 §4.1.10: octets beyond the source list count for the checksum
  // and are otherwise ignored.
  return q;
}

// IGMPv1/v2 report and leave: 8 octets; RFC 2236 §2.5 says to ignore any
// octets beyond them.
Result<Address> decode_v1v2_group(std::span<const std::uint8_t> igmp) {
  ByteReader r(igmp);
  r.skip(4);
  const Address group = *r.v4();
  if (!detail::is_multicast(group)) return std::unexpected(DecodeError::NotMulticastGroup);
  return group;
}

Result<Message> decode_v3_report(std::span<const std::uint8_t> igmp) {
  ByteReader r(igmp);
  r.skip(6);  // type, reserved, checksum, reserved (RFC 3376 §4.2)
  const std::uint16_t count = *r.u16();
  auto records = detail::read_group_records(r, Family::V4, count);
  if (!records) return std::unexpected(records.error());
  return V3Report{Version::IGMPv3, std::move(*records)};
}

std::uint8_t v2_max_resp_time(std::chrono::milliseconds t) {
  // Code 0 on an 8-octet query means IGMPv1 (RFC 3376 §7.1), so an IGMPv2
  // query carries at least 1 (0.1 s); the field is 8 bits of 1/10 s.
  return static_cast<std::uint8_t>(std::clamp<std::int64_t>(t.count() / kMsPerUnit, 1, 0xff));
}

std::uint32_t to_code_units(std::int64_t value) {
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(value, 0, 0xffffffff));
}

void write_header(ByteWriter& w, std::uint8_t type, std::uint8_t code) {
  w.u8(type);
  w.u8(code);
  w.u16(0);  // checksum, patched last
}

void encode_query(ByteWriter& w, const Query& q) {
  if (q.version == Version::IGMPv1 || q.version == Version::IGMPv2) {
    write_header(w, detail::kIgmpQuery, q.version == Version::IGMPv1 ? 0 : v2_max_resp_time(q.max_response_time));
    w.v4(q.group);
    return;
  }
  write_header(w, detail::kIgmpQuery, encode_igmp_code(to_code_units(q.max_response_time.count() / kMsPerUnit)));
  w.v4(q.group);
  w.u8(static_cast<std::uint8_t>((q.suppress_router_side_processing ? kSFlag : 0) | (q.qrv & kQrvMask)));
  w.u8(encode_igmp_code(to_code_units(q.qqi.count())));
  w.u16(static_cast<std::uint16_t>(std::min(q.sources.size(), detail::kMaxCount)));
  detail::write_sources(w, Family::V4, q.sources);
}

}  // namespace

Result<Message> decode_igmp(std::span<const std::uint8_t> igmp) {
  if (igmp.empty()) return std::unexpected(DecodeError::Truncated);
  const std::uint8_t type = igmp[0];
  if (!is_igmp_type(type)) return std::unexpected(DecodeError::UnknownType);
  if (igmp.size() < detail::kIgmpV1V2Size) return std::unexpected(DecodeError::Truncated);
  // The checksum covers the whole IGMP message (RFC 2236 §2.3, RFC 3376 §4.1.2).
  if (internet_checksum(igmp) != 0) return std::unexpected(DecodeError::BadChecksum);
  switch (type) {
    case detail::kIgmpQuery:
      return decode_query(igmp);
    case detail::kIgmpV1Report:
    case detail::kIgmpV2Report: {
      auto group = decode_v1v2_group(igmp);
      if (!group) return std::unexpected(group.error());
      return MembershipReport{type == detail::kIgmpV1Report ? Version::IGMPv1 : Version::IGMPv2, *group};
    }
    case detail::kIgmpLeave: {
      auto group = decode_v1v2_group(igmp);
      if (!group) return std::unexpected(group.error());
      return LeaveGroup{Version::IGMPv2, *group};
    }
    default:
      return decode_v3_report(igmp);
  }
}

std::vector<std::uint8_t> encode_igmp(const Message& m) {
  std::vector<std::uint8_t> out;
  ByteWriter w(out);
  std::visit(
      [&w](const auto& msg) {
        using T = std::decay_t<decltype(msg)>;
        if constexpr (std::is_same_v<T, Query>) {
          encode_query(w, msg);
        } else if constexpr (std::is_same_v<T, MembershipReport>) {
          write_header(w, msg.version == Version::IGMPv1 ? detail::kIgmpV1Report : detail::kIgmpV2Report, 0);
          w.v4(msg.group);
        } else if constexpr (std::is_same_v<T, LeaveGroup>) {
          write_header(w, detail::kIgmpLeave, 0);
          w.v4(msg.group);
        } else {
          write_header(w, detail::kIgmpV3Report, 0);
          w.u16(0);  // reserved
          const std::size_t n = std::min(msg.records.size(), detail::kMaxCount);
          w.u16(static_cast<std::uint16_t>(n));
          for (std::size_t i = 0; i < n; ++i) detail::write_group_record(w, Family::V4, msg.records[i]);
        }
      },
      m);
  w.patch_u16(2, internet_checksum(out));
  return out;
}

}  // namespace mcproxy::codec
