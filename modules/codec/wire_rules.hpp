// Constants and address rules shared by the IGMP and MLD decoders and
// encoders: message types, fixed sizes, which addresses a field may carry.
#pragma once

#include "modules/common/address.hpp"

#include <cstddef>
#include <cstdint>

namespace mcproxy::codec::detail {

// IGMP types (RFC 1112 App. I, RFC 2236 §2.1, RFC 3376 §4).
inline constexpr std::uint8_t kIgmpQuery = 0x11;
inline constexpr std::uint8_t kIgmpV1Report = 0x12;
inline constexpr std::uint8_t kIgmpV2Report = 0x16;
inline constexpr std::uint8_t kIgmpLeave = 0x17;
inline constexpr std::uint8_t kIgmpV3Report = 0x22;

// ICMPv6 types of MLD (RFC 2710 §3, RFC 3810 §5).
inline constexpr std::uint8_t kMldQuery = 130;
inline constexpr std::uint8_t kMldV1Report = 131;
inline constexpr std::uint8_t kMldDone = 132;
inline constexpr std::uint8_t kMldV2Report = 143;

// Fixed sizes.
inline constexpr std::size_t kIgmpV1V2Size = 8;       // RFC 2236 §2
inline constexpr std::size_t kIgmpV3QueryMin = 12;    // RFC 3376 §4.1
inline constexpr std::size_t kV3ReportHeader = 8;     // RFC 3376 §4.2, RFC 3810 §5.2
inline constexpr std::size_t kIgmpRecordHeader = 8;   // type, aux len, nsrc, group
inline constexpr std::size_t kMldV1Size = 24;         // RFC 2710 §3
inline constexpr std::size_t kMldV2QueryMin = 28;     // RFC 3810 §5.1
inline constexpr std::size_t kMldRecordHeader = 20;   // type, aux len, nsrc, group
inline constexpr std::size_t kV4AddressSize = 4;
inline constexpr std::size_t kV6AddressSize = 16;

inline bool is_multicast(const Address& a) {
  return a.is_v4() ? a.to_v4().is_multicast() : a.to_v6().is_multicast();
}
inline bool is_unspecified(const Address& a) { return a.is_unspecified(); }
// A source in a source list names a unicast sender (RFC 3376 §4.1.11, §4.2.13).
inline bool is_valid_source(const Address& a) { return !is_multicast(a) && !is_unspecified(a); }

}  // namespace mcproxy::codec::detail
