// Helpers shared by the configuration tests: parse a text and get either the
// configuration or the diagnostics as "FILE:LINE:COL: message" strings.
#pragma once

#include "modules/config/load.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace mcproxy::config::test {

inline std::vector<std::string> errors_of(std::string_view text, const std::string& file = "t.conf") {
  auto result = parse_config(text, file);
  std::vector<std::string> out;
  if (!result) {
    for (const auto& d : result.error()) out.push_back(d.to_string());
  }
  return out;
}

inline std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

// Parses text that must be valid; fails the test with the diagnostics otherwise.
inline Configuration parsed(std::string_view text, const std::string& file = "t.conf") {
  auto result = parse_config(text, file);
  if (!result) {
    std::string all;
    for (const auto& d : result.error()) all += d.to_string() + "\n";
    ADD_FAILURE() << "unexpected errors:\n" << all;
    return Configuration{};
  }
  return *result;
}

inline Address addr(const char* text) { return boost::asio::ip::make_address(text); }

}  // namespace mcproxy::config::test
