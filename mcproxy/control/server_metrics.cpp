// The control server's counters as stats and Prometheus metrics.
#include "mcproxy/control/server_metrics.hpp"

namespace mcproxy::control {

nlohmann::json stats_scope(const ServerCounters& counters) {
  return {{"scope", "control"},
          {"counters",
           {{"connections", counters.connections},
            {"requests", counters.requests},
            {"refused_permission", counters.refused_permission},
            {"refused_too_many_clients", counters.refused_too_many},
            {"error_invalid_json", counters.errors.invalid_json},
            {"error_bad_request", counters.errors.bad_request},
            {"error_too_long", counters.errors.too_long},
            {"error_client_timeout", counters.errors.client_timeout},
            {"error_daemon_timeout", counters.errors.daemon_timeout},
            {"error_not_reading", counters.errors.not_reading}}}};
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
  writer.sample({{"reason", "invalid_json"}}, counters.errors.invalid_json);
  writer.sample({{"reason", "bad_request"}}, counters.errors.bad_request);
  writer.sample({{"reason", "too_long"}}, counters.errors.too_long);
  writer.sample({{"reason", "client_timeout"}}, counters.errors.client_timeout);
  writer.sample({{"reason", "daemon_timeout"}}, counters.errors.daemon_timeout);
  writer.sample({{"reason", "not_reading"}}, counters.errors.not_reading);
}

}  // namespace mcproxy::control
