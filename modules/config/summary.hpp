// A human-readable account of a checked configuration, printed by
// `mcproxy --check-config`: what each instance will do with which timers.
#pragma once

#include "modules/config/config.hpp"

#include <string>

namespace mcproxy::config {

// Protocol; each instance with its routing table, upstreams in priority
// order, downstreams, effective timers, quick leave, rule matching, filters,
// limits and static routes; the named tables with their rule counts.
std::string summarize(const Configuration& config);

}  // namespace mcproxy::config
