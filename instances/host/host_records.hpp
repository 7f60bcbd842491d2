// Small helpers shared by the host side's files: record construction, the
// report destinations and the membership test (instances/host only).
#pragma once

#include "instances/router/downstream_router.hpp"  // Membership, FilterMode
#include "instances/router/packets.hpp"
#include "modules/codec/message.hpp"


namespace mcproxy::instances::host_detail {

inline bool is_v6(codec::Version v) { return v == codec::Version::MLDv1 || v == codec::Version::MLDv2; }

// Report destinations: 224.0.0.22 / ff02::16 for v3 reports, 224.0.0.2 /
// ff02::2 for v2 leaves and MLDv1 dones (instances/router/packets.hpp).
inline Address v3_report_destination(bool v6) { return v3_reports(v6 ? Family::V6 : Family::V4); }
inline Address leave_destination(bool v6) { return all_routers(v6 ? Family::V6 : Family::V4); }

inline codec::GroupRecord make_record(codec::RecordType type, const Address& group, const SourceSet& sources) {
  codec::GroupRecord r;
  r.type = type;
  r.group = group;
  r.sources.assign(sources.begin(), sources.end());
  return r;
}

// A current-state record of `m`: IS_IN or IS_EX with its sources.
inline codec::GroupRecord current_state_record(const Address& group, const Membership& m) {
  return make_record(m.mode == FilterMode::Include ? codec::RecordType::ModeIsInclude : codec::RecordType::ModeIsExclude,
                     group, m.sources);
}

inline bool is_member_state(const Membership& m) { return m.mode == FilterMode::Exclude || !m.sources.empty(); }

}  // namespace mcproxy::instances::host_detail
