// Interface and instance name checks of the control protocol.
#include "mcproxy/control/names.hpp"

#include <net/if.h>

#include <cctype>
#include <string_view>

namespace mcproxy::control {
namespace {

constexpr std::string_view kConfigPunctuation = "()|;{}#,\"'";

// Error messages quote the offending name, cut short: it may be long garbage.
std::string quoted(std::string_view s) {
  constexpr std::size_t kShown = 32;
  if (s.size() <= kShown) return "'" + std::string(s) + "'";
  return "'" + std::string(s.substr(0, kShown)) + "...'";
}

}  // namespace

std::optional<std::string> check_interface_name(std::string_view name) {
  if (name.empty()) return "empty interface name";
  if (name.size() >= IFNAMSIZ)
    return "interface name " + quoted(name) + " is longer than " + std::to_string(IFNAMSIZ - 1) + " characters";
  if (name == "." || name == "..") return "bad interface name " + quoted(name);
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u == 0x7f || c == '/' || c == ':' || kConfigPunctuation.find(c) != std::string_view::npos)
      return "bad interface name " + quoted(name) + ": character not allowed";
  }
  return std::nullopt;
}

std::optional<std::string> check_instance_name(std::string_view name) {
  if (name.empty()) return "empty instance name";
  if (name.size() > kMaxInstanceNameLength)
    return "instance name " + quoted(name) + " is longer than " +
           std::to_string(kMaxInstanceNameLength) + " characters";
  const auto first = static_cast<unsigned char>(name.front());
  if (!(std::isalnum(first) || name.front() == '_'))
    return "bad instance name " + quoted(name) + ": must start with a letter, a digit or '_'";
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || !(std::isalnum(u) || c == '_' || c == '.' || c == '-'))
      return "bad instance name " + quoted(name) + ": only letters, digits, '_', '.' and '-' are allowed";
  }
  return std::nullopt;
}

}  // namespace mcproxy::control
