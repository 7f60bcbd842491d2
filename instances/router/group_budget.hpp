// The instance-wide limit on group memberships (`pinstance NAME max-groups`):
// one counter shared by the downstream routers of an instance.
#pragma once

#include <cstddef>
#include <optional>

namespace mcproxy::instances {

// Owned by the ProxyCore (shared_ptr), used only on the instance thread. Each
// router adds the groups it holds with interest and gives them back when they
// lose it, when the router is destroyed or moves to another instance.
struct GroupBudget {
  std::optional<std::size_t> limit;  // unset: unlimited
  std::size_t used = 0;

  bool exhausted() const { return limit && used >= *limit; }
};

}  // namespace mcproxy::instances
