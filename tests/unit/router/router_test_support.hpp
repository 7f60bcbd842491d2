// Test helpers for the router side: addresses, packet builders and a harness
// that drives a DownstreamRouter with a fake clock (TimePoint values advanced by hand).
#pragma once

#include "instances/router/downstream_router.hpp"
#include "instances/router/source_set.hpp"

#include <string>
#include <vector>

namespace mcproxy::instances::test {

using namespace std::chrono_literals;

Address ip(const char* text);
SourceSet sources(std::initializer_list<const char*> list);
inline constexpr TimePoint kT0 = TimePoint{} + std::chrono::hours(1);

codec::GroupRecord record(codec::RecordType type, const char* group, std::initializer_list<const char*> srcs = {});
codec::Packet v3_report(const char* host, std::vector<codec::GroupRecord> records);
codec::Packet mldv2_report(const char* host, std::vector<codec::GroupRecord> records);
codec::Packet old_report(codec::Version v, const char* host, const char* group);
codec::Packet leave(codec::Version v, const char* host, const char* group);
codec::Packet query(codec::Version v, const char* source, const char* group = nullptr,
                    std::initializer_list<const char*> srcs = {}, bool s_flag = false, std::uint8_t qrv = 2,
                    std::chrono::seconds qqi = std::chrono::seconds(125));

DownstreamOptions options(config::Protocol p = config::Protocol::IGMPv3, bool quick_leave = false);

// A router on "eth1" with our address 192.0.2.10 (or fe80::10), started at kT0.
struct Harness {
  explicit Harness(DownstreamOptions opts = options(), bool start = true);

  void receive(const codec::Packet& p);
  // Moves the fake clock forward and runs every timer that became due.
  void advance(Duration d);
  void advance_to(TimePoint t);

  // Queries sent since the last clear(), in order.
  std::vector<codec::Query> queries() const;
  std::vector<codec::Packet> packets() const;
  void clear() { out = Effects{}; }
  bool changed(const char* group) const { return out.changed_groups.contains(ip(group)); }
  bool forwarding(const char* group, const char* source = nullptr) const;

  DownstreamRouter router;
  TimePoint now = kT0;
  Effects out;
  Family family;
};

// Default timers: QI 125 s, QRI 10 s, RV 2, LMQI 1 s, LMQC 2; GMI = 270 s, LMQT = 2 s.
inline const config::Timers kTimers{};

}  // namespace mcproxy::instances::test
