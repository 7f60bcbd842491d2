// Names for versions, record types and decode errors, and a one-line
// description of a message, for logs and counters.
#include "modules/codec/codec.hpp"

#include <string>

namespace mcproxy::codec {

std::string_view to_string(Version v) {
  switch (v) {
    case Version::IGMPv1: return "IGMPv1";
    case Version::IGMPv2: return "IGMPv2";
    case Version::IGMPv3: return "IGMPv3";
    case Version::MLDv1: return "MLDv1";
    case Version::MLDv2: return "MLDv2";
  }
  return "unknown version";
}

std::string_view to_string(RecordType t) {
  switch (t) {
    case RecordType::ModeIsInclude: return "IS_IN";
    case RecordType::ModeIsExclude: return "IS_EX";
    case RecordType::ChangeToIncludeMode: return "TO_IN";
    case RecordType::ChangeToExcludeMode: return "TO_EX";
    case RecordType::AllowNewSources: return "ALLOW";
    case RecordType::BlockOldSources: return "BLOCK";
  }
  return "unknown record type";
}

std::string_view to_string(DecodeError e) {
  switch (e) {
    case DecodeError::Truncated: return "truncated";
    case DecodeError::BadIpVersion: return "bad IP version";
    case DecodeError::BadIpHeader: return "bad IP header";
    case DecodeError::NotIgmp: return "not IGMP";
    case DecodeError::NotIcmpv6: return "not ICMPv6";
    case DecodeError::Fragmented: return "fragmented";
    case DecodeError::BadChecksum: return "bad checksum";
    case DecodeError::UnknownType: return "unknown type";
    case DecodeError::BadLength: return "bad length";
    case DecodeError::SourceCountBeyondPacket: return "source count beyond packet";
    case DecodeError::RecordCountBeyondPacket: return "record count beyond packet";
    case DecodeError::AuxDataBeyondPacket: return "aux data beyond packet";
    case DecodeError::BadRecordType: return "bad record type";
    case DecodeError::NotMulticastGroup: return "not a multicast group";
    case DecodeError::BadSourceAddress: return "bad source address";
    case DecodeError::Count_: break;
  }
  return "unknown decode error";
}

namespace {

std::string join(const std::vector<Address>& sources) {
  std::string s = "{";
  for (std::size_t i = 0; i < sources.size(); ++i) {
    if (i != 0) s += ", ";
    s += sources[i].to_string();
  }
  return s + "}";
}

}  // namespace

std::string describe(const Message& m) {
  return std::visit(
      [](const auto& msg) -> std::string {
        using T = std::decay_t<decltype(msg)>;
        std::string s(to_string(msg.version));
        if constexpr (std::is_same_v<T, Query>) {
          s += msg.group.is_unspecified() ? " general query" : " query " + msg.group.to_string();
          s += " max-resp " + std::to_string(msg.max_response_time.count()) + "ms";
          if (msg.version == Version::IGMPv3 || msg.version == Version::MLDv2) {
            s += msg.suppress_router_side_processing ? " S" : "";
            s += " QRV " + std::to_string(msg.qrv) + " QQI " + std::to_string(msg.qqi.count()) + "s";
            if (!msg.sources.empty()) s += " sources " + join(msg.sources);
          }
        } else if constexpr (std::is_same_v<T, MembershipReport>) {
          s += " report " + msg.group.to_string();
        } else if constexpr (std::is_same_v<T, LeaveGroup>) {
          s += " leave " + msg.group.to_string();
        } else {
          s += " report";
          for (const GroupRecord& r : msg.records) {
            s += " ";
            s += to_string(r.type);
            s += "(" + r.group.to_string() + ", " + join(r.sources) + ")";
          }
        }
        return s;
      },
      m);
}

}  // namespace mcproxy::codec
