// Splits configuration text into tokens. Addresses, names and durations are
// glued back together by the parser from adjacent tokens (see parser.cpp), as
// mcproxy's own scanner did, so `pinstance a:` and `ff02::1` both work.
#include "modules/config/lexer.hpp"

namespace mcproxy::config {
namespace {

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Binary garbage would otherwise produce a message per run of bad bytes.
constexpr std::size_t kMaxLexDiagnostics = 50;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

}  // namespace

const char* describe(TokenKind kind) {
  switch (kind) {
    case TokenKind::Word: return "a name";
    case TokenKind::Colon: return "':'";
    case TokenKind::Semicolon: return "';'";
    case TokenKind::LeftBrace: return "'{'";
    case TokenKind::RightBrace: return "'}'";
    case TokenKind::LeftParen: return "'('";
    case TokenKind::RightParen: return "')'";
    case TokenKind::Arrow: return "'==>'";
    case TokenKind::Dash: return "'-'";
    case TokenKind::Slash: return "'/'";
    case TokenKind::Star: return "'*'";
    case TokenKind::Pipe: return "'|'";
    case TokenKind::Dot: return "'.'";
    case TokenKind::End: return "end of file";
  }
  return "?";
}

LexResult lex(std::string_view text, const std::string& file_name) {
  LexResult result;
  std::size_t i = 0;
  int line = 1;
  std::size_t line_start = 0;
  bool in_bad_run = false;  // one diagnostic per run of unexpected characters
  // About one token per four bytes in a typical file (`pinstance a: b ==> c;`).
  result.tokens.reserve(text.size() / 4 + 1);

  auto location = [&](std::size_t at) {
    return SourceLocation{file_name, line, static_cast<int>(at - line_start) + 1};
  };
  auto push = [&](TokenKind kind, std::size_t begin, std::size_t end) {
    Token t;
    t.kind = kind;
    t.text = std::string(text.substr(begin, end - begin));
    t.where = location(begin);
    t.begin = begin;
    t.end = end;
    result.tokens.push_back(std::move(t));
  };

  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n') {
      ++i;
      ++line;
      line_start = i;
      in_bad_run = false;
      continue;
    }
    if (is_space(c)) {
      ++i;
      in_bad_run = false;
      continue;
    }
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    const std::size_t begin = i;
    TokenKind kind = TokenKind::End;
    switch (c) {
      case ':': kind = TokenKind::Colon; break;
      case ';': kind = TokenKind::Semicolon; break;
      case '{': kind = TokenKind::LeftBrace; break;
      case '}': kind = TokenKind::RightBrace; break;
      case '(': kind = TokenKind::LeftParen; break;
      case ')': kind = TokenKind::RightParen; break;
      case '-': kind = TokenKind::Dash; break;
      case '/': kind = TokenKind::Slash; break;
      case '*': kind = TokenKind::Star; break;
      case '|': kind = TokenKind::Pipe; break;
      case '.': kind = TokenKind::Dot; break;
      default: break;
    }
    if (kind != TokenKind::End) {
      push(kind, begin, begin + 1);
      ++i;
      in_bad_run = false;
      continue;
    }
    if (c == '=' && text.substr(i, 3) == "==>") {
      push(TokenKind::Arrow, begin, begin + 3);
      i += 3;
      in_bad_run = false;
      continue;
    }
    if (is_word_char(c)) {
      while (i < text.size() && is_word_char(text[i])) ++i;
      push(TokenKind::Word, begin, i);
      in_bad_run = false;
      continue;
    }
    if (c == '"') {
      // A quoted name ends on the same line (mcproxy allowed `"proxy-eth0"`).
      std::size_t j = i + 1;
      while (j < text.size() && text[j] != '"' && text[j] != '\n') ++j;
      if (j >= text.size() || text[j] != '"') {
        result.diagnostics.push_back({location(begin), "unterminated quoted name (missing '\"' before the end of the line)"});
        i = j;
        continue;
      }
      Token t;
      t.kind = TokenKind::Word;
      t.text = std::string(text.substr(i + 1, j - i - 1));
      t.quoted = true;
      t.where = location(begin);
      t.begin = begin;
      t.end = j + 1;
      if (t.text.empty()) {
        result.diagnostics.push_back({t.where, "empty quoted name"});
      } else {
        result.tokens.push_back(std::move(t));
      }
      i = j + 1;
      in_bad_run = false;
      continue;
    }
    if (!in_bad_run && result.diagnostics.size() < kMaxLexDiagnostics) {
      std::string shown;
      const auto byte = static_cast<unsigned char>(c);
      if (byte >= 0x20 && byte < 0x7f) {
        shown = std::string("'") + c + "'";
      } else {
        static const char kHex[] = "0123456789abcdef";
        shown = std::string("byte 0x") + kHex[byte >> 4] + kHex[byte & 0xf];
      }
      result.diagnostics.push_back({location(begin), "unexpected character " + shown});
      in_bad_run = true;
    }
    ++i;
  }
  Token end;
  end.kind = TokenKind::End;
  end.where = location(text.size());
  end.begin = end.end = text.size();
  result.tokens.push_back(std::move(end));
  return result;
}

}  // namespace mcproxy::config
