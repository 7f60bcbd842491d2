// RFC-notation set operations on source lists (RFC 3376 §6.4 notation).
#include "instances/router/source_set.hpp"
#include "router_test_support.hpp"

#include <gtest/gtest.h>

namespace mcproxy::instances::test {
namespace {

// RFC 3376 §6.4: "A+B" union, "A*B" intersection, "A-B" difference.
TEST(SourceSet, Rfc3376_6_4_Notation) {
  const SourceSet a = sources({"10.0.0.1", "10.0.0.2"});
  const SourceSet b = sources({"10.0.0.2", "10.0.0.3"});
  EXPECT_EQ(a + b, sources({"10.0.0.1", "10.0.0.2", "10.0.0.3"}));
  EXPECT_EQ(a * b, sources({"10.0.0.2"}));
  EXPECT_EQ(a - b, sources({"10.0.0.1"}));
  EXPECT_EQ(b - a, sources({"10.0.0.3"}));
  EXPECT_EQ(a - b - a, SourceSet{});
  EXPECT_EQ(to_source_set({ip("10.0.0.1"), ip("10.0.0.1")}), sources({"10.0.0.1"}));
}

}  // namespace
}  // namespace mcproxy::instances::test
