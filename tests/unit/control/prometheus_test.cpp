// The Prometheus text format writer: HELP/TYPE lines, grouping, escaping.
#include "mcproxy/control/prometheus.hpp"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace mcproxy::control {
namespace {

TEST(Prometheus, FamiliesWithHelpTypeAndSamples) {
  PrometheusWriter writer;
  writer.family("mcproxy_rx_packets_total", PrometheusWriter::Type::Counter, "Packets received.");
  writer.sample({{"instance", "iptv"}, {"interface", "eth1"}}, std::uint64_t{12});
  writer.family("mcproxy_groups", PrometheusWriter::Type::Gauge, "Groups joined.");
  writer.sample({}, std::int64_t{3});
  writer.family("mcproxy_rx_packets_total", PrometheusWriter::Type::Counter, "ignored");
  writer.sample({{"instance", "radio"}, {"interface", "eth2"}}, std::uint64_t{5});
  EXPECT_EQ(writer.text(),
            "# HELP mcproxy_rx_packets_total Packets received.\n"
            "# TYPE mcproxy_rx_packets_total counter\n"
            "mcproxy_rx_packets_total{instance=\"iptv\",interface=\"eth1\"} 12\n"
            "mcproxy_rx_packets_total{instance=\"radio\",interface=\"eth2\"} 5\n"
            "# HELP mcproxy_groups Groups joined.\n"
            "# TYPE mcproxy_groups gauge\n"
            "mcproxy_groups 3\n");
}

// Exposition format: label values escape backslash, double quote and line feed.
TEST(Prometheus, LabelValuesAreEscaped) {
  EXPECT_EQ(prometheus_escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  PrometheusWriter writer;
  writer.family("m", PrometheusWriter::Type::Untyped, "");
  writer.sample({{"name", "x\"y"}}, 1.5);
  EXPECT_EQ(writer.text(), "# TYPE m untyped\nm{name=\"x\\\"y\"} 1.5\n");
}

// HELP text escapes backslash and line feed only.
TEST(Prometheus, HelpIsEscaped) {
  EXPECT_EQ(prometheus_escape_help("a\\b\n\"c\""), "a\\\\b\\n\"c\"");
}

TEST(Prometheus, NamesAreSanitised) {
  EXPECT_EQ(prometheus_metric_name("mcproxy:rx-bytes.total"), "mcproxy:rx_bytes_total");
  EXPECT_EQ(prometheus_metric_name("9lives"), "_lives");
  EXPECT_EQ(prometheus_metric_name(""), "_");
  EXPECT_EQ(prometheus_label_name("a:b-c"), "a_b_c");
}

TEST(Prometheus, SpecialValues) {
  EXPECT_EQ(prometheus_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(prometheus_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(prometheus_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(prometheus_value(42.0), "42");
  EXPECT_EQ(prometheus_value(0.25), "0.25");
}

}  // namespace
}  // namespace mcproxy::control
