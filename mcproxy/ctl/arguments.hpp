// mcproxyctl's command words (after the options) turned into a checked
// control request, with a usage error naming what is wrong.
#pragma once

#include "mcproxy/control/requests.hpp"

#include <expected>
#include <string>
#include <vector>

namespace mcproxy::ctl {

// The command synopsis, for --help and usage errors.
extern const char* const kCommandSynopsis;

// `show mfc iptv` -> ShowRequest{Mfc, "iptv"}; errors are usage errors.
std::expected<control::Request, std::string> translate_arguments(const std::vector<std::string>& words);

}  // namespace mcproxy::ctl
