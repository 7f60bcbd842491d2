// Splits a byte stream into newline-terminated lines with a size limit, so a
// client cannot make the server buffer without bound.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mcproxy::control {

class LineFramer {
 public:
  // max_line counts the line's bytes including its '\n'.
  explicit LineFramer(std::size_t max_line) : max_line_(max_line) {}

  void append(std::string_view bytes) { buffer_.append(bytes); }

  // The next complete line without its "\n" (or "\r\n"), if there is one.
  std::optional<std::string> next_line();

  // Whether the next line is known to exceed the limit (complete or not).
  bool too_long() const;

  // Bytes of an incomplete line are buffered.
  bool has_partial() const { return !buffer_.empty(); }

  // Takes the buffered incomplete line (at end of stream).
  std::string take_rest();

 private:
  std::size_t max_line_;
  std::string buffer_;
};

}  // namespace mcproxy::control
