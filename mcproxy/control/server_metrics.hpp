// The control server's own counters in the daemon's `stats` answer and in
// its `metrics` text, so every daemon reports them the same way.
#pragma once

#include "mcproxy/control/prometheus.hpp"
#include "mcproxy/control/server.hpp"

#include <nlohmann/json.hpp>

namespace mcproxy::control {

// {"scope":"control","counters":{"connections":..,"requests":..,...}}: one
// element of the "stats" list (doc/control-protocol.md).
nlohmann::json stats_scope(const ServerCounters& counters);

// mcproxy_control_connections_total, mcproxy_control_requests_total,
// mcproxy_control_refused_total{reason="permission"|"too_many_clients"}.
void write_metrics(PrometheusWriter& writer, const ServerCounters& counters);

}  // namespace mcproxy::control
