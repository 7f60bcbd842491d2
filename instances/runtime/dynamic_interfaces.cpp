// Downstream name patterns of an instance (see dynamic_interfaces.hpp).
#include "instances/runtime/dynamic_interfaces.hpp"

#include "modules/common/mroute_types.hpp"

#include <algorithm>

namespace mcproxy::instances {

void DynamicInterfaces::set_config(const config::InstanceConfig& cfg) {
  configured_ = cfg;
  std::erase_if(taken_, [this](const std::string& name) { return pattern_for(name) == nullptr; });
}

const config::InterfaceConfig* DynamicInterfaces::pattern_for(const std::string& name) const {
  if (name.empty() || config::is_interface_pattern(name)) return nullptr;
  const config::InterfaceConfig* match = nullptr;
  for (const auto* list : {&configured_.upstreams, &configured_.downstreams}) {
    for (const auto& i : *list) {
      if (i.name == name) return nullptr;  // configured by itself
      if (match == nullptr && i.role == config::Role::Downstream && config::is_interface_pattern(i.name) &&
          config::interface_pattern_matches(i.name, name))
        match = &i;  // the first pattern in the file wins
    }
  }
  return match;
}

std::size_t DynamicInterfaces::capacity() const {
  std::size_t fixed = configured_.upstreams.size();
  for (const auto& d : configured_.downstreams)
    if (!config::is_interface_pattern(d.name)) ++fixed;
  return fixed >= static_cast<std::size_t>(kMaxVifs) ? 0 : static_cast<std::size_t>(kMaxVifs) - fixed;
}

DynamicInterfaces::Take DynamicInterfaces::take(const std::string& name) {
  if (taken_.contains(name)) return Take::Taken;
  if (pattern_for(name) == nullptr) return Take::NoMatch;
  if (taken_.size() >= capacity()) {
    if (!waiting_.contains(name)) {
      ++refused_;
      if (waiting_.size() < kMaxWaiting) waiting_.insert(name);
    }
    return Take::Full;
  }
  waiting_.erase(name);
  taken_.insert(name);
  return Take::Taken;
}

config::InstanceConfig DynamicInterfaces::effective() const {
  config::InstanceConfig out = configured_;
  std::erase_if(out.downstreams, [](const config::InterfaceConfig& d) { return config::is_interface_pattern(d.name); });
  for (const auto& name : taken_) {
    const config::InterfaceConfig* pattern = pattern_for(name);
    if (pattern == nullptr) continue;
    config::InterfaceConfig d = *pattern;
    d.name = name;
    out.downstreams.push_back(std::move(d));
  }
  return out;
}

}  // namespace mcproxy::instances
