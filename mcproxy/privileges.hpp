// Running without root: the check for the two capabilities multicast routing
// needs, and `mcproxy --user NAME`, which gives up root keeping only them.
#pragma once

#include <expected>
#include <optional>
#include <ostream>
#include <string>
#include <sys/types.h>

namespace mcproxy {

// CAP_NET_ADMIN (MRT_INIT, VIFs, MFC entries, ip mrule, SO_RCVBUFFORCE) and
// CAP_NET_RAW (raw IGMP/ICMPv6 sockets) in the calling thread's effective set.
bool has_network_capabilities();

// What a capability set holds, e.g. "cap_net_admin,cap_net_raw" (for logs).
std::string describe_capabilities();

// Switches the process from root to user `name` (its primary group and
// supplementary groups) keeping CAP_NET_ADMIN and CAP_NET_RAW, and nothing
// else: the bounding set is cut to those two, then PR_SET_KEEPCAPS carries
// the permitted set over setresuid(), then capset() makes them effective.
// Capabilities are per thread, so this must run before any thread starts;
// it runs before any socket is opened as well, so that the daemon started
// by hand works exactly as under systemd's User=/AmbientCapabilities=
// (the kernel checks capabilities again whenever an instance is added at
// runtime or a table is created on reload, so they cannot be dropped after
// start-up anyway). Errors: not root, unknown user, a failed system call.
struct UserIds {
  uid_t uid = 0;
  gid_t gid = 0;
};
std::expected<UserIds, std::string> lookup_user(const std::string& name);
std::expected<void, std::string> drop_to_user(const std::string& name);

// Before drop_to_user: creates the control socket's directory (mode 0755)
// for `ids` if it does not exist, so the user can create the socket there.
std::expected<void, std::string> prepare_socket_directory(const std::string& socket_path, const UserIds& ids);

// The daemon's start: with `user`, prepare_socket_directory and drop_to_user;
// then the capability check. An exit code (EX_NOPERM, EX_UNAVAILABLE) and a
// message on `err` if the daemon cannot run.
std::optional<int> settle_privileges(const std::optional<std::string>& user, const std::string& socket_path,
                                     std::ostream& err);

}  // namespace mcproxy
