// Real packets: the Linux captures in tests/fixtures, decoded by the codec, must
// pass the router's validation rules and have the effects the RFCs give them.
#include "modules/codec/codec.hpp"
#include "router_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace mcproxy::instances::test {
namespace {

// The IP packets of an Ethernet pcap file (24-byte global header, then 16-byte
// record headers each followed by the frame).
std::vector<codec::Packet> read_fixture(const std::string& name) {
  std::ifstream in(std::string(MCPROXY_FIXTURES) + "/" + name, std::ios::binary);
  const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::vector<codec::Packet> out;
  auto u32 = [&](std::size_t at) {
    return static_cast<std::uint32_t>(bytes[at] | bytes[at + 1] << 8 | bytes[at + 2] << 16 | bytes[at + 3] << 24);
  };
  std::size_t at = 24;
  while (at + 16 <= bytes.size()) {
    const std::size_t length = u32(at + 8);
    at += 16;
    if (at + length > bytes.size() || length < 14) break;
    const std::span<const std::uint8_t> frame(bytes.data() + at, length);
    at += length;
    const unsigned ethertype = static_cast<unsigned>(frame[12] << 8 | frame[13]);
    const auto ip = frame.subspan(14);
    const auto decoded = ethertype == 0x0800 ? codec::decode_ipv4(ip) : codec::decode_ipv6(ip);
    if (decoded) out.push_back(*decoded);
  }
  return out;
}

Harness fixture_harness(config::Protocol p) {
  Harness h(options(p), false);  // not started: only the packets' effects
  return h;
}

TEST(Fixtures, LinuxIgmpv3JoinLeave) {
  auto packets = read_fixture("linux-igmpv3-join-leave.pcap");
  ASSERT_EQ(packets.size(), 4u);
  Harness h(options());
  h.receive(packets[0]);
  h.receive(packets[1]);
  EXPECT_EQ(h.router.membership(ip("239.1.1.1")), (Membership{FilterMode::Exclude, {}}));
  h.clear();
  h.receive(packets[2]);
  h.receive(packets[3]);
  EXPECT_FALSE(h.queries().empty());
  h.advance(2s);
  EXPECT_FALSE(h.forwarding("239.1.1.1"));
  EXPECT_TRUE(h.router.counters().dropped.empty());
}

TEST(Fixtures, LinuxIgmpv3SsmJoinLeave) {
  auto packets = read_fixture("linux-igmpv3-ssm-join-leave.pcap");
  Harness h(options());
  for (const auto& p : packets) h.receive(p);
  EXPECT_TRUE(h.router.counters().dropped.empty());
  ASSERT_FALSE(h.queries().empty());
  EXPECT_EQ(h.queries().back().group, ip("232.1.1.1"));
  h.advance(2s);
  EXPECT_FALSE(h.forwarding("232.1.1.1", "198.51.100.7"));
}

TEST(Fixtures, LinuxIgmpv2JoinLeave) {
  auto packets = read_fixture("linux-igmpv2-join-leave.pcap");
  ASSERT_EQ(packets.size(), 2u);
  Harness h(options());
  h.receive(packets[0]);
  EXPECT_EQ(h.router.compatibility_mode(ip("239.1.1.2")), codec::Version::IGMPv2);
  h.clear();
  h.receive(packets[1]);  // Leave to 224.0.0.2
  EXPECT_EQ(h.queries().size(), 1u);
  EXPECT_TRUE(h.router.counters().dropped.empty());
}

TEST(Fixtures, LinuxIgmpv1Join) {
  auto packets = read_fixture("linux-igmpv1-join.pcap");
  ASSERT_EQ(packets.size(), 1u);
  Harness h(options());
  h.receive(packets[0]);
  EXPECT_EQ(h.router.compatibility_mode(ip("239.1.1.3")), codec::Version::IGMPv1);
  EXPECT_TRUE(h.forwarding("239.1.1.3"));
}

TEST(Fixtures, LinuxMldv2JoinLeave) {
  auto packets = read_fixture("linux-mldv2-join-leave.pcap");
  Harness h(options(config::Protocol::MLDv2));
  bool joined = false;
  for (const auto& p : packets) {
    h.receive(p);
    joined = joined || h.forwarding("ff3e::8000:1");
  }
  EXPECT_TRUE(joined);
  h.advance(2s);
  EXPECT_FALSE(h.forwarding("ff3e::8000:1"));
  for (const auto& [reason, count] : h.router.counters().dropped) EXPECT_EQ(reason, "link-local-group");
}

TEST(Fixtures, LinuxMldv1JoinLeave) {
  auto packets = read_fixture("linux-mldv1-join-leave.pcap");
  Harness h(options(config::Protocol::MLDv2));
  bool joined = false;
  for (const auto& p : packets) {
    h.receive(p);
    joined = joined || h.forwarding("ff3e::8000:2");
  }
  EXPECT_TRUE(joined);
  h.advance(2s);
  EXPECT_FALSE(h.forwarding("ff3e::8000:2"));
  for (const auto& [reason, count] : h.router.counters().dropped) EXPECT_EQ(reason, "link-local-group");
}

// The Linux bridge querier and a host answering it: every packet is either
// accepted or refused for a reason the RFCs give.
TEST(Fixtures, BridgeQuerierCaptures) {
  for (const char* name : {"bridge-querier-v3-query-and-reports.pcap", "bridge-querier-v2-query-and-reports.pcap"}) {
    Harness v4 = fixture_harness(config::Protocol::IGMPv3);
    Harness v6 = fixture_harness(config::Protocol::MLDv2);
    const auto packets = read_fixture(name);
    ASSERT_GT(packets.size(), 10u) << name;
    for (const auto& p : packets) (p.source.is_v4() ? v4 : v6).receive(p);
    for (const Harness* h : {&v4, &v6}) {
      for (const auto& [reason, count] : h->router.counters().dropped) {
        EXPECT_TRUE(reason == "link-local-group" || reason == "bad-source") << name << ": " << reason;
      }
    }
  }
}

}  // namespace
}  // namespace mcproxy::instances::test
