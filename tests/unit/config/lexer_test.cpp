// Tokens, positions, comments, quoted names and unexpected characters.
#include "modules/config/lexer.hpp"

#include <gtest/gtest.h>

namespace mcproxy::config {
namespace {

std::vector<TokenKind> kinds(const LexResult& r) {
  std::vector<TokenKind> out;
  for (const auto& t : r.tokens) out.push_back(t.kind);
  return out;
}

TEST(Lexer, PunctuationAndWords) {
  const auto r = lex("pinstance a(1): u ==> d; table t { x(*|1.2.3.4/8) (a - b) };", "f");
  EXPECT_TRUE(r.diagnostics.empty());
  using K = TokenKind;
  const std::vector<K> expected{K::Word, K::Word, K::LeftParen, K::Word, K::RightParen, K::Colon, K::Word,
                                K::Arrow, K::Word, K::Semicolon, K::Word, K::Word, K::LeftBrace, K::Word,
                                K::LeftParen, K::Star, K::Pipe, K::Word, K::Dot, K::Word, K::Dot, K::Word,
                                K::Dot, K::Word, K::Slash, K::Word, K::RightParen, K::LeftParen, K::Word,
                                K::Dash, K::Word, K::RightParen, K::RightBrace, K::Semicolon, K::End};
  EXPECT_EQ(kinds(r), expected);
}

TEST(Lexer, PositionsAreOneBasedLineAndColumn) {
  const auto r = lex("protocol IGMPv3;\n\n  pinstance\tx", "a.conf");
  ASSERT_EQ(r.tokens.size(), 6u);
  EXPECT_EQ(r.tokens[0].where.line, 1);
  EXPECT_EQ(r.tokens[0].where.column, 1);
  EXPECT_EQ(r.tokens[1].where.column, 10);
  EXPECT_EQ(r.tokens[2].where.column, 16);
  EXPECT_EQ(r.tokens[3].where.line, 3);
  EXPECT_EQ(r.tokens[3].where.column, 3);
  EXPECT_EQ(r.tokens[4].where.column, 13);  // a tab counts as one column
  EXPECT_EQ(r.tokens[4].where.file, "a.conf");
  EXPECT_EQ(r.tokens[5].kind, TokenKind::End);
}

TEST(Lexer, CommentsRunToEndOfLine) {
  const auto r = lex("a # b c ; {\nd#e\n#", "f");
  ASSERT_EQ(r.tokens.size(), 3u);
  EXPECT_EQ(r.tokens[0].text, "a");
  EXPECT_EQ(r.tokens[1].text, "d");
  EXPECT_EQ(r.tokens[1].where.line, 2);
}

TEST(Lexer, QuotedNamesAreOneWordNeverGlued) {
  const auto r = lex("\"proxy-eth0\"\"x.y\"", "f");
  ASSERT_EQ(r.tokens.size(), 3u);
  EXPECT_EQ(r.tokens[0].text, "proxy-eth0");
  EXPECT_TRUE(r.tokens[0].quoted);
  EXPECT_EQ(r.tokens[1].text, "x.y");
  EXPECT_EQ(r.tokens[0].end, r.tokens[1].begin);
}

TEST(Lexer, AdjacencyIsVisibleInOffsets) {
  const auto r = lex("eth0.1 eth0 .1", "f");
  EXPECT_EQ(r.tokens[0].end, r.tokens[1].begin);
  EXPECT_EQ(r.tokens[1].end, r.tokens[2].begin);
  EXPECT_NE(r.tokens[3].end, r.tokens[4].begin);
}

TEST(Lexer, OneDiagnosticPerRunOfUnexpectedCharacters) {
  const auto r = lex("a $$$ b \x01\x02 c =", "f");
  ASSERT_EQ(r.diagnostics.size(), 3u);
  EXPECT_EQ(r.diagnostics[0].to_string(), "f:1:3: unexpected character '$'");
  EXPECT_EQ(r.diagnostics[1].to_string(), "f:1:9: unexpected character byte 0x01");
  EXPECT_EQ(r.diagnostics[2].to_string(), "f:1:14: unexpected character '='");
  EXPECT_EQ(r.tokens.size(), 4u);  // a b c End
}

TEST(Lexer, UnterminatedAndEmptyQuotes) {
  auto r = lex("\"abc\nx", "f");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].where.column, 1);
  EXPECT_EQ(r.tokens.at(0).text, "x");
  r = lex("\"\"", "f");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].message, "empty quoted name");
}

}  // namespace
}  // namespace mcproxy::config

namespace mcproxy::config {
namespace {

TEST(Lexer, BinaryGarbageGivesABoundedNumberOfDiagnostics) {
  std::string garbage;
  for (int i = 0; i < 10'000; ++i) garbage += (i % 2) ? "\x01" : " ";
  const auto r = lex(garbage, "f");
  EXPECT_EQ(r.diagnostics.size(), 50u);
  EXPECT_EQ(r.tokens.size(), 1u);
}

}  // namespace
}  // namespace mcproxy::config
