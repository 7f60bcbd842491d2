// The control socket file: creation, stale-file handling, permissions.
#include "mcproxy/control/listening_socket.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace mcproxy::control {
namespace {

std::string errno_text(const std::string& call) { return call + ": " + std::strerror(errno); }

std::expected<sockaddr_un, std::string> unix_address(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty()) return std::unexpected("empty control socket path");
  if (path.size() >= sizeof address.sun_path)
    return std::unexpected("control socket path " + path + " is too long (limit " +
                           std::to_string(sizeof address.sun_path - 1) + " bytes)");
  std::memcpy(address.sun_path, path.data(), path.size());
  return address;
}

// mkdir -p with mode 0755 for what is missing.
std::expected<void, std::string> make_parent_directories(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return {};
  const std::string parent = path.substr(0, slash);
  for (std::size_t next = 1; next <= parent.size(); ++next) {
    if (next != parent.size() && parent[next] != '/') continue;
    const std::string prefix = parent.substr(0, next);
    if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST)
      return std::unexpected(errno_text("creating directory " + prefix));
  }
  struct stat info{};
  if (::stat(parent.c_str(), &info) != 0) return std::unexpected(errno_text("stat " + parent));
  if (!S_ISDIR(info.st_mode)) return std::unexpected(parent + " is not a directory");
  return {};
}

// A socket file already there: a live daemon is an error, a dead one's file is removed.
std::expected<void, std::string> clear_stale(const std::string& path) {
  struct stat info{};
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return {};
    return std::unexpected(errno_text("stat " + path));
  }
  if (!S_ISSOCK(info.st_mode)) return std::unexpected(path + " exists and is not a socket; not replacing it");
  auto probe = connect_unix(path);
  if (probe) return std::unexpected("another mcproxy is listening on " + path);
  if (probe.error() != ECONNREFUSED)
    return std::unexpected("cannot tell whether " + path + " is in use: connect: " + std::strerror(probe.error()));
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return std::unexpected(errno_text("removing stale " + path));
  return {};
}

}  // namespace

std::expected<ListeningSocket, std::string> ListeningSocket::open(const std::string& path, std::optional<gid_t> group) {
  auto address = unix_address(path);
  if (!address) return std::unexpected(address.error());
  if (auto made = make_parent_directories(path); !made) return std::unexpected(made.error());
  if (auto cleared = clear_stale(path); !cleared) return std::unexpected(cleared.error());

  ListeningSocket socket;
  socket.fd_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!socket.fd_) return std::unexpected(errno_text("socket(AF_UNIX)"));
  // Between bind() and chmod() the file has the umask's mode; a peer that
  // connects in that window is still checked by its credentials.
  if (::bind(socket.fd_.get(), reinterpret_cast<const sockaddr*>(&*address), sizeof *address) != 0)
    return std::unexpected(errno_text("bind " + path));
  socket.path_ = path;
  struct stat info{};
  if (::stat(path.c_str(), &info) == 0) {
    socket.device_ = info.st_dev;
    socket.inode_ = info.st_ino;
  }
  if (group && ::chown(path.c_str(), static_cast<uid_t>(-1), *group) != 0)
    return std::unexpected(errno_text("chown " + path + " to group " + std::to_string(*group)));
  if (::chmod(path.c_str(), group ? 0660 : 0600) != 0) return std::unexpected(errno_text("chmod " + path));
  if (::listen(socket.fd_.get(), SOMAXCONN) != 0) return std::unexpected(errno_text("listen " + path));
  return socket;
}

ListeningSocket::~ListeningSocket() {
  if (!fd_ || path_.empty()) return;
  struct stat info{};
  // A successor may already have replaced the file: leave its socket alone.
  if (::lstat(path_.c_str(), &info) == 0 && info.st_dev == device_ && info.st_ino == inode_) ::unlink(path_.c_str());
}

std::expected<UniqueFd, int> connect_unix(const std::string& path) {
  auto address = unix_address(path);
  if (!address) return std::unexpected(ENAMETOOLONG);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return std::unexpected(errno);
  int result = 0;
  do {
    result = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&*address), sizeof *address);
  } while (result != 0 && errno == EINTR);
  if (result != 0) return std::unexpected(errno);
  return fd;
}

}  // namespace mcproxy::control
