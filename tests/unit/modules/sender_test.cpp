// The Sender against the fake kernel: codec output reaches the right
// interface with the right envelope; invalid requests are refused and counted.
#include "modules/sender/sender.hpp"

#include "modules/codec/codec.hpp"
#include "modules/kernel/fake_kernel.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace mcproxy::sender {
namespace {

using kernel::FakeKernel;

const Address kAllHosts = AddressV4({224, 0, 0, 1});
const Address kAllNodes = boost::asio::ip::make_address_v6("ff02::1");
const Address kLinkLocal = boost::asio::ip::make_address_v6("fe80::1");

codec::Packet query_v4() {
  codec::Packet p;
  p.source = AddressV4({10, 0, 0, 1});
  p.destination = kAllHosts;
  codec::Query q;
  q.version = codec::Version::IGMPv3;
  q.group = unspecified(Family::V4);
  q.max_response_time = std::chrono::milliseconds(10000);
  p.message = q;
  return p;
}

codec::Packet query_v6(const Address& source) {
  codec::Packet p;
  p.source = source;
  p.destination = kAllNodes;
  codec::Query q;
  q.version = codec::Version::MLDv2;
  q.group = unspecified(Family::V6);
  q.max_response_time = std::chrono::milliseconds(10000);
  p.message = q;
  return p;
}

class SenderTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(sender.open()); }
  FakeKernel kernel;
  Sender sender{kernel};
};

// RFC 3376 §4: IGMP messages are sent with TTL 1 and Router Alert; the codec
// builds the header, the Sender passes it on unchanged.
TEST_F(SenderTest, Ipv4QueryIsSentAsEncodedDatagramOnInterface) {
  sender.handle(SendPacket{4, query_v4()});
  const auto sent = kernel.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].family, Family::V4);
  EXPECT_EQ(sent[0].ifindex, 4);
  EXPECT_EQ(sent[0].destination, kAllHosts);
  EXPECT_EQ(sent[0].bytes, codec::encode_ipv4(query_v4()));
  EXPECT_EQ(sender.counters().sent, 1u);
}

// RFC 3810 §5: link-local source, hop limit 1, Router Alert.
TEST_F(SenderTest, Ipv6QueryCarriesLinkLocalSourceAndRouterAlert) {
  sender.handle(SendPacket{6, query_v6(kLinkLocal)});
  const auto sent = kernel.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].family, Family::V6);
  EXPECT_EQ(sent[0].source, kLinkLocal);
  EXPECT_TRUE(sent[0].router_alert);
  EXPECT_EQ(sent[0].bytes, codec::encode_mld(query_v6(kLinkLocal).message, kLinkLocal, kAllNodes));
}

TEST_F(SenderTest, Ipv6FromGlobalSourceIsRefused) {
  sender.handle(SendPacket{6, query_v6(boost::asio::ip::make_address_v6("2001:db8::1"))});
  EXPECT_TRUE(kernel.sent().empty());
  EXPECT_EQ(sender.counters().invalid_requests, 1u);
}

TEST_F(SenderTest, FamilyMismatchAndMissingIfindexAreRefused) {
  auto p = query_v4();
  p.destination = kAllNodes;
  sender.handle(SendPacket{4, p});
  sender.handle(SendPacket{0, query_v4()});
  EXPECT_TRUE(kernel.sent().empty());
  EXPECT_EQ(sender.counters().invalid_requests, 2u);
}

TEST_F(SenderTest, KernelRefusalIsCounted) {
  kernel.fail_next("send_ipv4", ENETDOWN);
  sender.handle(SendPacket{4, query_v4()});
  EXPECT_EQ(sender.counters().send_errors, 1u);
  EXPECT_EQ(sender.counters().sent, 0u);
}

TEST_F(SenderTest, PostedPacketIsSentByRunOnce) {
  ASSERT_TRUE(sender.post(SendPacket{4, query_v4()}));
  sender.run_once(std::chrono::milliseconds(0));
  EXPECT_EQ(kernel.sent().size(), 1u);
}

// doc/operations.md, "Counters": asked = sent + send_errors +
// invalid_requests + dropped_mailbox_full once the mailbox is empty.
TEST(SenderCountersTest, EveryPacketAskedEndsInExactlyOneOutcome) {
  FakeKernel kernel;
  Sender sender{kernel, 2};
  ASSERT_TRUE(sender.open());
  kernel.fail_next("send_ipv4", ENETDOWN);
  EXPECT_TRUE(sender.post(SendPacket{4, query_v4()}));   // the kernel refuses it
  EXPECT_TRUE(sender.post(SendPacket{0, query_v4()}));   // no interface: invalid
  EXPECT_FALSE(sender.post(SendPacket{4, query_v4()}));  // the mailbox is full
  EXPECT_FALSE(sender.post(SendPacket{4, query_v4()}));
  sender.run_once(std::chrono::milliseconds(0));
  EXPECT_TRUE(sender.post(SendPacket{4, query_v4()}));  // sent
  sender.run_once(std::chrono::milliseconds(0));
  const auto c = sender.counters();
  EXPECT_EQ(c.asked, 5u);
  EXPECT_EQ(c.sent, 1u);
  EXPECT_EQ(c.send_errors, 1u);
  EXPECT_EQ(c.invalid_requests, 1u);
  EXPECT_EQ(c.dropped_mailbox_full, 2u);
  EXPECT_EQ(c.asked, c.sent + c.send_errors + c.invalid_requests + c.dropped_mailbox_full);
}

// The watchdog's probes share the mailbox but are not packets: a probe refused
// by a full mailbox counts neither as asked nor as a dropped packet.
TEST(SenderCountersTest, AProbeIsNeitherAskedNorADroppedPacket) {
  FakeKernel kernel;
  Sender sender{kernel, 1};
  ASSERT_TRUE(sender.open());
  int answered = 0;
  EXPECT_TRUE(sender.post(Probe{[&answered] { ++answered; }}));
  EXPECT_FALSE(sender.post(Probe{[&answered] { ++answered; }}));  // full
  sender.run_once(std::chrono::milliseconds(0));
  EXPECT_EQ(answered, 1);
  const auto c = sender.counters();
  EXPECT_EQ(c.asked, 0u);
  EXPECT_EQ(c.dropped_mailbox_full, 0u);
  EXPECT_EQ(sender.mailbox().dropped(), 1u);  // the mailbox itself counts every refusal
}

}  // namespace
}  // namespace mcproxy::sender
