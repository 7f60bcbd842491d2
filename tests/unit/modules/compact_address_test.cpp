// CompactAddress: round trip to Address, the same order as Address, equal
// values hash equally, and IPv4 and IPv6 stay apart.
#include "modules/common/address.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <type_traits>
#include <unordered_set>
#include <vector>

namespace mcproxy {
namespace {

Address ip(const char* s) { return boost::asio::ip::make_address(s); }

TEST(CompactAddress, IsSmallAndTriviallyCopyable) {
  static_assert(std::is_trivially_copyable_v<CompactAddress>);
  EXPECT_EQ(sizeof(CompactAddress), 17u);
}

TEST(CompactAddress, RoundTripsBothFamilies) {
  for (const char* s : {"0.0.0.0", "239.1.2.3", "255.255.255.255", "::", "ff3e::8000:1", "fe80::1"}) {
    EXPECT_EQ(CompactAddress(ip(s)).address(), ip(s)) << s;
  }
  EXPECT_EQ(CompactAddress().address(), Address{});
  EXPECT_TRUE(CompactAddress(ip("10.0.0.1")).is_v4());
  EXPECT_FALSE(CompactAddress(ip("::1")).is_v4());
}

TEST(CompactAddress, OrdersLikeAddress) {
  std::vector<Address> all{ip("ff02::16"), ip("239.1.1.2"), ip("::"), ip("232.0.0.1"), ip("0.0.0.0"),
                           ip("239.1.1.1"), ip("ff3e::1"), ip("10.0.0.1"), ip("::ffff:239.1.1.1")};
  std::vector<Address> by_address = all;
  std::sort(by_address.begin(), by_address.end());
  std::vector<CompactAddress> compact(all.begin(), all.end());
  std::sort(compact.begin(), compact.end());
  ASSERT_EQ(compact.size(), by_address.size());
  for (std::size_t i = 0; i < compact.size(); ++i) EXPECT_EQ(compact[i].address(), by_address[i]);
}

TEST(CompactAddress, FamiliesStayApartAndHashIsConsistent) {
  // 0.0.0.0 and :: share their bytes (all zero) but are different keys, as
  // are an IPv4 address and its IPv4-mapped IPv6 form.
  EXPECT_NE(CompactAddress(ip("0.0.0.0")), CompactAddress(ip("::")));
  EXPECT_NE(CompactAddress(ip("239.1.1.1")), CompactAddress(ip("::ffff:239.1.1.1")));
  EXPECT_EQ(CompactAddress(ip("239.1.1.1")), CompactAddress(ip("239.1.1.1")));
  EXPECT_EQ(std::hash<CompactAddress>{}(ip("239.1.1.1")), std::hash<CompactAddress>{}(ip("239.1.1.1")));
  std::unordered_set<CompactAddress> set;
  for (std::uint32_t g = 0; g < 1000; ++g) set.insert(Address(AddressV4((239u << 24) + g)));
  set.insert(ip("0.0.0.0"));
  set.insert(ip("::"));
  EXPECT_EQ(set.size(), 1002u);
  EXPECT_TRUE(set.contains(ip("239.0.3.231")));
}

}  // namespace
}  // namespace mcproxy
