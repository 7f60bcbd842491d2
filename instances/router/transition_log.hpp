// State transitions of the router side, named as the RFCs name the states
// (RFC 3376 §6.2.1 filter mode, §6.6.2 querier election, §7.3.2 compatibility mode).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcproxy::instances {

// "SUBJECT: FROM -> TO", e.g. "group 239.1.1.1 router filter mode: INCLUDE -> EXCLUDE".
std::string transition_line(std::string_view subject, std::string_view from, std::string_view to);

// Where the one setter of a state machine reports a transition. The lines end
// up in Effects::transitions, prefixed with the interface; the running
// instance logs them at debug level. A default TransitionLog drops them.
struct TransitionLog {
  std::vector<std::string>* lines = nullptr;
  const std::string* interface = nullptr;

  void record(std::string_view subject, std::string_view from, std::string_view to) const {
    if (lines == nullptr) return;
    std::string line = interface != nullptr ? *interface + ": " : std::string{};
    line += transition_line(subject, from, to);
    lines->push_back(std::move(line));
  }
};

}  // namespace mcproxy::instances
