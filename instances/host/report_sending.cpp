// Host side of one upstream interface: the reports and leaves as packets,
// split to the link MTU (RFC 3376 §4.2.16 / RFC 3810 §5.2.15), with TTL 1 and Router Alert.
#include "instances/host/upstream_host.hpp"

#include "instances/host/host_records.hpp"
#include "modules/codec/codec.hpp"

#include <utility>
#include <vector>

namespace mcproxy::instances {

using namespace host_detail;

namespace {

// Encoded size of a report message without IP header: IGMPv3 (RFC 3376 §4.2)
// 8-byte header, records of 8 + 4*N bytes; MLDv2 (RFC 3810 §5.2) 8-byte header,
// records of 20 + 16*N bytes (plus aux data, which we never send).
std::size_t report_size(const codec::V3Report& r, bool v6) {
  std::size_t n = 8;
  for (const auto& rec : r.records) n += (v6 ? 20 : 8) + rec.sources.size() * (v6 ? 16 : 4) + rec.aux_data.size();
  return n;
}

}  // namespace

void UpstreamHost::send_old_report(const Address& group, Effects& out) {
  codec::MembershipReport r;
  r.version = mode_;
  r.group = group;
  // RFC 2236 §3 / RFC 2710 §4: reports go to the group itself.
  emit(group, r, out);
}

void UpstreamHost::send_old_leave(const Address& group, Effects& out) {
  if (mode_ == codec::Version::IGMPv1) return;  // RFC 3376 §7.2.1: no leaves in v1 mode
  codec::LeaveGroup l;
  l.version = mode_;
  l.group = group;
  emit(leave_destination(is_v6(mode_)), l, out);
}

void UpstreamHost::send_v3_records(std::vector<codec::GroupRecord> records, Effects& out) {
  if (records.empty()) return;
  const bool v6 = is_v6(mode_);
  codec::V3Report report;
  report.version = mode_;
  report.records = std::move(records);
  // Budget for the message without IP header: IPv4 header with Router Alert
  // option (24 bytes), IPv6 header plus hop-by-hop header (48 bytes).
  const std::size_t overhead = v6 ? 48 : 24;
  const std::size_t budget = options_.mtu > overhead + 64 ? options_.mtu - overhead : 64;
  if (report_size(report, v6) <= budget) {
    emit(v3_report_destination(v6), std::move(report), out);
    return;
  }
  for (auto& part : codec::split_report(report, budget)) emit(v3_report_destination(v6), std::move(part), out);
}

void UpstreamHost::emit(const Address& destination, codec::Message message, Effects& out) {
  const bool v6 = config::family_of(options_.protocol) == Family::V6;
  codec::Packet p;
  p.source = own_address_ ? *own_address_ : unspecified(v6 ? Family::V6 : Family::V4);
  p.destination = destination;
  p.ttl = 1;
  p.router_alert = true;
  std::string kind = std::visit(
      [](const auto& m) -> std::string {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, codec::V3Report>) return version_name(m.version) + "-report";
        else if constexpr (std::is_same_v<T, codec::MembershipReport>) return version_name(m.version) + "-report";
        else if constexpr (std::is_same_v<T, codec::LeaveGroup>) return version_name(m.version) + "-leave";
        else return version_name(m.version) + "-query";
      },
      message);
  p.message = std::move(message);
  counters_.sent[kind]++;
  out.packets.push_back(OutgoingPacket{interface_, std::move(p)});
}

}  // namespace mcproxy::instances
