// Running without root (see privileges.hpp): capability checks and the
// switch to an unprivileged user keeping CAP_NET_ADMIN and CAP_NET_RAW.
#include "mcproxy/privileges.hpp"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <sysexits.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace mcproxy {
namespace {

constexpr std::uint32_t kKeptCapabilities = (1u << CAP_NET_ADMIN) | (1u << CAP_NET_RAW);

std::string errno_text(const char* call) { return std::string(call) + ": " + std::strerror(errno); }

// capget/capset without libcap: version 3 uses two 32-bit words; the two
// capabilities we keep are in the first.
bool get_capabilities(__user_cap_data_struct (&data)[2]) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  return ::syscall(SYS_capget, &header, data) == 0;
}

bool set_capabilities(std::uint32_t effective, std::uint32_t permitted) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {{effective, permitted, 0}, {0, 0, 0}};
  return ::syscall(SYS_capset, &header, data) == 0;
}

}  // namespace

bool has_network_capabilities() {
  __user_cap_data_struct data[2]{};
  if (!get_capabilities(data)) return false;
  return (data[0].effective & kKeptCapabilities) == kKeptCapabilities;
}

std::string describe_capabilities() {
  __user_cap_data_struct data[2]{};
  if (!get_capabilities(data)) return "unknown";
  std::string out;
  auto add = [&](const char* name) { out += out.empty() ? name : std::string(",") + name; };
  if ((data[0].effective & (1u << CAP_NET_ADMIN)) != 0) add("cap_net_admin");
  if ((data[0].effective & (1u << CAP_NET_RAW)) != 0) add("cap_net_raw");
  const std::uint32_t others = (data[0].effective & ~kKeptCapabilities) | data[1].effective;
  if (others != 0) add("and others");
  return out.empty() ? "none" : out;
}

std::expected<UserIds, std::string> lookup_user(const std::string& name) {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  const int error = ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (error != 0) return std::unexpected("cannot look up user '" + name + "': " + std::strerror(error));
  if (found == nullptr) return std::unexpected("no such user '" + name + "'");
  return UserIds{found->pw_uid, found->pw_gid};
}

std::expected<void, std::string> prepare_socket_directory(const std::string& socket_path, const UserIds& ids) {
  const auto slash = socket_path.rfind('/');
  if (slash == std::string::npos || slash == 0) return {};
  const std::string dir = socket_path.substr(0, slash);
  struct stat st{};
  if (::stat(dir.c_str(), &st) == 0) return {};
  if (::mkdir(dir.c_str(), 0755) != 0) return std::unexpected(errno_text(("mkdir " + dir).c_str()));
  if (::chown(dir.c_str(), ids.uid, ids.gid) != 0) return std::unexpected(errno_text(("chown " + dir).c_str()));
  return {};
}

std::expected<void, std::string> drop_to_user(const std::string& name) {
  if (::geteuid() != 0) return std::unexpected("--user needs mcproxy to be started as root");
  auto ids = lookup_user(name);
  if (!ids) return std::unexpected(ids.error());
  if (ids->uid == 0) return std::unexpected("--user " + name + " is root: nothing to drop");
  // 1. While root: no capability beyond the two can ever come back, not even
  //    through a setuid-root program (capabilities(7), "Capability bounding set").
  for (int cap = 0; cap <= CAP_LAST_CAP; ++cap) {
    if (cap == CAP_NET_ADMIN || cap == CAP_NET_RAW) continue;
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) return std::unexpected(errno_text("PR_CAPBSET_DROP"));
  }
  // 2. The user's groups, then its gid and uid (real, effective and saved:
  //    no way back to root). PR_SET_KEEPCAPS keeps the permitted set across
  //    the uid change; the effective set is cleared by it.
  if (::initgroups(name.c_str(), ids->gid) != 0) return std::unexpected(errno_text("initgroups"));
  if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) return std::unexpected(errno_text("PR_SET_KEEPCAPS"));
  if (::setresgid(ids->gid, ids->gid, ids->gid) != 0) return std::unexpected(errno_text("setresgid"));
  if (::setresuid(ids->uid, ids->uid, ids->uid) != 0) return std::unexpected(errno_text("setresuid"));
  if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) return std::unexpected(errno_text("PR_SET_KEEPCAPS"));
  // 3. Exactly the two, effective and permitted; nothing inheritable.
  if (!set_capabilities(kKeptCapabilities, kKeptCapabilities)) return std::unexpected(errno_text("capset"));
  if (::setuid(0) == 0) return std::unexpected("could regain root after dropping it");
  if (!has_network_capabilities()) return std::unexpected("CAP_NET_ADMIN and CAP_NET_RAW were lost");
  return {};
}

}  // namespace mcproxy

namespace mcproxy {

std::optional<int> settle_privileges(const std::optional<std::string>& user, const std::string& socket_path,
                                     std::ostream& err) {
  if (user) {
    auto ids = lookup_user(*user);
    if (!ids) {
      err << "mcproxy: --user: " << ids.error() << "\n";
      return EX_NOPERM;
    }
    if (::geteuid() == 0) {
      if (auto made = prepare_socket_directory(socket_path, *ids); !made) {
        err << "mcproxy: control socket directory: " << made.error() << "\n";
        return EX_UNAVAILABLE;
      }
    }
    if (auto dropped = drop_to_user(*user); !dropped) {
      err << "mcproxy: --user: " << dropped.error() << "\n";
      return EX_NOPERM;
    }
  }
  if (!has_network_capabilities()) {
    err << "mcproxy: multicast routing needs root, or CAP_NET_ADMIN and CAP_NET_RAW (have: " << describe_capabilities()
        << ")\n";
    return EX_NOPERM;
  }
  return std::nullopt;
}

}  // namespace mcproxy
