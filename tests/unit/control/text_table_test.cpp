// Aligned text columns.
#include "mcproxy/ctl/text_table.hpp"

#include <gtest/gtest.h>

namespace mcproxy::ctl {
namespace {

TEST(TextTable, AlignsColumnsLeftAndRight) {
  TextTable table({{"NAME"}, {"PACKETS", TextTable::Align::Right}, {"STATE"}});
  table.add_row({"iptv", "12", "up"});
  table.add_row({"radio-long", "123456789", "down"});
  EXPECT_EQ(table.render(),
            "NAME          PACKETS  STATE\n"
            "iptv               12  up\n"
            "radio-long  123456789  down\n");
}

TEST(TextTable, MissingCellsAreEmptyAndNoTrailingSpaces) {
  TextTable table({{"A"}, {"B"}});
  table.add_row({"x"});
  table.add_row({"longer", "y", "ignored"});
  EXPECT_EQ(table.render(),
            "A       B\n"
            "x\n"
            "longer  y\n");
}

TEST(TextTable, NewlinesInCellsDoNotBreakRows) {
  TextTable table({{"A"}});
  table.add_row({"a\nb"});
  EXPECT_EQ(table.render(), "A\na b\n");
}

TEST(TextTable, WidthCountsCharactersNotBytes) {
  EXPECT_EQ(display_width("ä-x"), 3u);
  TextTable table({{"N"}, {"V"}});
  table.add_row({"äö", "1"});
  table.add_row({"abc", "2"});
  EXPECT_EQ(table.render(), "N    V\näö   1\nabc  2\n");
}

}  // namespace
}  // namespace mcproxy::ctl
