// Garbage never crashes the parser: random bytes, mutated valid files,
// unterminated blocks, huge numbers, deep nesting, exponential expansion.
#include "config_test_util.hpp"

#include <random>

namespace mcproxy::config::test {
namespace {

const char* const kValid = R"(protocol IGMPv3;
pinstance iptv(1): up0 ==> lan0 lan1;
pinstance iptv query-interval 125s query-response-interval 10s robustness 2;
table t { (239.0.0.0/8 | *) eth1(table { (232.1.1.1 - 232.1.1.9 | 10.0.0.0/8) }) };
pinstance iptv upstream up0 out whitelist table t;
pinstance iptv upstream * in rulematching mutex 10;
pinstance iptv downstream lan0 alternative-subnets 10.20.0.0/16 max-groups 5;
pinstance iptv static (232.1.1.1 | 10.1.0.5) ==> lan0;
)";

// Every outcome is fine as long as it is a value or diagnostics with positions.
void expect_graceful(std::string_view text) {
  auto result = parse_config(text, "g.conf");
  if (!result) {
    EXPECT_FALSE(result.error().empty());
    for (const auto& d : result.error()) {
      EXPECT_EQ(d.where.file, "g.conf");
      EXPECT_GE(d.where.line, 1);
      EXPECT_FALSE(d.message.empty());
    }
    EXPECT_LE(result.error().size(), 200u);
  } else {
    (void)summarize(*result);
  }
}

TEST(Robustness, RandomBytes) {
  std::mt19937 rng(4605);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 400);
  for (int i = 0; i < 2000; ++i) {
    std::string text(static_cast<std::size_t>(length(rng)), '\0');
    for (auto& c : text) c = static_cast<char>(byte(rng));
    expect_graceful(text);
  }
}

TEST(Robustness, RandomTokensOfTheLanguage) {
  const char* pieces[] = {"pinstance", "table", "protocol", "disable", "upstream", "downstream", "in", "out",
                          "whitelist", "blacklist", "rulematching", "mutex", "static", "query-interval", "1s",
                          "239.1.1.1", "ff02::1", "*", "|", "(", ")", "{", "}", ";", ":", "==>", "-", "/", "a",
                          "\"q\"", "\n", " ", "99999999999999999999", ".", "robustness", "alternative-subnets"};
  std::mt19937 rng(3376);
  std::uniform_int_distribution<std::size_t> pick(0, std::size(pieces) - 1);
  for (int i = 0; i < 2000; ++i) {
    std::string text;
    for (int n = 0; n < 60; ++n) text += std::string(pieces[pick(rng)]) + (n % 3 ? " " : "");
    expect_graceful(text);
  }
}

TEST(Robustness, MutationsOfAValidFile) {
  std::mt19937 rng(3810);
  const std::string valid = kValid;
  std::uniform_int_distribution<std::size_t> at(0, valid.size() - 1);
  std::uniform_int_distribution<int> op(0, 2);
  for (int i = 0; i < 3000; ++i) {
    std::string text = valid;
    for (int k = 0; k < 3; ++k) {
      const std::size_t p = at(rng) % text.size();
      switch (op(rng)) {
        case 0: text.erase(p, 1); break;
        case 1: text.insert(p, 1, text[at(rng) % text.size()]); break;
        default: text[p] = static_cast<char>(rng() & 0xff); break;
      }
      if (text.empty()) text = "x";
    }
    expect_graceful(text);
  }
}

TEST(Robustness, EveryPrefixOfAValidFile) {
  const std::string valid = kValid;
  for (std::size_t n = 0; n <= valid.size(); ++n) expect_graceful(valid.substr(0, n));
}

TEST(Robustness, UnterminatedBlocks) {
  for (const char* text : {"table t {", "table t { (", "table t { (239.1.1.1 |", "pinstance a: u ==> d;\n"
                           "pinstance a upstream u in whitelist table {", "table t { (table {", "(((((", "}}}}};;;",
                           "pinstance a: u ==> d;\npinstance a static (", "\"", "table t { (table"}) {
    const auto errors = errors_of(text);
    EXPECT_FALSE(errors.empty()) << text;
  }
}

TEST(Robustness, HugeNumbers) {
  const std::string base = "pinstance a: u ==> d;\n";
  for (const char* statement : {"pinstance a query-interval 999999999999999999999999s;",
                                "pinstance a robustness 18446744073709551617;",
                                "pinstance a upstream * in rulematching mutex 99999999999999999999;",
                                "table t { (239.1.1.1/99999999999999999999 | *) };",
                                "pinstance a query-interval 1.99999999999999999999s;",
                                "pinstance a query-interval 9999999999h;"}) {
    EXPECT_FALSE(errors_of(base + statement).empty()) << statement;
  }
  EXPECT_FALSE(errors_of("pinstance a(99999999999999999999999): u ==> d;").empty());
}

TEST(Robustness, DeepNestingIsRefusedNotOverflowed) {
  std::string text = "table t { ";
  for (int i = 0; i < 100'000; ++i) text += "(table { ";
  const auto errors = errors_of(text);
  ASSERT_FALSE(errors.empty());
  EXPECT_NE(errors[0].find("tables nested more than 32 deep"), std::string::npos) << errors[0];
  std::string parens(200'000, '(');
  expect_graceful(parens);
}

TEST(Robustness, NestingWithinTheLimitWorks) {
  std::string text = "table t { ";
  for (int i = 0; i < 20; ++i) text += "(table { ";
  text += "(239.1.1.1 | *)";
  for (int i = 0; i < 20; ++i) text += " })";
  text += " };\npinstance a: u ==> d;";
  auto c = parsed(text);
  EXPECT_EQ(c.tables.at("t").rules.size(), 1u);
}

TEST(Robustness, ExponentialExpansionIsRefused) {
  // t0 has 2 rules, t(n) references t(n-1) twice: t20 would have 2^21 rules.
  std::string text = "table t0 { (239.1.1.1|*) (239.1.1.2|*) };\n";
  for (int i = 1; i <= 20; ++i) {
    text += "table t" + std::to_string(i) + " { (table t" + std::to_string(i - 1) + ") (table t" +
            std::to_string(i - 1) + ") };\n";
  }
  text += "pinstance a: u ==> d;";
  const auto errors = errors_of(text);
  ASSERT_FALSE(errors.empty());
  EXPECT_NE(joined(errors).find("expands to more than 100000 rules"), std::string::npos) << joined(errors);
}

TEST(Robustness, TooManyErrorsStopEarly) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "bogus;\n";
  const auto errors = errors_of(text);
  EXPECT_LE(errors.size(), 101u);
  EXPECT_NE(errors.back().find("too many errors"), std::string::npos);
}

TEST(Robustness, LongValidFileParses) {
  std::string text = "protocol IGMPv3;\n";
  for (int i = 0; i < 200; ++i) {
    const std::string n = std::to_string(i);
    text += "pinstance p" + n + "(" + std::to_string(i + 1) + "): up" + n + " ==> down" + n + ";\n";
    text += "table t" + n + " { (239.1." + std::to_string(i % 256) + ".0/24 | *) };\n";
    text += "pinstance p" + n + " upstream up" + n + " out whitelist table t" + n + ";\n";
  }
  auto c = parsed(text);
  EXPECT_EQ(c.instances.size(), 200u);
}

}  // namespace
}  // namespace mcproxy::config::test
