// What mcproxyctl does once its command line is parsed: translate, ask the
// daemon, print. Returns the exit status (sysexits(3)); separate from main()
// so tests can run it against a server.
#pragma once

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

namespace mcproxy::ctl {

struct CtlOptions {
  std::string socket;
  bool json = false;
  std::chrono::milliseconds timeout{10'000};
  std::vector<std::string> words;  // the command
};

// 0 success; 1 the daemon answered with an error; EX_USAGE bad command;
// EX_UNAVAILABLE nothing listens on the socket; EX_NOPERM the socket's
// permissions refuse us; EX_TEMPFAIL no answer in time; EX_IOERR other
// connection failures or malformed answers. Errors go to `err` as
// "mcproxyctl: <message>".
int run_ctl(const CtlOptions& options, std::ostream& out, std::ostream& err);

}  // namespace mcproxy::ctl
