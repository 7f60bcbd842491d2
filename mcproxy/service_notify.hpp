// Telling systemd about the daemon (sd_notify(3)): readiness, reloads, stop,
// a status line and the watchdog. Without libsystemd or outside systemd, no-ops.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace mcproxy::service {

// True when built with libsystemd and started by systemd with NOTIFY_SOCKET.
bool notify_enabled();
// A third of WatchdogSec= (sd_watchdog_enabled), or nothing without a watchdog.
std::optional<std::chrono::milliseconds> watchdog_period();
// Sends `state` ("READY=1", "RELOADING=1\nMONOTONIC_USEC=...", ...); ignored when disabled.
void notify(const std::string& state);

// The one-line STATUS= text, e.g. "2 instances, 5 interfaces, 12 groups".
std::string status_line(std::size_t instances, std::size_t interfaces, std::size_t groups);

}  // namespace mcproxy::service
