// Newline framing with a size limit.
#include "mcproxy/control/line_framer.hpp"

#include <gtest/gtest.h>

namespace mcproxy::control {
namespace {

TEST(LineFramer, SplitsLinesAcrossReads) {
  LineFramer framer(100);
  framer.append("{\"a\"");
  EXPECT_FALSE(framer.next_line());
  EXPECT_TRUE(framer.has_partial());
  framer.append(":1}\n{\"b\":2}\r\n{\"c\"");
  EXPECT_EQ(framer.next_line(), "{\"a\":1}");
  EXPECT_EQ(framer.next_line(), "{\"b\":2}");
  EXPECT_FALSE(framer.next_line());
  EXPECT_EQ(framer.take_rest(), "{\"c\"");
  EXPECT_FALSE(framer.has_partial());
}

TEST(LineFramer, LimitCountsTheNewline) {
  LineFramer framer(5);
  framer.append("abcd\n");
  EXPECT_FALSE(framer.too_long());
  EXPECT_EQ(framer.next_line(), "abcd");
  framer.append("abcde\n");
  EXPECT_TRUE(framer.too_long());
  EXPECT_FALSE(framer.next_line());
}

TEST(LineFramer, IncompleteLineAtTheLimitIsTooLong) {
  LineFramer framer(5);
  framer.append("abcd");
  EXPECT_FALSE(framer.too_long());
  framer.append("e");
  EXPECT_TRUE(framer.too_long());
}

}  // namespace
}  // namespace mcproxy::control
