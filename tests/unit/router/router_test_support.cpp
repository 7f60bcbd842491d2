// Test helpers for the router side: packet builders and the fake-clock harness.
#include "router_test_support.hpp"

#include "instances/router/packets.hpp"

#include <boost/asio/ip/address.hpp>

namespace mcproxy::instances::test {

Address ip(const char* text) { return boost::asio::ip::make_address(text); }

SourceSet sources(std::initializer_list<const char*> list) {
  SourceSet out;
  for (const char* s : list) out.insert(ip(s));
  return out;
}

codec::GroupRecord record(codec::RecordType type, const char* group, std::initializer_list<const char*> srcs) {
  codec::GroupRecord r;
  r.type = type;
  r.group = ip(group);
  for (const char* s : srcs) r.sources.push_back(ip(s));
  return r;
}

codec::Packet v3_report(const char* host, std::vector<codec::GroupRecord> records) {
  codec::Packet p;
  p.source = ip(host);
  p.destination = ip("224.0.0.22");
  p.message = codec::V3Report{codec::Version::IGMPv3, std::move(records)};
  return p;
}

codec::Packet mldv2_report(const char* host, std::vector<codec::GroupRecord> records) {
  codec::Packet p;
  p.source = ip(host);
  p.destination = ip("ff02::16");
  p.message = codec::V3Report{codec::Version::MLDv2, std::move(records)};
  return p;
}

codec::Packet old_report(codec::Version v, const char* host, const char* group) {
  codec::Packet p;
  p.source = ip(host);
  p.destination = ip(group);
  p.message = codec::MembershipReport{v, ip(group)};
  return p;
}

codec::Packet leave(codec::Version v, const char* host, const char* group) {
  codec::Packet p;
  p.source = ip(host);
  p.destination = v == codec::Version::MLDv1 ? ip("ff02::2") : ip("224.0.0.2");
  p.message = codec::LeaveGroup{v, ip(group)};
  return p;
}

codec::Packet query(codec::Version v, const char* source, const char* group, std::initializer_list<const char*> srcs,
                    bool s_flag, std::uint8_t qrv, std::chrono::seconds qqi) {
  const Family f = codec::family_of(v);
  codec::Query q;
  q.version = v;
  q.group = group ? ip(group) : unspecified(f);
  q.max_response_time = 10s;
  q.suppress_router_side_processing = s_flag;
  q.qrv = qrv;
  q.qqi = qqi;
  for (const char* s : srcs) q.sources.push_back(ip(s));
  codec::Packet p;
  p.source = ip(source);
  p.destination = group ? ip(group) : all_systems(f);
  p.message = q;
  return p;
}

DownstreamOptions options(config::Protocol p, bool quick_leave) {
  DownstreamOptions o;
  o.protocol = p;
  o.quick_leave = quick_leave;
  return o;
}

Harness::Harness(DownstreamOptions opts, bool start)
    : router("eth1", opts), family(config::family_of(opts.protocol)) {
  router.set_address(family == Family::V4 ? ip("192.0.2.10") : ip("fe80::10"), now, out);
  if (start) router.start(now, out);
}

void Harness::receive(const codec::Packet& p) { router.handle(p, now, out); }

void Harness::advance(Duration d) { advance_to(now + d); }

void Harness::advance_to(TimePoint t) {
  now = t;
  router.on_timer(now, out);
}

std::vector<codec::Packet> Harness::packets() const {
  std::vector<codec::Packet> out_packets;
  for (const auto& p : out.packets) out_packets.push_back(p.packet);
  return out_packets;
}

std::vector<codec::Query> Harness::queries() const {
  std::vector<codec::Query> qs;
  for (const auto& p : out.packets) {
    if (const auto* q = std::get_if<codec::Query>(&p.packet.message)) qs.push_back(*q);
  }
  return qs;
}

bool Harness::forwarding(const char* group, const char* source) const {
  if (source) return router.wants(ip(group), ip(source));
  return router.membership(ip(group)).has_value();
}

}  // namespace mcproxy::instances::test
