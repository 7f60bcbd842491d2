// Whitelist/blacklist tables applied to memberships (mcproxy filter semantics).
#include "instances/proxy/filter.hpp"

#include <gtest/gtest.h>

namespace mcproxy::instances {
namespace {

Address A(const char* s) { return boost::asio::ip::make_address(s); }
const Address G = A("239.1.1.1");
const Address G2 = A("239.9.9.9");
const Address S1 = A("10.0.0.1");
const Address S2 = A("10.0.0.2");
Membership IN(std::set<Address> s) { return {FilterMode::Include, std::move(s)}; }
Membership EX(std::set<Address> s) { return {FilterMode::Exclude, std::move(s)}; }

config::Rule rule(Address g, config::AddressRange src, std::string ifname = "") {
  config::Rule r;
  r.interface = std::move(ifname);
  r.group = {g, g};
  r.source = src;
  return r;
}
config::FilterBinding table(config::FilterKind kind, std::vector<config::Rule> rules) {
  config::FilterBinding f;
  f.kind = kind;
  f.table.rules = std::move(rules);
  return f;
}
const auto kAny = config::AddressRange::any(Family::V4);

struct Case {
  const char* name;
  config::FilterBinding filter;
  Membership in;
  Membership expected;
};

TEST(Filter, MembershipFilteringTable) {
  using K = config::FilterKind;
  const std::vector<Case> cases = {
      {"blacklist (G|*) blocks the whole group", table(K::Blacklist, {rule(G, kAny)}), EX({}), IN({})},
      {"blacklist (G|*) blocks an INCLUDE", table(K::Blacklist, {rule(G, kAny)}), IN({S1}), IN({})},
      {"blacklist of another group passes", table(K::Blacklist, {rule(G2, kAny)}), EX({S1}), EX({S1})},
      {"blacklist (G|S1) adds S1 to EXCLUDE", table(K::Blacklist, {rule(G, {S1, S1})}), EX({S2}), EX({S1, S2})},
      {"blacklist (G|S1) drops S1 from INCLUDE", table(K::Blacklist, {rule(G, {S1, S1})}), IN({S1, S2}), IN({S2})},
      {"whitelist (G|*) passes all", table(K::Whitelist, {rule(G, kAny)}), EX({S1}), EX({S1})},
      {"whitelist of another group blocks", table(K::Whitelist, {rule(G2, kAny)}), EX({}), IN({})},
      {"whitelist (G|S1-S2) turns EXCLUDE{S2} into INCLUDE{S1}", table(K::Whitelist, {rule(G, {S1, S2})}), EX({S2}), IN({S1})},
      {"whitelist (G|S1) keeps S1 of an INCLUDE", table(K::Whitelist, {rule(G, {S1, S1})}), IN({S1, S2}), IN({S1})},
      {"whitelist with a wide range stays EXCLUDE", table(K::Whitelist, {rule(G, {A("10.0.0.0"), A("10.255.255.255")})}), EX({}), EX({})},
      {"rule for another interface does not apply", table(K::Blacklist, {rule(G, kAny, "other")}), EX({}), EX({})},
  };
  for (const auto& c : cases) EXPECT_EQ(filter_membership(c.in, &c.filter, "eth0", G), c.expected) << c.name;
}

TEST(Filter, NoFilterAdmitsEverything) {
  EXPECT_TRUE(filter_admits(nullptr, "eth0", G, S1));
  EXPECT_EQ(filter_membership(EX({S1}), nullptr, "eth0", G), EX({S1}));
}

TEST(Filter, SingleSourceDecision) {
  const auto bl = table(config::FilterKind::Blacklist, {rule(G, {S1, S1})});
  EXPECT_FALSE(filter_admits(&bl, "eth0", G, S1));
  EXPECT_TRUE(filter_admits(&bl, "eth0", G, S2));
}

TEST(Filter, Ipv6RangesAreEnumerated) {
  const Address g6 = A("ff3e::1");
  const Address a = A("2001:db8::1");
  const Address b = A("2001:db8::3");
  config::FilterBinding f = table(config::FilterKind::Whitelist, {rule(g6, {a, b})});
  EXPECT_EQ(filter_membership(EX({A("2001:db8::2")}), &f, "eth0", g6), IN({a, b}));
  f.table.rules = {rule(g6, config::AddressRange::any(Family::V6))};
  f.kind = config::FilterKind::Blacklist;
  EXPECT_EQ(filter_membership(EX({}), &f, "eth0", g6), IN({}));
  f.table.rules = {rule(g6, {A("2001:db8::"), A("2001:db9::")})};
  EXPECT_EQ(filter_membership(EX({}), &f, "eth0", g6), EX({}));  // too wide: left to the data plane
}

}  // namespace
}  // namespace mcproxy::instances
