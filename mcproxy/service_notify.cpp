// Telling systemd about the daemon (see service_notify.hpp).
#include "mcproxy/service_notify.hpp"

#include <cstdint>
#include <cstdlib>

#ifdef MCPROXY_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace mcproxy::service {

bool notify_enabled() {
#ifdef MCPROXY_HAVE_SYSTEMD
  const char* socket = std::getenv("NOTIFY_SOCKET");
  return socket != nullptr && *socket != '\0';
#else
  return false;
#endif
}

std::optional<std::chrono::milliseconds> watchdog_period() {
#ifdef MCPROXY_HAVE_SYSTEMD
  std::uint64_t usec = 0;
  // sd_watchdog_enabled(3): > 0 when WATCHDOG_USEC is set (and WATCHDOG_PID, if set, is us).
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    // Three pings per period: one late round of probes does not trip systemd.
    auto period = std::chrono::milliseconds(usec / 3000);
    return period.count() > 0 ? period : std::chrono::milliseconds(1);
  }
#endif
  return std::nullopt;
}

void notify(const std::string& state) {
#ifdef MCPROXY_HAVE_SYSTEMD
  if (notify_enabled()) sd_notify(0, state.c_str());
#else
  (void)state;
#endif
}

std::string status_line(std::size_t instances, std::size_t interfaces, std::size_t groups) {
  auto plural = [](std::size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
  };
  return plural(instances, "instance") + ", " + plural(interfaces, "interface") + ", " + plural(groups, "group");
}

}  // namespace mcproxy::service
