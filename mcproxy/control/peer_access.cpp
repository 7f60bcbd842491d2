// Peer credentials and the access policy of the control socket.
#include "mcproxy/control/peer_access.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace mcproxy::control {
namespace {

// Fallback for kernels without SO_PEERGROUPS (before 4.13): the groups the
// user database gives the peer's user.
std::vector<gid_t> groups_from_database(uid_t uid, gid_t gid) {
  std::vector<char> buffer(16 * 1024);
  passwd entry{};
  passwd* found = nullptr;
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) return {};
  int count = 64;
  std::vector<gid_t> groups(static_cast<std::size_t>(count));
  if (::getgrouplist(entry.pw_name, gid, groups.data(), &count) < 0) {
    groups.resize(static_cast<std::size_t>(count));
    if (::getgrouplist(entry.pw_name, gid, groups.data(), &count) < 0) return {};
  }
  groups.resize(static_cast<std::size_t>(count));
  return groups;
}

}  // namespace

std::expected<PeerCredentials, std::string> peer_credentials(int fd) {
  ucred cred{};
  socklen_t length = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0)
    return std::unexpected(std::string("getsockopt(SO_PEERCRED): ") + std::strerror(errno));
  PeerCredentials peer{cred.pid, cred.uid, cred.gid, {}};
#ifdef SO_PEERGROUPS
  std::vector<gid_t> groups(64);
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto bytes = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &bytes) == 0) {
      groups.resize(bytes / sizeof(gid_t));
      peer.groups = std::move(groups);
      return peer;
    }
    if (errno != ERANGE) break;
    groups.resize(bytes / sizeof(gid_t) + 1);
  }
#endif
  peer.groups = groups_from_database(cred.uid, cred.gid);
  return peer;
}

bool peer_allowed(const PeerCredentials& peer, const AccessPolicy& policy) {
  if (peer.uid == 0 || peer.uid == policy.daemon_uid) return true;
  if (!policy.group) return false;
  return peer.gid == *policy.group ||
         std::find(peer.groups.begin(), peer.groups.end(), *policy.group) != peer.groups.end();
}

std::expected<gid_t, std::string> resolve_group(const std::string& name_or_gid) {
  if (name_or_gid.empty()) return std::unexpected("empty group name");
  unsigned long number = 0;
  auto [end, ec] = std::from_chars(name_or_gid.data(), name_or_gid.data() + name_or_gid.size(), number);
  if (ec == std::errc{} && end == name_or_gid.data() + name_or_gid.size()) return static_cast<gid_t>(number);
  std::vector<char> buffer(16 * 1024);
  group entry{};
  group* found = nullptr;
  const int error = ::getgrnam_r(name_or_gid.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (error != 0) return std::unexpected("looking up group '" + name_or_gid + "': " + std::strerror(error));
  if (found == nullptr) return std::unexpected("no group named '" + name_or_gid + "'");
  return entry.gr_gid;
}

}  // namespace mcproxy::control
