// Formatting of router-side state transitions for the debug log
// (transition_log.hpp).
#include "instances/router/transition_log.hpp"

namespace mcproxy::instances {

std::string transition_line(std::string_view subject, std::string_view from, std::string_view to) {
  std::string line;
  line.reserve(subject.size() + from.size() + to.size() + 6);
  line.append(subject).append(": ").append(from).append(" -> ").append(to);
  return line;
}

}  // namespace mcproxy::instances
