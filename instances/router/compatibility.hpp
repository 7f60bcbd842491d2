// Interoperation with older hosts: per-group compatibility mode from the Older
// Host Present timers, and the translation rules of RFC 3376 §7.3.2 / RFC 3810 §8.3.2.
#pragma once

#include "instances/router/router_context.hpp"
#include "instances/router/source_set.hpp"
#include "modules/config/config.hpp"
#include "modules/codec/message.hpp"

#include <cstdint>
#include <optional>

namespace mcproxy::instances {

// Protocol level: 1 = IGMPv1, 2 = IGMPv2 or MLDv1, 3 = IGMPv3 or MLDv2.
enum class CompatibilityMode : std::uint8_t { V1 = 1, V2 = 2, V3 = 3 };

CompatibilityMode level_of(config::Protocol p);
CompatibilityMode level_of(codec::Version v);
codec::Version to_version(CompatibilityMode mode, Family family);

// RFC 3376 §7.3.2 table: IGMPv1 Host Present running -> IGMPv1; else IGMPv2
// Host Present running -> IGMPv2; else IGMPv3. Never above the configured protocol.
CompatibilityMode group_compatibility_mode(const Address& group, const TimerControl& queue,
                                           CompatibilityMode configured);

// An IGMPv1/IGMPv2 report (MLDv1 report) was heard: its Host Present timer is
// set to the Older Host Present Interval (§7.3.2, §8.13).
void note_older_host(const Address& group, CompatibilityMode report_version, Context& ctx);

struct TranslatedRecord {
  codec::RecordType type;
  SourceSet sources;
};

// §7.3.2: in IGMPv2 (MLDv1) mode BLOCK is ignored and TO_EX(A) is TO_EX({});
// in IGMPv1 mode TO_IN (and so leaves, which are TO_IN({})) is ignored as well.
// Returns nothing when the record is to be ignored.
std::optional<TranslatedRecord> translate(CompatibilityMode mode, codec::RecordType type,
                                          const SourceSet& sources);

}  // namespace mcproxy::instances
