// One control connection's state machine, driven by hand with a fake `now`:
// ordering of pipelined replies, bad lines, limits and every timeout.
#include "mcproxy/control/client_session.hpp"

#include "mcproxy/control/responses.hpp"

#include <gtest/gtest.h>

namespace mcproxy::control {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class ClientSessionTest : public ::testing::Test {
 protected:
  SessionLimits limits() {
    SessionLimits l;
    l.max_request_bytes = 200;
    l.max_pipelined = 3;
    l.client_timeout = 10s;
    l.handler_timeout = 5s;
    return l;
  }

  // Lines written so far, decoded; consumes the output.
  std::vector<json> drain(ClientSession& session) {
    std::vector<json> lines;
    std::string out = session.output();
    session.on_written(out.size(), now_);
    for (std::size_t start = 0; start < out.size();) {
      const auto end = out.find('\n', start);
      EXPECT_NE(end, std::string::npos);
      lines.push_back(json::parse(out.substr(start, end - start)));
      start = end + 1;
    }
    return lines;
  }

  TimePoint now_{};
};

TEST_F(ClientSessionTest, CompleteRequestGoesToTheHandlerAndItsReplyToTheClient) {
  ClientSession session(limits(), now_);
  session.on_input("{\"cmd\":\"reload\"}\n", now_);
  auto ready = session.take_requests(now_);
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].request, Request(ReloadRequest{}));
  EXPECT_TRUE(session.output().empty());
  session.on_reply(ready[0].seq, make_ok({{"message", "reloaded"}}), now_);
  EXPECT_EQ(session.output(), "{\"ok\":true,\"message\":\"reloaded\"}\n");
}

TEST_F(ClientSessionTest, PipelinedRepliesGoOutInRequestOrder) {
  ClientSession session(limits(), now_);
  session.on_input("{\"cmd\":\"reload\",\"id\":1}\n{\"cmd\":\"bogus\",\"id\":2}\n{\"cmd\":\"metrics\",\"id\":3}\n", now_);
  auto ready = session.take_requests(now_);
  ASSERT_EQ(ready.size(), 2u);
  session.on_reply(ready[1].seq, make_ok({{"text", "m"}}), now_);
  EXPECT_TRUE(session.output().empty()) << "the first request is not answered yet";
  session.on_reply(ready[0].seq, make_ok(), now_);
  auto lines = drain(session);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], json({{"ok", true}, {"id", 1}}));
  EXPECT_EQ(lines[1], json({{"ok", false}, {"error", "unknown command 'bogus'"}, {"id", 2}}));
  EXPECT_EQ(lines[2], json({{"ok", true}, {"text", "m"}, {"id", 3}}));
}

TEST_F(ClientSessionTest, GarbageLineIsAnsweredAndTheConnectionStays) {
  ClientSession session(limits(), now_);
  session.on_input("this is not json\n\n   \n{\"cmd\":\"reload\"}\n", now_);
  auto ready = session.take_requests(now_);
  ASSERT_EQ(ready.size(), 1u);
  auto lines = drain(session);
  ASSERT_EQ(lines.size(), 1u) << "blank lines are not answered";
  EXPECT_FALSE(lines[0]["ok"].get<bool>());
  EXPECT_EQ(lines[0]["error"].get<std::string>().rfind("invalid JSON: ", 0), 0u) << lines[0];
  EXPECT_FALSE(session.finished());
  EXPECT_TRUE(session.wants_input());
}

// The session parses without exceptions; the reply still names the error as
// json::parse() would, for every kind of bad line (syntax, trailing bytes,
// number overflow, a control character, a truncated object).
TEST_F(ClientSessionTest, InvalidJsonIsNamedAsTheJsonLibraryNamesIt) {
  for (const std::string line : {"this is not json", "{\"cmd\":\"reload\"} x", "[1e999]", "\"a\x01\"",
                                 "{\"cmd\":", "{\"cmd\" \"reload\"}", "nul"}) {
    std::string expected;
    try {
      const json parsed = json::parse(line);
      FAIL() << line << " parses as " << parsed;
    } catch (const json::exception& e) {
      expected = e.what();
      expected.erase(0, expected.find("] ") + 2);  // "[json.exception.parse_error.101] "
    }
    ClientSession session(limits(), now_);
    session.on_input(line + "\n", now_);
    EXPECT_TRUE(session.take_requests(now_).empty()) << line;
    auto lines = drain(session);
    ASSERT_EQ(lines.size(), 1u) << line;
    EXPECT_EQ(lines[0], make_error("invalid JSON: " + expected)) << line;
  }
}

TEST_F(ClientSessionTest, OverlongLineIsAnErrorAndCloses) {
  ClientSession session(limits(), now_);
  session.on_input(std::string(300, 'x'), now_);
  EXPECT_TRUE(session.take_requests(now_).empty());
  auto lines = drain(session);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], make_error("request too long (limit 200 bytes)"));
  EXPECT_FALSE(session.wants_input());
  EXPECT_TRUE(session.finished());
}

TEST_F(ClientSessionTest, OverlongLineAfterPendingRequestsIsAnsweredAfterThem) {
  ClientSession session(limits(), now_);
  session.on_input("{\"cmd\":\"reload\"}\n" + std::string(300, 'x') + "\n", now_);
  auto ready = session.take_requests(now_);
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_TRUE(session.output().empty());
  EXPECT_FALSE(session.finished());
  session.on_reply(ready[0].seq, make_ok(), now_);
  auto lines = drain(session);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0]["ok"].get<bool>());
  EXPECT_EQ(lines[1], make_error("request too long (limit 200 bytes)"));
  EXPECT_TRUE(session.finished());
}

TEST_F(ClientSessionTest, HalfRequestTimesOut) {
  ClientSession session(limits(), now_);
  session.on_input("{\"cmd\":", now_);
  EXPECT_TRUE(session.take_requests(now_).empty());
  ASSERT_TRUE(session.deadline());
  EXPECT_EQ(*session.deadline(), now_ + 10s);
  // Trickling bytes does not extend the deadline of an incomplete request.
  now_ += 9s;
  session.on_input("\"rel", now_);
  session.take_requests(now_);
  EXPECT_EQ(*session.deadline(), TimePoint{} + 10s);
  now_ = TimePoint{} + 10s;
  session.on_timer(now_);
  auto lines = drain(session);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], make_error("timeout: incomplete request after 10 s"));
  EXPECT_TRUE(session.finished());
}

TEST_F(ClientSessionTest, IdleClientTimesOut) {
  ClientSession session(limits(), now_);
  now_ += 9s;
  session.on_timer(now_);
  EXPECT_TRUE(session.output().empty());
  now_ += 1s;
  session.on_timer(now_);
  auto lines = drain(session);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], make_error("timeout: no request for 10 s"));
  EXPECT_TRUE(session.finished());
}

TEST_F(ClientSessionTest, WaitingForTheDaemonIsNotIdle) {
  ClientSession session(limits(), now_);
  session.on_input("{\"cmd\":\"reload\"}\n", now_);
  auto ready = session.take_requests(now_);
  EXPECT_EQ(*session.deadline(), now_ + 5s) << "only the handler timeout runs";
  now_ += 4s;
  session.on_timer(now_);
  session.on_reply(ready[0].seq, make_ok(), now_);
  EXPECT_EQ(drain(session).size(), 1u);
  EXPECT_EQ(*session.deadline(), now_ + 10s) << "idle again from the last write";
}

TEST_F(ClientSessionTest, HandlerTimeoutAnswersAndDropsTheLateReply) {
  ClientSession session(limits(), now_);
  session.on_input("{\"cmd\":\"reload\",\"id\":\"r1\"}\n", now_);
  auto ready = session.take_requests(now_);
  now_ += 5s;
  session.on_timer(now_);
  auto lines = drain(session);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], json({{"ok", false}, {"error", "timeout: the daemon did not answer within 5 s"}, {"id", "r1"}}));
  session.on_reply(ready[0].seq, make_ok(), now_);
  EXPECT_TRUE(session.output().empty());
  EXPECT_FALSE(session.finished());
}

TEST_F(ClientSessionTest, PipeliningLimitStopsReadingUntilAnswered) {
  ClientSession session(limits(), now_);
  std::string four;
  for (int i = 0; i < 4; ++i) four += "{\"cmd\":\"reload\"}\n";
  session.on_input(four, now_);
  auto ready = session.take_requests(now_);
  ASSERT_EQ(ready.size(), 3u);
  EXPECT_FALSE(session.wants_input());
  session.on_reply(ready[0].seq, make_ok(), now_);
  EXPECT_TRUE(session.wants_input());
  auto more = session.take_requests(now_);
  ASSERT_EQ(more.size(), 1u);
  EXPECT_GT(more[0].seq, ready[2].seq);
}

TEST_F(ClientSessionTest, EndOfInputAnswersTheLastUnterminatedLineThenFinishes) {
  ClientSession session(limits(), now_);
  session.on_input("{\"cmd\":\"reload\"}\n{\"cmd\":\"metrics\"}", now_);
  session.on_end_of_input(now_);
  auto ready = session.take_requests(now_);
  ASSERT_EQ(ready.size(), 2u);
  EXPECT_EQ(ready[1].request, Request(MetricsRequest{}));
  EXPECT_FALSE(session.finished());
  session.on_reply(ready[0].seq, make_ok(), now_);
  session.on_reply(ready[1].seq, make_ok(), now_);
  EXPECT_EQ(drain(session).size(), 2u);
  EXPECT_TRUE(session.finished());
}

TEST_F(ClientSessionTest, ClientThatDoesNotReadIsDropped) {
  ClientSession session(limits(), now_);
  session.on_input("{\"cmd\":\"reload\"}\n", now_);
  auto ready = session.take_requests(now_);
  session.on_reply(ready[0].seq, make_ok(), now_);
  ASSERT_FALSE(session.output().empty());
  now_ += 10s;
  session.on_timer(now_);
  EXPECT_TRUE(session.finished());
}

// Each error the session answers itself is counted once, by reason; the
// server takes the counts (take_errors) and adds them to its totals.
TEST_F(ClientSessionTest, EveryErrorTheSessionAnswersIsCountedByReason) {
  {
    ClientSession session(limits(), now_);
    session.on_input("this is not json\n{\"cmd\":\"bogus\"}\n{\"cmd\":\"show\",\"what\":7}\n{\"cmd\":\"reload\"}\n", now_);
    EXPECT_EQ(session.take_requests(now_).size(), 1u);
    const auto e = session.take_errors();
    EXPECT_EQ(e.invalid_json, 1u);
    EXPECT_EQ(e.bad_request, 2u);
    EXPECT_EQ(session.take_errors().bad_request, 0u) << "taken: counted back to zero";
  }
  {
    ClientSession session(limits(), now_);
    session.on_input(std::string(300, 'x'), now_);
    session.take_requests(now_);
    EXPECT_EQ(session.take_errors().too_long, 1u);
  }
  {
    ClientSession half(limits(), now_), idle(limits(), now_);
    half.on_input("{\"cmd\":", now_);
    half.take_requests(now_);
    half.on_timer(now_ + 10s);
    idle.on_timer(now_ + 10s);
    EXPECT_EQ(half.take_errors().client_timeout, 1u);
    EXPECT_EQ(idle.take_errors().client_timeout, 1u);
  }
  {
    ClientSession session(limits(), now_);
    session.on_input("{\"cmd\":\"reload\"}\n{\"cmd\":\"reload\"}\n", now_);
    session.take_requests(now_);
    session.on_timer(now_ + 5s);
    EXPECT_EQ(session.take_errors().daemon_timeout, 2u);
  }
  {
    ClientSession session(limits(), now_);
    session.on_input("{\"cmd\":\"reload\"}\n", now_);
    auto ready = session.take_requests(now_);
    session.on_reply(ready[0].seq, make_ok(), now_);
    session.on_timer(now_ + 10s);
    session.on_timer(now_ + 11s);
    EXPECT_EQ(session.take_errors().not_reading, 1u) << "once per connection";
  }
}

TEST_F(ClientSessionTest, HandlerMayReplyWithoutOkOrWithGarbage) {
  ClientSession session(limits(), now_);
  session.on_input("{\"cmd\":\"reload\"}\n{\"cmd\":\"reload\"}\n", now_);
  auto ready = session.take_requests(now_);
  session.on_reply(ready[0].seq, json{{"message", "done"}}, now_);
  session.on_reply(ready[1].seq, json("nonsense"), now_);
  auto lines = drain(session);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], json({{"ok", true}, {"message", "done"}}));
  EXPECT_EQ(lines[1], make_error("internal error: the daemon sent a malformed reply"));
}

}  // namespace
}  // namespace mcproxy::control
