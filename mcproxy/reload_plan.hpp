// The order of a reload's changes to the running instances (pure: no threads,
// no kernel). doc/operations.md, "Reload".
#pragma once

#include "modules/config/config.hpp"

#include <string>
#include <utility>
#include <vector>

namespace mcproxy {

// The first round of a reload: the instances in `staying` (running before and
// after it) that give an interface to another instance in `staying`, each
// with the configuration to apply first: its new one without the interfaces
// it gains. An interface that moves is so released before the instance
// receiving it takes it, whatever order the instances' threads run in; then
// every instance takes its full new configuration (the second round). Empty
// when no interface moves between running instances: one round is enough.
std::vector<std::pair<std::string, config::InstanceConfig>> release_round(const config::Configuration& running,
                                                                          const config::Configuration& candidate,
                                                                          const std::vector<std::string>& staying);

}  // namespace mcproxy
