// `alternative-subnets` (doc/configuration.md): which sources an interface
// accepts, for downstream reports and for upstream data.
#include "instances/proxy/source_subnets.hpp"

#include <gtest/gtest.h>

namespace mcproxy::instances {
namespace {

Address A(const char* s) { return boost::asio::ip::make_address(s); }

const std::map<Address, std::uint8_t> kLink{{A("10.1.0.1"), 24}};

TEST(SourceSubnets, OwnSubnetsAndAlternativePrefixes) {
  const std::vector<config::Prefix> alt{{A("198.51.100.0"), 24}};
  EXPECT_TRUE(in_subnets(kLink, {}, alt, A("10.1.0.77")));
  EXPECT_TRUE(in_subnets(kLink, {}, alt, A("198.51.100.9")));
  EXPECT_FALSE(in_subnets(kLink, {}, alt, A("203.0.113.5")));
  EXPECT_FALSE(in_subnets({}, {}, {}, A("10.1.0.77")));
}

// An upstream without the option takes data from any source; with it, only
// from its subnets and the listed prefixes.
TEST(SourceSubnets, UpstreamAcceptsEverySourceUnlessAlternativeSubnetsAreSet) {
  EXPECT_TRUE(upstream_accepts_source(kLink, {}, {}, A("203.0.113.5")));
  const std::vector<config::Prefix> alt{{A("198.51.100.0"), 24}};
  EXPECT_FALSE(upstream_accepts_source(kLink, {}, alt, A("203.0.113.5")));
  EXPECT_TRUE(upstream_accepts_source(kLink, {}, alt, A("198.51.100.200")));
  EXPECT_TRUE(upstream_accepts_source(kLink, {}, alt, A("10.1.0.2")));
}

// A point-to-point address (`ip addr add 10.26.0.1 peer 10.26.0.2/32`): the
// far end is on the link, for downstream reports and for upstream data alike.
TEST(SourceSubnets, FarEndOfAPointToPointAddressIsOnTheLink) {
  const std::map<Address, std::uint8_t> p2p{{A("10.26.0.1"), 32}};
  const std::map<Address, Address> peers{{A("10.26.0.1"), A("10.26.0.2")}};
  EXPECT_TRUE(on_link(p2p, peers, A("10.26.0.2")));
  EXPECT_TRUE(on_link(p2p, peers, A("10.26.0.1")));
  EXPECT_FALSE(on_link(p2p, peers, A("10.26.0.3")));
  EXPECT_FALSE(on_link(p2p, {}, A("10.26.0.2")));
  const std::vector<config::Prefix> alt{{A("198.51.100.0"), 24}};
  EXPECT_TRUE(in_subnets(p2p, peers, alt, A("10.26.0.2")));
  EXPECT_TRUE(upstream_accepts_source(p2p, peers, alt, A("10.26.0.2")));
  EXPECT_FALSE(upstream_accepts_source(p2p, peers, alt, A("10.26.0.3")));
}

}  // namespace
}  // namespace mcproxy::instances
