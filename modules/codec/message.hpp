// IGMP (RFC 1112, 2236, 3376) and MLD (RFC 2710, 3810) messages as plain values.
// The codec turns bytes into these and back; protocol logic only sees these.
#pragma once

#include "modules/common/address.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mcproxy::codec {

enum class Version : std::uint8_t { IGMPv1, IGMPv2, IGMPv3, MLDv1, MLDv2 };
std::string_view to_string(Version v);
inline Family family_of(Version v) {
  return (v == Version::MLDv1 || v == Version::MLDv2) ? Family::V6 : Family::V4;
}

// RFC 3376 §4.2.12 / RFC 3810 §5.2.12 record types, with their wire values.
enum class RecordType : std::uint8_t {
  ModeIsInclude = 1,
  ModeIsExclude = 2,
  ChangeToIncludeMode = 3,
  ChangeToExcludeMode = 4,
  AllowNewSources = 5,
  BlockOldSources = 6,
};
std::string_view to_string(RecordType t);  // "IS_IN", "IS_EX", "TO_IN", "TO_EX", "ALLOW", "BLOCK"

struct GroupRecord {
  RecordType type = RecordType::ModeIsInclude;
  Address group;
  std::vector<Address> sources;
  std::vector<std::uint8_t> aux_data;  // Aux Data Len is in 32-bit words: size % 4 == 0
  bool operator==(const GroupRecord&) const = default;
};

// Membership query of any version. The version follows RFC 3376 §7.1 / RFC 3810
// §8.1 (message length and Max Resp Code), not the sender's intent.
struct Query {
  Version version = Version::IGMPv3;
  Address group;  // unspecified (0.0.0.0 / ::) for a general query
  // Decoded Max Resp Code. IGMPv1 has none on the wire (0); RFC 2236 §4 says
  // to treat that as 10 s, which is the receiver's business, not the codec's.
  std::chrono::milliseconds max_response_time{0};
  // IGMPv3 / MLDv2 only:
  bool suppress_router_side_processing = false;  // S flag
  std::uint8_t qrv = 0;                          // Querier's Robustness Variable (0..7)
  std::chrono::seconds qqi{0};                   // decoded QQIC
  std::vector<Address> sources;
  bool operator==(const Query&) const = default;
};

// IGMPv1/v2 Membership Report, MLDv1 Multicast Listener Report.
struct MembershipReport {
  Version version = Version::IGMPv2;
  Address group;
  bool operator==(const MembershipReport&) const = default;
};

// IGMPv2 Leave Group, MLDv1 Multicast Listener Done.
struct LeaveGroup {
  Version version = Version::IGMPv2;
  Address group;
  bool operator==(const LeaveGroup&) const = default;
};

// IGMPv3 Membership Report (type 0x22), MLDv2 Listener Report (type 143).
struct V3Report {
  Version version = Version::IGMPv3;
  std::vector<GroupRecord> records;
  bool operator==(const V3Report&) const = default;
};

using Message = std::variant<Query, MembershipReport, LeaveGroup, V3Report>;
// One line for logs, e.g. "IGMPv3 report TO_EX(239.1.1.1, {})".
std::string describe(const Message& m);

// A message with the IP envelope the protocol rules look at.
struct Packet {
  Address source;
  Address destination;
  std::uint8_t ttl = 1;       // IPv4 TTL or IPv6 Hop Limit
  bool router_alert = true;   // IPv4 option 148 / IPv6 hop-by-hop option 5
  Message message;
  bool operator==(const Packet&) const = default;
};

}  // namespace mcproxy::codec
