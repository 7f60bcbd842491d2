// FlatMap, the sorted-vector map of the per-group tables: key order, lookup,
// insertion through operator[], erase by key and while iterating.
#include "instances/router/flat_map.hpp"
#include "router_test_support.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace mcproxy::instances::test {
namespace {

template <class Map>
class FlatMapTest : public ::testing::Test {};
using Maps = ::testing::Types<FlatMap<CompactAddress, unsigned>, BoxedFlatMap<CompactAddress, unsigned>>;
TYPED_TEST_SUITE(FlatMapTest, Maps);

TYPED_TEST(FlatMapTest, KeepsKeyOrderAndFindsEntries) {
  TypeParam m;
  EXPECT_TRUE(m.empty());
  m[ip("10.0.0.3")] = 3;
  m[ip("10.0.0.1")] = 1;
  m[ip("10.0.0.2")] = 2;
  m[ip("10.0.0.1")] += 10;
  ASSERT_EQ(m.size(), 3u);
  unsigned expected[] = {11, 2, 3};
  std::size_t i = 0;
  for (const auto& [k, v] : m) EXPECT_EQ(v, expected[i++]);
  EXPECT_TRUE(m.contains(ip("10.0.0.2")));
  EXPECT_FALSE(m.contains(ip("10.0.0.9")));
  EXPECT_EQ(m.at(ip("10.0.0.3")), 3u);
  EXPECT_THROW(m.at(ip("10.0.0.9")), std::out_of_range);
  EXPECT_EQ(m.erase(ip("10.0.0.2")), 1u);
  EXPECT_EQ(m.erase(ip("10.0.0.2")), 0u);
  for (auto it = m.begin(); it != m.end();) it = it->second > 5 ? m.erase(it) : std::next(it);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m.begin()->first, CompactAddress(ip("10.0.0.3")));
  TypeParam other;
  other[ip("10.0.0.3")] = 3;
  EXPECT_EQ(m, other);
  TypeParam copy = m;
  m.clear();
  EXPECT_TRUE(m.empty());
  EXPECT_FALSE(m == other);
  EXPECT_EQ(copy, other);
  const auto next = copy.erase(copy.begin());  // the last entry: the box goes
  EXPECT_EQ(next, copy.end());
  EXPECT_TRUE(copy.empty());
}

// The boxed map costs one pointer, null while empty.
static_assert(sizeof(BoxedFlatMap<CompactAddress, unsigned>) == sizeof(void*));

}  // namespace
}  // namespace mcproxy::instances::test
