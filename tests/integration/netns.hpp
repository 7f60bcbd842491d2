// Throw-away network namespaces for root-only integration tests: a unique name
// per test (mcpx-kern-PID-N), entered with setns on the test thread, left and
// deleted on scope exit even when an assertion fails.
#pragma once

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace mcproxy::test {

// Runs a shell command with a time bound; returns its exit status and output.
struct CommandResult {
  int status = -1;
  std::string output;
};

inline CommandResult run(const std::string& command) {
  CommandResult r;
  // `timeout` bounds every external command; the namespace is inherited by the
  // child because it is the calling thread's.
  FILE* p = ::popen(("timeout 10 " + command + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  r.status = ::pclose(p);
  return r;
}

class Netns {
 public:
  explicit Netns(const std::string& tag) {
    static int counter = 0;
    name_ = "mcpx-kern-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + tag;
    if (run("ip netns add " + name_).status != 0) throw std::runtime_error("ip netns add " + name_ + " failed");
    fd_ = ::open(("/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      run("ip netns del " + name_);
      throw std::runtime_error("cannot open /run/netns/" + name_);
    }
  }
  ~Netns() {
    if (fd_ >= 0) ::close(fd_);
    run("ip netns del " + name_);
  }
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;

  const std::string& name() const { return name_; }
  int fd() const { return fd_; }

 private:
  std::string name_;
  int fd_ = -1;
};

// Enters a namespace for the current scope, returns to the previous one after.
class InNetns {
 public:
  explicit InNetns(const Netns& ns) : previous_(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) {
    if (previous_ < 0 || ::setns(ns.fd(), CLONE_NEWNET) != 0) throw std::runtime_error("setns into " + ns.name());
  }
  ~InNetns() {
    if (previous_ >= 0) {
      if (::setns(previous_, CLONE_NEWNET) != 0) std::abort();  // cannot continue in the wrong namespace
      ::close(previous_);
    }
  }
  InNetns(const InNetns&) = delete;
  InNetns& operator=(const InNetns&) = delete;

 private:
  int previous_;
};

}  // namespace mcproxy::test
