// Whole-configuration checks: what can only be judged with everything applied
// (interfaces across instances, address families under the protocol, timer
// ranges and their relations, static routes). Needs neither root nor the
// named interfaces.
#pragma once

#include "modules/config/diagnostic.hpp"

#include <string>
#include <vector>

namespace mcproxy::config {

// The kernel's limit of virtual interfaces per multicast routing table
// (MAXVIFS in linux/mroute.h and linux/mroute6.h).
inline constexpr std::size_t kMaxVifs = 32;

// Every problem found, sorted by position. Empty: the configuration may run.
std::vector<Diagnostic> check(const Configuration& config);

// A duration as the language writes it: 125s, 500ms, 3174.4s.
std::string format_duration(Duration d);

}  // namespace mcproxy::config
