// ProxyCore's per-interface records and small helpers, shared by the files
// that implement ProxyCore (proxy_core.cpp and the concern files beside it).
#pragma once

#include "instances/proxy/proxy_core.hpp"

#include <memory>
#include <optional>

namespace mcproxy::instances {

struct ProxyCore::Downstream {
  config::InterfaceConfig cfg;
  std::unique_ptr<DownstreamRouter> router;
  bool up = false;
  bool started = false;
  bool adopted = false;  // attached by adopt_downstream, not by the configuration
};

struct ProxyCore::Upstream {
  config::InterfaceConfig cfg;
  std::unique_ptr<UpstreamHost> host;
  bool up = false;
};

namespace core_detail {

inline const config::FilterBinding* binding(const std::optional<config::FilterBinding>& f) {
  return f ? &*f : nullptr;
}

inline bool same_family(const Address& a, config::Protocol p) { return family_of(a) == config::family_of(p); }

}  // namespace core_detail

}  // namespace mcproxy::instances
