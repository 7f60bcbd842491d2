// The control server's counters as stats and Prometheus metrics.
#include "mcproxy/control/server_metrics.hpp"

#include <string>

namespace mcproxy::control {

nlohmann::json stats_scope(const ServerCounters& counters) {
  nlohmann::json c{{"connections", counters.connections},
                   {"requests", counters.requests},
                   {"refused_permission", counters.refused_permission},
                   {"refused_too_many_clients", counters.refused_too_many}};
  for (const auto& [reason, field] : SessionErrors::kReasons) c["error_" + std::string(reason)] = counters.errors.*field;
  return {{"scope", "control"}, {"counters", c}};
}

void write_metrics(PrometheusWriter& writer, const ServerCounters& counters) {
  using Type = PrometheusWriter::Type;
  writer.family("mcproxy_control_connections_total", Type::Counter, "Control socket connections accepted.");
  writer.sample({}, counters.connections);
  writer.family("mcproxy_control_requests_total", Type::Counter, "Valid control requests handed to the daemon.");
  writer.sample({}, counters.requests);
  writer.family("mcproxy_control_refused_total", Type::Counter, "Control socket connections refused, by reason.");
  writer.sample({{"reason", "permission"}}, counters.refused_permission);
  writer.sample({{"reason", "too_many_clients"}}, counters.refused_too_many);
  writer.family("mcproxy_control_errors_total", Type::Counter,
                "Control requests the server answered with an error itself, by reason.");
  for (const auto& [reason, field] : SessionErrors::kReasons)
    writer.sample({{"reason", std::string(reason)}}, counters.errors.*field);
}

}  // namespace mcproxy::control
