// The configuration language's tokens: words, quoted names and punctuation,
// each with its position. `#` starts a comment that runs to the end of the line.
#pragma once

#include "modules/config/diagnostic.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mcproxy::config {

enum class TokenKind {
  Word,       // [A-Za-z0-9_]+ ; also a "quoted name" (Token::quoted)
  Colon,      // :
  Semicolon,  // ;
  LeftBrace,  // {
  RightBrace, // }
  LeftParen,  // (
  RightParen, // )
  Arrow,      // ==>
  Dash,       // -
  Slash,      // /
  Star,       // *
  Pipe,       // |
  Dot,        // .
  End,        // end of input
};

const char* describe(TokenKind kind);  // "';'", "a word", ...

struct Token {
  TokenKind kind = TokenKind::End;
  std::string text;    // the word (without quotes); the punctuation itself otherwise
  bool quoted = false; // a "quoted name": never a keyword, never glued to neighbours
  SourceLocation where;
  std::size_t begin = 0;  // byte offsets in the input, to tell adjacent tokens apart
  std::size_t end = 0;
};

struct LexResult {
  std::vector<Token> tokens;  // always ends with an End token
  std::vector<Diagnostic> diagnostics;
};

// Never fails as a whole: characters outside the language are reported (one
// diagnostic per run of them) and skipped.
LexResult lex(std::string_view text, const std::string& file_name);

}  // namespace mcproxy::config
