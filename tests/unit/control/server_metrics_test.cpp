// The control server's counters in stats and metrics.
#include "mcproxy/control/server_metrics.hpp"

#include <gtest/gtest.h>

namespace mcproxy::control {
namespace {

ServerCounters sample() {
  ServerCounters c{5, 1, 2, 9, {}};
  c.errors = SessionErrors{3, 4, 1, 2, 0, 1};
  return c;
}

TEST(ServerMetrics, StatsScope) {
  EXPECT_EQ(stats_scope(sample()), nlohmann::json::parse(R"({"scope":"control","counters":{"connections":5,
            "requests":9,"refused_permission":1,"refused_too_many_clients":2,
            "error_invalid_json":3,"error_bad_request":4,"error_too_long":1,"error_client_timeout":2,
            "error_daemon_timeout":0,"error_not_reading":1}})"));
}

TEST(ServerMetrics, PrometheusText) {
  PrometheusWriter writer;
  write_metrics(writer, sample());
  EXPECT_EQ(writer.text(),
            "# HELP mcproxy_control_connections_total Control socket connections accepted.\n"
            "# TYPE mcproxy_control_connections_total counter\n"
            "mcproxy_control_connections_total 5\n"
            "# HELP mcproxy_control_requests_total Valid control requests handed to the daemon.\n"
            "# TYPE mcproxy_control_requests_total counter\n"
            "mcproxy_control_requests_total 9\n"
            "# HELP mcproxy_control_refused_total Control socket connections refused, by reason.\n"
            "# TYPE mcproxy_control_refused_total counter\n"
            "mcproxy_control_refused_total{reason=\"permission\"} 1\n"
            "mcproxy_control_refused_total{reason=\"too_many_clients\"} 2\n"
            "# HELP mcproxy_control_errors_total Control requests the server answered with an error itself, by reason.\n"
            "# TYPE mcproxy_control_errors_total counter\n"
            "mcproxy_control_errors_total{reason=\"invalid_json\"} 3\n"
            "mcproxy_control_errors_total{reason=\"bad_request\"} 4\n"
            "mcproxy_control_errors_total{reason=\"too_long\"} 1\n"
            "mcproxy_control_errors_total{reason=\"client_timeout\"} 2\n"
            "mcproxy_control_errors_total{reason=\"daemon_timeout\"} 0\n"
            "mcproxy_control_errors_total{reason=\"not_reading\"} 1\n");
}

}  // namespace
}  // namespace mcproxy::control
