// Creating the control socket file safely: parent directory, stale socket of
// a dead predecessor replaced, a live one refused, owner-only permissions
// (or owner and control group), and removing it again on stop.
#pragma once

#include "mcproxy/control/unique_fd.hpp"

#include <sys/types.h>

#include <expected>
#include <optional>
#include <string>

namespace mcproxy::control {

class ListeningSocket {
 public:
  // Binds and listens on `path` (non-blocking, close-on-exec). Without a
  // group the file is 0600; with one it is 0660 and belongs to that group.
  // The parent directory is created 0755 when missing.
  static std::expected<ListeningSocket, std::string> open(const std::string& path, std::optional<gid_t> group);

  ListeningSocket(ListeningSocket&&) = default;
  ListeningSocket& operator=(ListeningSocket&&) = default;
  // Removes the socket file if it is still the one this object created.
  ~ListeningSocket();

  int fd() const { return fd_.get(); }
  const std::string& path() const { return path_; }

 private:
  ListeningSocket() = default;
  UniqueFd fd_;
  std::string path_;
  dev_t device_ = 0;
  ino_t inode_ = 0;
};

// Connects to a Unix stream socket (blocking, close-on-exec); errno-style
// failure: the error code of connect() or socket().
std::expected<UniqueFd, int> connect_unix(const std::string& path);

}  // namespace mcproxy::control
