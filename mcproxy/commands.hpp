// What the mcproxy executable can do, one function per mode; main.cpp only
// parses the command line. Each returns a sysexits(3) exit code.
#pragma once

#include "mcproxy/control/defaults.hpp"

#include <optional>
#include <ostream>
#include <string>

namespace mcproxy {

// --check-config: reads and checks FILE; prints a summary to `out`, or every
// error as FILE:LINE:COL: message to `err`. EX_OK, EX_CONFIG or EX_NOINPUT.
int check_config(const std::string& file, std::ostream& out, std::ostream& err);

// --check-kernel: prints which multicast routing features the kernel has.
// EX_OK if IPv4 or IPv6 multicast routing is usable, EX_UNAVAILABLE if neither.
int check_kernel(std::ostream& out);

// --from-igmpproxy: prints the mcproxy configuration equivalent to an
// igmpproxy file on `out`, remarks as FILE:LINE: KIND: message on `err`.
// EX_OK: everything translated; kImportIncomplete: printed, but some settings
// have no equivalent (listed on `err`); EX_DATAERR: igmpproxy itself would
// refuse the file, nothing printed; EX_NOINPUT: unreadable.
inline constexpr int kImportIncomplete = 1;
int import_igmpproxy(const std::string& file, std::ostream& out, std::ostream& err);

struct DaemonOptions {
  std::string config_file;
  std::string control_socket;
  // Members of this group (name or number) may use the control socket too.
  std::optional<std::string> control_group;
  // -s: print the interfaces and groups tables on stdout every kStatusPeriod.
  bool print_status = false;
  // -r: reverse path filtering off on the configured IPv4 interfaces while running.
  bool reset_rp_filter = false;
  // Started as root: continue as this user with CAP_NET_ADMIN and CAP_NET_RAW only.
  std::optional<std::string> user{};
};
// Runs the proxy in the foreground until SIGINT/SIGTERM.
int run_daemon(const DaemonOptions& options);

}  // namespace mcproxy
