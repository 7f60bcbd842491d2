// Prometheus text exposition format (version 0.0.4) for `metrics`: metric
// families with HELP and TYPE lines, samples with escaped label values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcproxy::control {

using PrometheusLabels = std::vector<std::pair<std::string, std::string>>;

class PrometheusWriter {
 public:
  enum class Type { Counter, Gauge, Untyped };

  // Starts (or continues) family `name`: samples of one family are written
  // together even when added at different times. Invalid characters in the
  // name become '_'. The first call's type and help text win.
  void family(std::string_view name, Type type, std::string_view help);

  // A sample of the current family.
  void sample(const PrometheusLabels& labels, std::uint64_t value);
  void sample(const PrometheusLabels& labels, std::int64_t value);
  void sample(const PrometheusLabels& labels, double value);

  // The exposition text, families in the order first named.
  std::string text() const;

 private:
  struct Family {
    std::string name;
    Type type = Type::Untyped;
    std::string help;
    std::vector<std::string> samples;  // rendered sample lines
  };
  void add_sample(const PrometheusLabels& labels, const std::string& value);

  std::vector<Family> families_;
  std::size_t current_ = 0;
};

// [a-zA-Z_:][a-zA-Z0-9_:]*, other characters replaced by '_'.
std::string prometheus_metric_name(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, other characters replaced by '_'.
std::string prometheus_label_name(std::string_view name);
// Label values: backslash, double quote and newline escaped.
std::string prometheus_escape_label_value(std::string_view value);
// HELP text: backslash and newline escaped.
std::string prometheus_escape_help(std::string_view help);
// Sample values: integers as such, NaN, +Inf, -Inf.
std::string prometheus_value(double value);

}  // namespace mcproxy::control
