// rtnetlink messages on byte buffers: rule requests as `ip mrule` sends them,
// rule dumps and link/address notifications parsed back, malformed ones refused.
#include "modules/kernel/netlink_messages.hpp"

#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <array>
#include <cstring>
#include <vector>

namespace mcproxy::kernel {
namespace {

using Buffer = std::array<std::uint8_t, kNetlinkRequestBytes>;

const nlmsghdr* header(const Buffer& b) { return reinterpret_cast<const nlmsghdr*>(b.data()); }
const fib_rule_hdr* rule_header(const Buffer& b) {
  return static_cast<const fib_rule_hdr*>(mnl_nlmsg_get_payload(header(b)));
}

TEST(NetlinkRules, AddRequestMatchesIpMruleAdd) {
  Buffer b{};
  const MrouteRule rule{Family::V4, "veth0", "", 10, 30000};
  const std::size_t len = build_rule_request(b, true, rule, 77);
  ASSERT_GT(len, sizeof(nlmsghdr) + sizeof(fib_rule_hdr));
  EXPECT_EQ(header(b)->nlmsg_len, len);
  EXPECT_EQ(header(b)->nlmsg_type, RTM_NEWRULE);
  EXPECT_EQ(header(b)->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  EXPECT_EQ(header(b)->nlmsg_seq, 77u);
  EXPECT_EQ(rule_header(b)->family, RTNL_FAMILY_IPMR);
  EXPECT_EQ(rule_header(b)->action, FR_ACT_TO_TBL);
  EXPECT_EQ(rule_header(b)->table, 10);
}

TEST(NetlinkRules, DeleteRequestOfIpv6FamilyAndLargeTable) {
  Buffer b{};
  const MrouteRule rule{Family::V6, "", "eth1", 100000, 30000};
  ASSERT_GT(build_rule_request(b, false, rule, 1), 0u);
  EXPECT_EQ(header(b)->nlmsg_type, RTM_DELRULE);
  EXPECT_EQ(header(b)->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
  EXPECT_EQ(rule_header(b)->family, RTNL_FAMILY_IP6MR);
  // Tables above 255 travel only in FRA_TABLE.
  EXPECT_EQ(rule_header(b)->table, RT_TABLE_UNSPEC);
}

// The request's attributes read back as the same rule (the kernel echoes them
// in RTM_NEWRULE dumps with the same layout).
TEST(NetlinkRules, RequestRoundTripsThroughParser) {
  for (const MrouteRule& rule : {MrouteRule{Family::V4, "veth0", "", 10, 30000},
                                 MrouteRule{Family::V4, "", "up0", 4000, 1},
                                 MrouteRule{Family::V6, "dn1", "", 254, 30000}}) {
    Buffer b{};
    ASSERT_GT(build_rule_request(b, true, rule, 1), 0u);
    auto parsed = parse_rule(header(b));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, rule);
  }
}

TEST(NetlinkRules, NameTooLongIsRefused) {
  Buffer b{};
  EXPECT_EQ(build_rule_request(b, true, MrouteRule{Family::V4, std::string(IFNAMSIZ, 'x'), "", 10, 1}, 1), 0u);
  std::array<std::uint8_t, 16> small{};
  EXPECT_EQ(build_rule_request(small, true, MrouteRule{Family::V4, "a", "", 10, 1}, 1), 0u);
}

TEST(NetlinkRules, DumpParsesOnlyMulticastFamilies) {
  std::vector<std::uint8_t> dump;
  auto append = [&](const MrouteRule& r, std::uint8_t family_override) {
    Buffer b{};
    const std::size_t len = build_rule_request(b, true, r, 1);
    auto* frh = static_cast<fib_rule_hdr*>(mnl_nlmsg_get_payload(reinterpret_cast<nlmsghdr*>(b.data())));
    if (family_override != 0) frh->family = family_override;
    dump.insert(dump.end(), b.begin(), b.begin() + static_cast<long>(len));
  };
  append(MrouteRule{Family::V4, "a", "", 10, 5}, 0);
  append(MrouteRule{Family::V4, "b", "", 11, 5}, AF_INET);  // a unicast rule: not ours to see
  append(MrouteRule{Family::V6, "c", "", 12, 5}, 0);
  const auto rules = parse_rules(dump);
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].iif, "a");
  EXPECT_EQ(rules[1].family, Family::V6);
}

// --- link and address notifications -----------------------------------------

struct Message {
  std::array<std::uint8_t, 512> bytes{};
  nlmsghdr* nlh = mnl_nlmsg_put_header(bytes.data());
  std::span<const std::uint8_t> span() const { return {bytes.data(), nlh->nlmsg_len}; }
};

Message link(std::uint16_t type, int ifindex, unsigned flags, const char* name) {
  Message m;
  m.nlh->nlmsg_type = type;
  auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(m.nlh, sizeof(ifinfomsg)));
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = ifindex;
  ifi->ifi_flags = flags;
  if (name != nullptr) mnl_attr_put_strz(m.nlh, IFLA_IFNAME, name);
  return m;
}

TEST(NetlinkLinks, NewLinkUpRunning) {
  auto m = link(RTM_NEWLINK, 4, IFF_UP | IFF_RUNNING | IFF_MULTICAST, "veth1");
  auto e = parse_link_event(m.nlh);
  ASSERT_TRUE(e);
  EXPECT_EQ(*e, (LinkEvent{LinkChange::NewLink, 4, "veth1", true, true, true, std::nullopt, 0}));
}

// IFLA_MTU (u32) is taken: an upstream splits its reports to it.
TEST(NetlinkLinks, MtuIsParsed) {
  auto m = link(RTM_NEWLINK, 4, IFF_UP | IFF_RUNNING, "veth1");
  mnl_attr_put_u32(m.nlh, IFLA_MTU, 1280);
  auto e = parse_link_event(m.nlh);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->mtu, 1280u);
  auto none = link(RTM_NEWLINK, 4, IFF_UP, "veth1");
  EXPECT_EQ(parse_link_event(none.nlh)->mtu, 0u);
  auto bad = link(RTM_NEWLINK, 4, IFF_UP, "veth1");
  const std::uint16_t two = 9000;
  mnl_attr_put(bad.nlh, IFLA_MTU, sizeof two, &two);  // too short for a u32: ignored
  EXPECT_EQ(parse_link_event(bad.nlh)->mtu, 0u);
}

TEST(NetlinkLinks, DelLinkAndAdminDown) {
  auto m = link(RTM_DELLINK, 9, 0, "gone0");
  auto e = parse_link_event(m.nlh);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->change, LinkChange::DelLink);
  EXPECT_FALSE(e->up);
  EXPECT_EQ(e->name, "gone0");
}

TEST(NetlinkLinks, UnterminatedNameIsRefused) {
  Message m;
  m.nlh->nlmsg_type = RTM_NEWLINK;
  mnl_nlmsg_put_extra_header(m.nlh, sizeof(ifinfomsg));
  const char raw[4] = {'e', 't', 'h', '0'};  // no NUL
  mnl_attr_put(m.nlh, IFLA_IFNAME, sizeof raw, raw);
  EXPECT_FALSE(parse_link_event(m.nlh));
}

TEST(NetlinkLinks, ShortMessageIsRefused) {
  Message m;
  m.nlh->nlmsg_type = RTM_NEWLINK;  // no ifinfomsg at all
  EXPECT_FALSE(parse_link_event(m.nlh));
  m.nlh->nlmsg_type = RTM_NEWADDR;
  EXPECT_FALSE(parse_link_event(m.nlh));
}

Message address(std::uint16_t type, std::uint8_t family, int ifindex, std::uint8_t prefix) {
  Message m;
  m.nlh->nlmsg_type = type;
  auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(m.nlh, sizeof(ifaddrmsg)));
  ifa->ifa_family = family;
  ifa->ifa_index = static_cast<std::uint32_t>(ifindex);
  ifa->ifa_prefixlen = prefix;
  return m;
}

// On point-to-point links IFA_ADDRESS is the peer; IFA_LOCAL is ours.
TEST(NetlinkAddresses, Ipv4PrefersLocalOverPeerAddress) {
  auto m = address(RTM_NEWADDR, AF_INET, 3, 24);
  const std::uint8_t peer[4] = {10, 0, 0, 2};
  const std::uint8_t local[4] = {10, 0, 0, 1};
  mnl_attr_put(m.nlh, IFA_ADDRESS, 4, peer);
  mnl_attr_put(m.nlh, IFA_LOCAL, 4, local);
  mnl_attr_put_strz(m.nlh, IFA_LABEL, "ppp0");
  auto e = parse_link_event(m.nlh);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->change, LinkChange::NewAddress);
  EXPECT_EQ(e->ifindex, 3);
  EXPECT_EQ(e->name, "ppp0");
  EXPECT_EQ(e->prefix_length, 24);
  EXPECT_EQ(e->address, Address(AddressV4({10, 0, 0, 1})));
  EXPECT_EQ(e->peer, Address(AddressV4({10, 0, 0, 2})));
}

// On other links IFA_LOCAL and IFA_ADDRESS are the same: no peer.
TEST(NetlinkAddresses, NoPeerWhenLocalAndAddressAgree) {
  auto m = address(RTM_NEWADDR, AF_INET, 3, 24);
  const std::uint8_t own[4] = {10, 0, 0, 1};
  mnl_attr_put(m.nlh, IFA_ADDRESS, 4, own);
  mnl_attr_put(m.nlh, IFA_LOCAL, 4, own);
  auto e = parse_link_event(m.nlh);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->address, Address(AddressV4({10, 0, 0, 1})));
  EXPECT_EQ(e->peer, std::nullopt);
}

TEST(NetlinkAddresses, Ipv6LinkLocalRemoved) {
  auto m = address(RTM_DELADDR, AF_INET6, 5, 64);
  const auto a = boost::asio::ip::make_address_v6("fe80::1").to_bytes();
  mnl_attr_put(m.nlh, IFA_ADDRESS, 16, a.data());
  auto e = parse_link_event(m.nlh);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->change, LinkChange::DelAddress);
  EXPECT_EQ(e->address, Address(boost::asio::ip::make_address_v6("fe80::1")));
}

TEST(NetlinkAddresses, WrongAddressLengthIsRefused) {
  auto m = address(RTM_NEWADDR, AF_INET, 3, 24);
  const std::uint8_t three[3] = {1, 2, 3};
  mnl_attr_put(m.nlh, IFA_ADDRESS, 3, three);
  EXPECT_FALSE(parse_link_event(m.nlh));
}

TEST(NetlinkLinks, BufferWithSeveralMessagesAndGarbageTail) {
  std::vector<std::uint8_t> buffer;
  for (auto m : {link(RTM_NEWLINK, 1, IFF_UP, "a"), link(RTM_NEWLINK, 2, IFF_UP, "b")}) {
    auto s = m.span();
    buffer.insert(buffer.end(), s.begin(), s.end());
  }
  buffer.insert(buffer.end(), {0xff, 0xff, 0xff});  // shorter than a header: ignored
  auto events = parse_link_events(buffer);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].name, "b");
}

TEST(NetlinkLinks, LengthBeyondBufferStopsParsing) {
  auto m = link(RTM_NEWLINK, 1, IFF_UP, "a");
  std::vector<std::uint8_t> buffer(m.span().begin(), m.span().end());
  reinterpret_cast<nlmsghdr*>(buffer.data())->nlmsg_len = 4096;  // claims more than there is
  EXPECT_TRUE(parse_link_events(buffer).empty());
}

// Found by tests/fuzz (netlink): libmnl's mnl_nlmsg_ok() reads nlmsg_len as an
// int, so 0xffffffff passed as "fits", and mnl_nlmsg_next() wrapped back to
// the same message: the walk never ended.
TEST(NetlinkLinks, LengthOf2To31OrMoreEndsTheWalk) {
  auto m = link(RTM_NEWLINK, 1, IFF_UP, "a");
  std::vector<std::uint8_t> buffer(m.span().begin(), m.span().end());
  const std::size_t second = buffer.size();
  buffer.resize(second + 64, 0xff);
  reinterpret_cast<nlmsghdr*>(buffer.data() + second)->nlmsg_len = 0xffffffff;
  auto events = parse_link_events(buffer);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "a");
  reinterpret_cast<nlmsghdr*>(buffer.data() + second)->nlmsg_len = 0x80000000;
  EXPECT_EQ(parse_link_events(buffer).size(), 1u);
  EXPECT_EQ(parse_rules(buffer).size(), 0u);
  EXPECT_EQ(messages_of(buffer).size(), 1u);
}

// Attributes end where nlmsg_len says, not at its rounding up to 4: what
// follows an unpadded message is not part of it.
TEST(NetlinkLinks, AttributesEndAtTheMessageLength) {
  Message m;
  m.nlh->nlmsg_type = RTM_NEWLINK;
  auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(m.nlh, sizeof(ifinfomsg)));
  ifi->ifi_index = 7;
  const std::size_t length = m.nlh->nlmsg_len;
  // An empty IFLA_IFNAME (refused: no NUL) just after the message...
  mnl_attr_put(m.nlh, IFLA_IFNAME, 0, nullptr);
  // ...of which the message claims only the first two bytes.
  m.nlh->nlmsg_len = static_cast<std::uint32_t>(length + 2);
  std::vector<std::uint8_t> buffer(m.bytes.begin(), m.bytes.begin() + static_cast<std::ptrdiff_t>(length + 4));
  auto events = parse_link_events(buffer);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].ifindex, 7);
  EXPECT_EQ(events[0].name, "");
}

TEST(NetlinkLinks, MessagesOfStepsByAlignedLengths) {
  std::vector<std::uint8_t> buffer;
  for (auto m : {link(RTM_NEWLINK, 1, IFF_UP, "a"), link(RTM_DELLINK, 2, 0, "bb")}) {
    auto s = m.span();
    buffer.insert(buffer.end(), s.begin(), s.end());
  }
  const auto messages = messages_of(buffer);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[1]->nlmsg_type, RTM_DELLINK);
  EXPECT_TRUE(messages_of({}).empty());
}

}  // namespace
}  // namespace mcproxy::kernel
