// Group compatibility mode and the older-version translation rules:
// RFC 3376 §7.3.2 (IGMPv1/v2 hosts), RFC 3810 §8.3.2 (MLDv1 listeners).
#include "instances/router/compatibility.hpp"

#include <algorithm>

namespace mcproxy::instances {

using codec::RecordType;
using codec::Version;

CompatibilityMode level_of(config::Protocol p) {
  switch (p) {
    case config::Protocol::IGMPv1: return CompatibilityMode::V1;
    case config::Protocol::IGMPv2:
    case config::Protocol::MLDv1: return CompatibilityMode::V2;
    case config::Protocol::IGMPv3:
    case config::Protocol::MLDv2: break;
  }
  return CompatibilityMode::V3;
}

CompatibilityMode level_of(Version v) {
  switch (v) {
    case Version::IGMPv1: return CompatibilityMode::V1;
    case Version::IGMPv2:
    case Version::MLDv1: return CompatibilityMode::V2;
    case Version::IGMPv3:
    case Version::MLDv2: break;
  }
  return CompatibilityMode::V3;
}

Version to_version(CompatibilityMode mode, Family family) {
  if (family == Family::V6) return mode == CompatibilityMode::V3 ? Version::MLDv2 : Version::MLDv1;
  switch (mode) {
    case CompatibilityMode::V1: return Version::IGMPv1;
    case CompatibilityMode::V2: return Version::IGMPv2;
    case CompatibilityMode::V3: break;
  }
  return Version::IGMPv3;
}

CompatibilityMode group_compatibility_mode(const Address& group, const TimerControl& queue,
                                           CompatibilityMode configured) {
  CompatibilityMode mode = CompatibilityMode::V3;
  if (queue.running({TimerKind::V1HostPresent, group, Address{}})) {
    mode = CompatibilityMode::V1;
  } else if (queue.running({TimerKind::V2HostPresent, group, Address{}})) {
    mode = CompatibilityMode::V2;
  }
  return std::min(mode, configured);
}

void note_older_host(const Address& group, CompatibilityMode report_version, Context& ctx) {
  const TimePoint deadline = ctx.now + ctx.timers.older_host_present_interval();
  if (report_version == CompatibilityMode::V1) {
    ctx.queue.schedule({TimerKind::V1HostPresent, group, Address{}}, deadline);
  } else if (report_version == CompatibilityMode::V2) {
    ctx.queue.schedule({TimerKind::V2HostPresent, group, Address{}}, deadline);
  }
}

std::optional<TranslatedRecord> translate(CompatibilityMode mode, RecordType type, const SourceSet& sources) {
  if (mode == CompatibilityMode::V3) return TranslatedRecord{type, sources};
  // IGMPv2 / MLDv1 mode (and IGMPv1 mode): "IGMPv3 BLOCK messages are ignored,
  // as are source-lists in TO_EX() messages".
  if (type == RecordType::BlockOldSources) return std::nullopt;
  if (type == RecordType::ChangeToExcludeMode) return TranslatedRecord{type, {}};
  // IGMPv1 mode: "IGMPv2 Leave messages and IGMPv3 TO_IN() messages are also ignored."
  if (mode == CompatibilityMode::V1 && type == RecordType::ChangeToIncludeMode) return std::nullopt;
  return TranslatedRecord{type, sources};
}

}  // namespace mcproxy::instances
