// See reload_plan.hpp.
#include "mcproxy/reload_plan.hpp"

#include <algorithm>

namespace mcproxy {

std::vector<std::pair<std::string, config::InstanceConfig>> release_round(const config::Configuration& running,
                                                                          const config::Configuration& candidate,
                                                                          const std::vector<std::string>& staying) {
  auto taken_by_another = [&](const std::string& owner, const std::string& ifname) {
    return std::any_of(staying.begin(), staying.end(), [&](const std::string& other) {
      const auto* next = candidate.find_instance(other);
      return other != owner && next != nullptr && next->find_interface(ifname) != nullptr;
    });
  };
  std::vector<std::pair<std::string, config::InstanceConfig>> out;
  for (const auto& name : staying) {
    const auto* before = running.find_instance(name);
    const auto* after = candidate.find_instance(name);
    if (before == nullptr || after == nullptr) continue;
    auto gives_away = [&](const std::vector<config::InterfaceConfig>& list) {
      return std::any_of(list.begin(), list.end(), [&](const auto& i) {
        return after->find_interface(i.name) == nullptr && taken_by_another(name, i.name);
      });
    };
    if (!gives_away(before->upstreams) && !gives_away(before->downstreams)) continue;
    config::InstanceConfig released = *after;
    auto gained = [&](const config::InterfaceConfig& i) { return before->find_interface(i.name) == nullptr; };
    std::erase_if(released.upstreams, gained);
    std::erase_if(released.downstreams, gained);
    out.emplace_back(name, std::move(released));
  }
  return out;
}

}  // namespace mcproxy
