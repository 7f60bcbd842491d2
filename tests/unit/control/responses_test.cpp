// Response construction, normalisation of handler replies, and the wire form.
#include "mcproxy/control/responses.hpp"

#include <gtest/gtest.h>

namespace mcproxy::control {
namespace {

using nlohmann::json;

TEST(Responses, OkIsWrittenFirst) {
  EXPECT_EQ(serialize_response(make_ok({{"a", 1}, {"text", "x"}})), "{\"ok\":true,\"a\":1,\"text\":\"x\"}\n");
  EXPECT_EQ(serialize_response(make_error("permission denied")), "{\"ok\":false,\"error\":\"permission denied\"}\n");
}

TEST(Responses, NormaliseAddsOkOrReportsMalformedReplies) {
  EXPECT_EQ(normalise_response(json{{"instances", json::array()}}), json({{"ok", true}, {"instances", json::array()}}));
  EXPECT_EQ(normalise_response(json(3)), make_error("internal error: the daemon sent a malformed reply"));
  EXPECT_EQ(normalise_response(json{{"ok", "yes"}}), make_error("internal error: the daemon sent a malformed reply"));
  EXPECT_EQ(normalise_response(json{{"ok", false}}), json({{"ok", false}, {"error", "unspecified error"}}));
  EXPECT_EQ(normalise_response(make_error("x")), make_error("x"));
}

TEST(Responses, InvalidUtf8IsReplacedNotThrown) {
  std::string line;
  EXPECT_NO_THROW(line = serialize_response(make_error(std::string("bad \xff name"))));
  EXPECT_TRUE(json::accept(line));
}

TEST(Responses, NewlinesInsideStringsAreEscaped) {
  const auto line = serialize_response(make_ok({{"text", "a\nb\n"}}));
  EXPECT_EQ(line.find('\n'), line.size() - 1);
}

}  // namespace
}  // namespace mcproxy::control
