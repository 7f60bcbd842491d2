// The control server's counters in stats and metrics.
#include "mcproxy/control/server_metrics.hpp"

#include <gtest/gtest.h>

namespace mcproxy::control {
namespace {

TEST(ServerMetrics, StatsScope) {
  const ServerCounters counters{5, 1, 2, 9};
  EXPECT_EQ(stats_scope(counters), nlohmann::json::parse(R"({"scope":"control","counters":{"connections":5,
            "requests":9,"refused_permission":1,"refused_too_many_clients":2}})"));
}

TEST(ServerMetrics, PrometheusText) {
  PrometheusWriter writer;
  write_metrics(writer, ServerCounters{5, 1, 2, 9});
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
            "mcproxy_control_refused_total{reason=\"too_many_clients\"} 2\n");
}

}  // namespace
}  // namespace mcproxy::control
