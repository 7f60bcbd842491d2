// Names the calling thread, so that `top -H`, `ps -L`, /proc/PID/task/*/comm
// and debuggers tell the daemon's threads apart (doc/operations.md).
#pragma once

#include <pthread.h>

#include <string>
#include <string_view>

namespace mcproxy {

// Linux keeps 15 bytes of a thread's name; longer names are cut (an
// instance's thread is "mcpx:" and the start of the instance's name).
inline void name_this_thread(std::string_view name) {
  std::string cut(name.substr(0, 15));
  // Fails only for names too long, which the cut rules out; the name is cosmetic.
  (void)::pthread_setname_np(::pthread_self(), cut.c_str());
}

}  // namespace mcproxy
