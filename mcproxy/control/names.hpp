// What the control protocol accepts as interface and instance names; the
// checks run before a request reaches the daemon (and in mcproxyctl).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mcproxy::control {

// Longest instance name accepted.
inline constexpr std::size_t kMaxInstanceNameLength = 64;

// A Linux interface name: 1..IFNAMSIZ-1 bytes, not "." or "..", no '/', ':' or
// whitespace (the kernel's dev_valid_name), and none of the characters that
// the configuration language uses as punctuation ( ( ) | ; { } # , " ' ), so a
// name can always be written back into a configuration line.
// Returns why `name` is not valid, or nothing.
std::optional<std::string> check_interface_name(std::string_view name);

// An instance name: 1..64 characters from [A-Za-z0-9_.-], starting with a
// letter, a digit or '_' (it names a logger and a Prometheus label too).
std::optional<std::string> check_instance_name(std::string_view name);

}  // namespace mcproxy::control
