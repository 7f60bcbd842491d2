// `mcproxy -r` (the original mcproxy's flag): turns IPv4 reverse path filtering
// off on the configured interfaces while the daemon runs, and restores it.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace mcproxy {

// Sets net.ipv4.conf.IF.rp_filter to 0 for each named interface, and for
// "all" (the kernel uses the larger of the two, so "all" must be 0 too), and
// writes the old values back on destruction. Works on `root`
// (/proc/sys/net/ipv4/conf in the daemon; a directory tree in the tests).
// Interfaces that do not exist (yet) are reported, not fatal.
class ReversePathFilterReset {
 public:
  explicit ReversePathFilterReset(std::string root = "/proc/sys/net/ipv4/conf");
  ~ReversePathFilterReset();
  ReversePathFilterReset(const ReversePathFilterReset&) = delete;
  ReversePathFilterReset& operator=(const ReversePathFilterReset&) = delete;

  // Returns one message per interface that could not be changed.
  std::vector<std::string> reset(const std::vector<std::string>& interfaces);
  // The interfaces changed, with the value each had before.
  const std::map<std::string, std::string>& changed() const { return changed_; }
  void restore();

 private:
  std::string root_;
  std::map<std::string, std::string> changed_;
};

}  // namespace mcproxy
