// Tests of instances/runtime/link_table: how netlink link/address events and
// interface lists map to an instance's configured interfaces.
#include "instances/runtime/link_table.hpp"

#include <gtest/gtest.h>

namespace mcproxy::instances {
namespace {

Address A(const char* s) { return boost::asio::ip::make_address(s); }

LinkEvent link(LinkChange c, int ifindex, std::string name, bool up = true) {
  return LinkEvent{c, ifindex, std::move(name), up, up, true, std::nullopt, 0};
}
LinkEvent addr(LinkChange c, int ifindex, const char* a, std::uint8_t len = 24, std::string label = {}) {
  return LinkEvent{c, ifindex, std::move(label), false, false, false, A(a), len};
}
kernel::InterfaceInfo info(int ifindex, std::string name, std::vector<const char*> addresses, bool up = true) {
  kernel::InterfaceInfo i{ifindex, std::move(name), up, up, true, {}};
  for (const char* a : addresses) i.addresses.push_back({A(a), 24});
  return i;
}

class LinkTableTest : public ::testing::Test {
 protected:
  LinkTableTest() {
    table.track("eth0");
    table.track("eth1");
  }
  const LinkState& state(const std::string& name) { return *table.find(name); }
  std::optional<Address> own(const std::string& name, std::optional<Address> configured = std::nullopt) {
    return protocol_address(Family::V4, state(name), configured);
  }
  LinkTable table{Family::V4};
};

TEST_F(LinkTableTest, NewLinkOfAConfiguredNameAsksForARefresh) {
  auto c = table.apply(link(LinkChange::NewLink, 5, "eth0"));
  EXPECT_TRUE(c.needs_refresh);
  EXPECT_EQ(c.names, (std::set<std::string>{"eth0"}));
  EXPECT_EQ(state("eth0").ifindex, 5);
  EXPECT_TRUE(state("eth0").up);
  ASSERT_NE(table.name_of(5), nullptr);
  EXPECT_EQ(*table.name_of(5), "eth0");
  // The same index again (flags change, MTU change): no refresh.
  c = table.apply(link(LinkChange::NewLink, 5, "eth0", false));
  EXPECT_FALSE(c.needs_refresh);
  EXPECT_FALSE(state("eth0").up);
}

TEST_F(LinkTableTest, UnconfiguredInterfacesAreIgnored) {
  auto c = table.apply(link(LinkChange::NewLink, 9, "wlan0"));
  EXPECT_TRUE(c.names.empty());
  EXPECT_TRUE(table.apply(addr(LinkChange::NewAddress, 9, "10.9.0.1")).names.empty());
}

// An address change (new added, old removed) keeps the link; IPv4 uses the
// lowest address, and 0.0.0.0 while it has none (RFC 3376 §4.2.13).
TEST_F(LinkTableTest, AddressesFollowEventsAndChooseTheProtocolAddress) {
  table.apply(std::vector{info(5, "eth0", {"10.1.0.1"})});
  EXPECT_EQ(own("eth0"), A("10.1.0.1"));
  table.apply(addr(LinkChange::NewAddress, 5, "10.9.0.1"));
  EXPECT_EQ(own("eth0"), A("10.1.0.1"));
  table.apply(addr(LinkChange::DelAddress, 5, "10.1.0.1"));
  EXPECT_EQ(own("eth0"), A("10.9.0.1"));
  table.apply(addr(LinkChange::DelAddress, 5, "10.9.0.1"));
  EXPECT_EQ(own("eth0"), A("0.0.0.0"));
  EXPECT_TRUE(usable(state("eth0"), own("eth0")));
  // A configured query source wins; addresses of the other family are ignored.
  EXPECT_EQ(own("eth0", A("192.0.2.9")), A("192.0.2.9"));
  table.apply(addr(LinkChange::NewAddress, 5, "2001:db8::1", 64));
  EXPECT_TRUE(state("eth0").addresses.empty());
}

// Address events are matched by ifindex: their name is the label ("eth0:1").
TEST_F(LinkTableTest, AliasLabelsAreMatchedByIfindex) {
  table.apply(std::vector{info(5, "eth0", {})});
  auto c = table.apply(addr(LinkChange::NewAddress, 5, "10.1.0.7", 24, "eth0:1"));
  EXPECT_EQ(c.names, (std::set<std::string>{"eth0"}));
  EXPECT_EQ(own("eth0"), A("10.1.0.7"));
}

TEST(LinkTableV6, NeedsALinkLocalAddress) {
  LinkTable table(Family::V6);
  table.track("eth0");
  table.apply(std::vector{info(5, "eth0", {"2001:db8::1"})});
  EXPECT_EQ(protocol_address(Family::V6, *table.find("eth0"), std::nullopt), std::nullopt);
  EXPECT_FALSE(usable(*table.find("eth0"), std::nullopt));
  table.apply(LinkEvent{LinkChange::NewAddress, 5, "", false, false, false, A("fe80::1"), 64});
  EXPECT_EQ(protocol_address(Family::V6, *table.find("eth0"), std::nullopt), A("fe80::1"));
}

TEST_F(LinkTableTest, DeleteAndRecreateGetsTheNewIndex) {
  table.apply(std::vector{info(5, "eth0", {"10.1.0.1"})});
  auto c = table.apply(link(LinkChange::DelLink, 5, "eth0"));
  EXPECT_EQ(c.names, (std::set<std::string>{"eth0"}));
  EXPECT_EQ(state("eth0").ifindex, 0);
  EXPECT_TRUE(state("eth0").addresses.empty());
  EXPECT_FALSE(usable(state("eth0"), own("eth0")));
  EXPECT_EQ(table.name_of(5), nullptr);
  c = table.apply(link(LinkChange::NewLink, 7, "eth0"));
  EXPECT_TRUE(c.needs_refresh);
  EXPECT_EQ(state("eth0").ifindex, 7);
}

TEST_F(LinkTableTest, RenameAwayAndBack) {
  table.apply(std::vector{info(5, "eth0", {"10.1.0.1"})});
  auto c = table.apply(link(LinkChange::NewLink, 5, "renamed"));
  EXPECT_EQ(c.names, (std::set<std::string>{"eth0"}));
  EXPECT_EQ(state("eth0").ifindex, 0);
  c = table.apply(link(LinkChange::NewLink, 5, "eth0"));
  EXPECT_TRUE(c.needs_refresh);
  EXPECT_EQ(state("eth0").ifindex, 5);
  // Renamed from one configured name to another.
  c = table.apply(link(LinkChange::NewLink, 5, "eth1"));
  EXPECT_EQ(c.names, (std::set<std::string>{"eth0", "eth1"}));
  EXPECT_EQ(state("eth0").ifindex, 0);
  EXPECT_EQ(state("eth1").ifindex, 5);
}
// A point-to-point address (`ip addr add 10.26.0.1 peer 10.26.0.2`): the
// peer's prefix is on the link, so its host's reports are from the link.
TEST_F(LinkTableTest, APointToPointPeerIsOnTheLink) {
  table.apply(std::vector{info(5, "eth0", {})});
  auto e = addr(LinkChange::NewAddress, 5, "10.26.0.1", 32);
  e.peer = A("10.26.0.2");
  table.apply(e);
  EXPECT_EQ(own("eth0"), A("10.26.0.1"));
  EXPECT_TRUE(source_on_link(state("eth0"), A("10.26.0.2")));
  EXPECT_TRUE(source_on_link(state("eth0"), A("10.26.0.1")));
  EXPECT_FALSE(source_on_link(state("eth0"), A("10.26.0.3")));
  e.change = LinkChange::DelAddress;
  table.apply(e);
  EXPECT_FALSE(source_on_link(state("eth0"), A("10.26.0.2")));
  EXPECT_TRUE(state("eth0").peers.empty());
}

TEST_F(LinkTableTest, APointToPointPeerFromTheInterfaceList) {
  auto i = info(5, "eth0", {});
  i.addresses.push_back({A("10.26.0.1"), 32, A("10.26.0.2")});
  table.apply(std::vector{i});
  EXPECT_TRUE(source_on_link(state("eth0"), A("10.26.0.2")));
  // A later list without the peer forgets it.
  auto without = info(5, "eth0", {});
  without.addresses.push_back({A("10.26.0.1"), 32});
  table.apply(std::vector{without});
  EXPECT_FALSE(source_on_link(state("eth0"), A("10.26.0.2")));
}

TEST_F(LinkTableTest, OnLinkMeansInsideAPrefixOfTheLink) {
  table.apply(std::vector{info(5, "eth0", {"10.1.0.1"})});
  EXPECT_TRUE(source_on_link(state("eth0"), A("10.1.0.200")));
  EXPECT_FALSE(source_on_link(state("eth0"), A("10.1.1.1")));
}

// A full list marks configured names that are not in it as gone (moved to
// another namespace while notifications were lost).
TEST_F(LinkTableTest, ListMarksAbsentNamesGone) {
  table.apply(std::vector{info(5, "eth0", {"10.1.0.1"}), info(6, "eth1", {"10.2.0.1"})});
  auto c = table.apply(std::vector{info(5, "eth0", {"10.1.0.1"})});
  EXPECT_TRUE(c.names.contains("eth1"));
  EXPECT_EQ(state("eth1").ifindex, 0);
  EXPECT_EQ(state("eth0").ifindex, 5);
}

TEST_F(LinkTableTest, UntrackForgetsTheIndex) {
  table.apply(std::vector{info(5, "eth0", {"10.1.0.1"})});
  table.untrack("eth0");
  EXPECT_FALSE(table.tracks("eth0"));
  EXPECT_EQ(table.name_of(5), nullptr);
}

}  // namespace
}  // namespace mcproxy::instances
