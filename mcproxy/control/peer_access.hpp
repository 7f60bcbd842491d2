// Who may use the control socket: the peer's credentials from the kernel
// (SO_PEERCRED, SO_PEERGROUPS) against the daemon's policy.
#pragma once

#include <sys/types.h>

#include <expected>
#include <optional>
#include <string>
#include <vector>

namespace mcproxy::control {

struct PeerCredentials {
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups
};

struct AccessPolicy {
  uid_t daemon_uid = 0;
  std::optional<gid_t> group;  // the control group, if configured
};

// Reads the credentials of the process at the other end of a connected Unix socket.
std::expected<PeerCredentials, std::string> peer_credentials(int fd);

// Root, the daemon's own user and members of the control group (primary or
// supplementary) may connect; nobody else.
bool peer_allowed(const PeerCredentials& peer, const AccessPolicy& policy);

// A group given by name or number ("mcproxy", "1001").
std::expected<gid_t, std::string> resolve_group(const std::string& name_or_gid);

}  // namespace mcproxy::control
