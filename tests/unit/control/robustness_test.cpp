// Bad input never crashes or throws: random bytes into a connection, random
// JSON into the request checker, random words into mcproxyctl's translation.
#include "mcproxy/control/client_session.hpp"
#include "mcproxy/control/requests.hpp"
#include "mcproxy/ctl/arguments.hpp"

#include <random>

#include <gtest/gtest.h>

namespace mcproxy::control {
namespace {

using nlohmann::json;

TEST(Robustness, RandomBytesIntoASessionGiveOnlyValidResponseLines) {
  std::mt19937 random(4605);
  const std::string alphabet = "{}[]\":,\\ \n\r\t0123456789abcdefghijklmnopqrstuvwxyz-.|()*=>\x01\xff";
  for (int round = 0; round < 200; ++round) {
    SessionLimits limits;
    limits.max_request_bytes = 512;
    ClientSession session(limits, TimePoint{});
    std::string input;
    const auto length = random() % 2000;
    for (std::size_t i = 0; i < length; ++i) input += alphabet[random() % alphabet.size()];
    ASSERT_NO_THROW({
      session.on_input(input, TimePoint{});
      session.on_end_of_input(TimePoint{});
      for (auto& ready : session.take_requests(TimePoint{})) session.on_reply(ready.seq, json::object(), TimePoint{});
    });
    const std::string& out = session.output();
    for (std::size_t start = 0; start < out.size();) {
      const auto end = out.find('\n', start);
      ASSERT_NE(end, std::string::npos);
      const auto line = json::parse(out.substr(start, end - start), nullptr, false);
      ASSERT_TRUE(line.is_object()) << out.substr(start, end - start);
      ASSERT_TRUE(line["ok"].is_boolean());
      start = end + 1;
    }
  }
}

json random_value(std::mt19937& random, int depth) {
  static const char* const kStrings[] = {"show", "instances", "iptv", "eth0", "upstream", "downstream", "239.1.1.1",
                                         "10.0.0.1", "ff3e::1", "*", "", "eth0 ==> eth1", "a b", "query-interval 1s"};
  switch (random() % (depth > 2 ? 4 : 6)) {
    case 0: return nullptr;
    case 1: return static_cast<int>(random() % 100) - 50;
    case 2: return kStrings[random() % std::size(kStrings)];
    case 3: return random() % 2 == 0;
    case 4: {
      json array = json::array();
      for (auto n = random() % 3; n > 0; --n) array.push_back(random_value(random, depth + 1));
      return array;
    }
    default: {
      static const char* const kKeys[] = {"what", "instance", "name", "role", "words", "from", "to", "group",
                                          "source", "downstreams", "interface", "id", "x"};
      json object = json::object();
      for (auto n = random() % 5; n > 0; --n) object[kKeys[random() % std::size(kKeys)]] = random_value(random, depth + 1);
      return object;
    }
  }
}

TEST(Robustness, RandomRequestsAreCheckedWithoutThrowing) {
  std::mt19937 random(3376);
  static const char* const kCommands[] = {"show",           "instance-add", "instance-remove", "interface-add",
                                          "interface-remove", "interface-move", "set",         "static-add",
                                          "static-remove",  "reload",       "metrics"};
  int accepted = 0;
  for (int round = 0; round < 5000; ++round) {
    json request = random_value(random, 3);
    if (request.is_object() || random() % 2 == 0) {
      if (!request.is_object()) request = json::object();
      request["cmd"] = kCommands[random() % std::size(kCommands)];
      for (const char* key : {"what", "instance", "name", "words", "group"})
        if (random() % 3 == 0) request[key] = random_value(random, 3);
    }
    std::expected<Request, std::string> parsed;
    ASSERT_NO_THROW(parsed = parse_request(request)) << request.dump();
    if (parsed) {
      ++accepted;
      // Whatever is accepted survives the round trip.
      auto again = parse_request(to_json(*parsed));
      ASSERT_TRUE(again) << request.dump();
      EXPECT_EQ(*again, *parsed);
    } else {
      EXPECT_FALSE(parsed.error().empty());
    }
  }
  EXPECT_GT(accepted, 0);
}

TEST(Robustness, RandomWordsIntoMcproxyctlTranslation) {
  std::mt19937 random(9776);
  static const char* const kWords[] = {"show", "instance", "interface", "set", "static", "add", "remove", "move",
                                       "iptv", "eth0", "==>", "(239.1.1.1", "|", "10.0.0.1)", "table", "7",
                                       "upstream", "downstream", "mfc", "*", "(", ")", "", ";", "reload", "metrics"};
  for (int round = 0; round < 5000; ++round) {
    std::vector<std::string> words;
    for (auto n = random() % 8; n > 0; --n) words.emplace_back(kWords[random() % std::size(kWords)]);
    ASSERT_NO_THROW((void)ctl::translate_arguments(words));
  }
}

}  // namespace
}  // namespace mcproxy::control
