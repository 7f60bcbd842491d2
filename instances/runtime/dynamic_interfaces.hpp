// Downstream name patterns (`ppp*`): the interfaces that match are taken as
// downstreams as they appear and released as they go. Pure, no I/O.
#pragma once

#include "modules/config/config.hpp"

#include <cstdint>
#include <set>
#include <string>

namespace mcproxy::instances {

class DynamicInterfaces {
 public:
  enum class Take { Taken, NoMatch, Full };

  // The instance's configuration as written (patterns included). Names taken
  // earlier stay taken while a pattern still matches them.
  void set_config(const config::InstanceConfig& cfg);
  const config::InstanceConfig& configured() const { return configured_; }

  // The pattern `name` matches, or nullptr (also for a name configured by itself).
  const config::InterfaceConfig* pattern_for(const std::string& name) const;
  // Takes `name` as a downstream with its pattern's options. Full: the table
  // has no VIF left for it (kMaxVifs, less the configured interfaces);
  // counted once per interface name.
  Take take(const std::string& name);
  void release(const std::string& name) { taken_.erase(name); }
  bool is_taken(const std::string& name) const { return taken_.contains(name); }
  const std::set<std::string>& taken() const { return taken_; }
  std::uint64_t refused() const { return refused_; }
  // Names refused and not taken since (a VIF that frees up can take them).
  bool has_waiting() const { return !waiting_.empty(); }

  // The configuration the core runs: patterns replaced by the names taken.
  config::InstanceConfig effective() const;

 private:
  std::size_t capacity() const;

  config::InstanceConfig configured_;
  std::set<std::string> taken_;
  std::set<std::string> waiting_;  // refused names, bounded by kMaxWaiting
  std::uint64_t refused_ = 0;
  static constexpr std::size_t kMaxWaiting = 4096;
};

}  // namespace mcproxy::instances
