// The Prometheus text format writer.
#include "mcproxy/control/prometheus.hpp"

#include <cmath>
#include <cstdio>

namespace mcproxy::control {
namespace {

bool name_char(char c, bool first, bool colon) {
  const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
  return letter || (!first && c >= '0' && c <= '9');
}

std::string sanitise(std::string_view name, bool colon) {
  std::string out;
  out.reserve(name.size() + 1);
  for (char c : name) out += name_char(c, out.empty(), colon) ? c : '_';
  if (out.empty()) out = "_";
  return out;
}

std::string_view type_name(PrometheusWriter::Type type) {
  switch (type) {
    case PrometheusWriter::Type::Counter: return "counter";
    case PrometheusWriter::Type::Gauge: return "gauge";
    case PrometheusWriter::Type::Untyped: return "untyped";
  }
  return "untyped";
}

}  // namespace

std::string prometheus_metric_name(std::string_view name) { return sanitise(name, true); }
std::string prometheus_label_name(std::string_view name) { return sanitise(name, false); }

std::string prometheus_escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string prometheus_escape_help(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string prometheus_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::floor(value) == value && std::fabs(value) < 1e15) return std::to_string(static_cast<long long>(value));
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

void PrometheusWriter::family(std::string_view name, Type type, std::string_view help) {
  const auto clean = prometheus_metric_name(name);
  for (std::size_t i = 0; i < families_.size(); ++i) {
    if (families_[i].name == clean) {
      current_ = i;
      return;
    }
  }
  families_.push_back(Family{clean, type, std::string(help), {}});
  current_ = families_.size() - 1;
}

void PrometheusWriter::sample(const PrometheusLabels& labels, std::uint64_t value) {
  add_sample(labels, std::to_string(value));
}
void PrometheusWriter::sample(const PrometheusLabels& labels, std::int64_t value) {
  add_sample(labels, std::to_string(value));
}
void PrometheusWriter::sample(const PrometheusLabels& labels, double value) {
  add_sample(labels, prometheus_value(value));
}

void PrometheusWriter::add_sample(const PrometheusLabels& labels, const std::string& value) {
  if (families_.empty()) family("unnamed", Type::Untyped, "");
  auto& f = families_[current_];
  std::string line = f.name;
  if (!labels.empty()) {
    line += '{';
    bool first = true;
    for (const auto& [name, label_value] : labels) {
      if (!first) line += ',';
      first = false;
      line += prometheus_label_name(name) + "=\"" + prometheus_escape_label_value(label_value) + "\"";
    }
    line += '}';
  }
  line += ' ' + value;
  f.samples.push_back(std::move(line));
}

std::string PrometheusWriter::text() const {
  std::string out;
  for (const auto& f : families_) {
    if (!f.help.empty()) out += "# HELP " + f.name + " " + prometheus_escape_help(f.help) + "\n";
    out += "# TYPE " + f.name + " " + std::string(type_name(f.type)) + "\n";
    for (const auto& s : f.samples) out += s + "\n";
  }
  return out;
}

}  // namespace mcproxy::control
