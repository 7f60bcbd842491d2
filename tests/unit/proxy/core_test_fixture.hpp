// The ProxyCore test fixture: a core with a fake clock and a fixed random
// source, and helpers that feed it reports, data and counter reads.
#pragma once

#include "instances/proxy/proxy_core.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace mcproxy::codec {
inline void PrintTo(const GroupRecord& r, std::ostream* os) {
  *os << static_cast<int>(r.type) << " " << r.group.to_string() << " {";
  for (const auto& s : r.sources) *os << " " << s.to_string();
  *os << " }";
}
}  // namespace mcproxy::codec

namespace mcproxy::instances {
inline void PrintTo(const RouteChange& r, std::ostream* os) {
  *os << "(" << r.source.to_string() << "," << r.group.to_string() << ") " << r.input_interface
      << (r.remove ? " removed" : " ->");
  for (const auto& o : r.outputs) *os << " " << o << "/" << (r.ttl_thresholds.count(o) ? r.ttl_thresholds.at(o) : 0);
}

// Internal to each test file that includes the fixture.
namespace {

using codec::RecordType;
using std::chrono::milliseconds;
using std::chrono::seconds;

inline Address A(const char* s) { return boost::asio::ip::make_address(s); }

const Address G = A("239.1.1.1");
const Address G2 = A("239.2.2.2");
const Address S = A("203.0.113.5");
const Address S2 = A("203.0.113.6");
const Address H1 = A("10.1.0.10");
const Address H2 = A("10.1.0.11");
const Address H3 = A("10.2.0.10");

// RFC 2236 §2: an IGMPv2 Membership Report of G from H1, sent to G.
inline codec::Packet v2_report_from_h1() {
  codec::Packet p;
  p.source = H1;
  p.destination = G;
  p.message = codec::MembershipReport{codec::Version::IGMPv2, G};
  return p;
}

inline config::InterfaceConfig iface(std::string name, config::Role role) {
  config::InterfaceConfig c;
  c.name = std::move(name);
  c.role = role;
  return c;
}

inline config::FilterBinding group_table(config::FilterKind kind, const Address& g) {
  config::FilterBinding f;
  f.kind = kind;
  config::Rule r;
  r.group = {g, g};
  r.source = config::AddressRange::any(Family::V4);
  f.table.rules.push_back(r);
  return f;
}

inline codec::GroupRecord rec(RecordType t, Address g, std::vector<Address> s = {}) {
  codec::GroupRecord r;
  r.type = t;
  r.group = g;
  r.sources = std::move(s);
  return r;
}

class CoreTest : public ::testing::Test {
 protected:
  CoreTest() {
    cfg.name = "A";
    cfg.upstreams = {iface("u0", config::Role::Upstream)};
    cfg.downstreams = {iface("d0", config::Role::Downstream), iface("d1", config::Role::Downstream)};
  }
  void make(config::Protocol p = config::Protocol::IGMPv3) {
    core = std::make_unique<ProxyCore>(p, cfg, [] { return 0u; });
  }
  CoreEffects up_all() {
    CoreEffects e;
    core->interface_up("u0", A("192.0.2.1"), now, e);
    if (core->upstream("u1") != nullptr) core->interface_up("u1", A("198.51.100.1"), now, e);
    core->interface_up("d0", A("10.1.0.1"), now, e);
    core->interface_up("d1", A("10.2.0.1"), now, e);
    return e;
  }
  CoreEffects report(const std::string& ifname, Address host, std::vector<codec::GroupRecord> records) {
    codec::Packet p;
    p.source = host;
    p.destination = A("224.0.0.22");
    p.message = codec::V3Report{codec::Version::IGMPv3, std::move(records)};
    CoreEffects e;
    core->handle_packet(ifname, p, now, e);
    return e;
  }
  CoreEffects join(const std::string& ifname, Address host, Address g = G) {
    return report(ifname, host, {rec(RecordType::ChangeToExcludeMode, g)});
  }
  CoreEffects leave(const std::string& ifname, Address host, Address g = G) {
    return report(ifname, host, {rec(RecordType::ChangeToIncludeMode, g)});
  }
  CoreEffects data(const std::string& input, Address s = S, Address g = G) {
    CoreEffects e;
    core->handle_data(input, s, g, now, e);
    return e;
  }
  CoreEffects advance(Duration d) {
    CoreEffects e;
    const TimePoint until = now + d;
    while (auto dl = core->next_deadline()) {
      if (*dl > until) break;
      now = std::max(now, *dl);
      core->on_timer(now, e);
    }
    now = until;
    return e;
  }
  static std::vector<codec::GroupRecord> upstream_records(const CoreEffects& e, const std::string& ifname = "u0") {
    std::vector<codec::GroupRecord> r;
    for (const auto& p : e.packets) {
      if (p.interface != ifname) continue;
      if (auto* rep = std::get_if<codec::V3Report>(&p.packet.message))
        r.insert(r.end(), rep->records.begin(), rep->records.end());
    }
    return r;
  }
  static RouteChange route(Address s, Address g, std::string in, std::set<std::string> outs) {
    RouteChange r{s, g, std::move(in), std::move(outs), {}};
    for (const auto& o : r.outputs) r.ttl_thresholds[o] = 1;
    return r;
  }
  static RouteChange removed(Address s, Address g, std::string in) { return RouteChange{s, g, std::move(in), {}, {}, true}; }
  // Runs the timers up to the next counter read the core asks for (at most
  // `limit` ahead), hands it `batch` as the kernel's counters and completes the read.
  CoreEffects counter_read(std::vector<SourcePackets> batch, bool complete = true, Duration limit = Duration(60'000)) {
    CoreEffects e;
    const TimePoint until = now + limit;
    while (!e.read_counters) {
      auto dl = core->next_deadline();
      if (!dl || *dl > until) break;
      now = std::max(now, *dl);
      core->on_timer(now, e);
    }
    EXPECT_TRUE(e.read_counters) << "no counter read within the limit";
    core->source_counters(batch, now);
    core->source_counters_done(complete, now, e);
    return e;
  }
  static bool has_route(const CoreEffects& e, const RouteChange& r) {
    return std::find(e.routes.begin(), e.routes.end(), r) != e.routes.end();
  }

  config::InstanceConfig cfg;
  std::unique_ptr<ProxyCore> core;
  TimePoint now{seconds(1000)};
};

}  // namespace
}  // namespace mcproxy::instances
