// Newline framing with a size limit.
#include "mcproxy/control/line_framer.hpp"

namespace mcproxy::control {

std::optional<std::string> LineFramer::next_line() {
  const auto newline = buffer_.find('\n');
  if (newline == std::string::npos || newline + 1 > max_line_) return std::nullopt;
  std::string line = buffer_.substr(0, newline);
  buffer_.erase(0, newline + 1);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

bool LineFramer::too_long() const {
  const auto newline = buffer_.find('\n');
  if (newline == std::string::npos) return buffer_.size() >= max_line_;
  return newline + 1 > max_line_;
}

std::string LineFramer::take_rest() {
  std::string rest = std::move(buffer_);
  buffer_.clear();
  if (!rest.empty() && rest.back() == '\r') rest.pop_back();
  return rest;
}

}  // namespace mcproxy::control
