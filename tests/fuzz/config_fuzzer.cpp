// libFuzzer harness of the configuration language: lexer, parser, builder and
// checker on a whole file (what `mcproxy --check-config` runs), and the same
// text applied as statements to a running configuration (the control path).
#include "modules/config/load.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace mcproxy;
using fuzz::require;

constexpr std::string_view kFile = "fuzz.conf";

// Every diagnostic points into the text: FILE:LINE:COL with the given file, a
// line that exists and a column within it (or just past its end); sorted.
void check_diagnostics(std::string_view text, std::string_view file, const std::vector<config::Diagnostic>& diagnostics) {
  std::vector<std::size_t> line_lengths{0};
  for (char c : text) {
    if (c == '\n') line_lengths.push_back(0);
    else ++line_lengths.back();
  }
  for (std::size_t i = 0; i < diagnostics.size(); ++i) {
    const auto& d = diagnostics[i];
    require(!d.message.empty(), "a diagnostic without a message");
    require(d.where.file == file, "a diagnostic names another file");
    require(d.where.line >= 1 && static_cast<std::size_t>(d.where.line) <= line_lengths.size(),
            "a diagnostic's line is outside the text");
    require(d.where.column >= 1 &&
                static_cast<std::size_t>(d.where.column) <= line_lengths[static_cast<std::size_t>(d.where.line - 1)] + 1,
            "a diagnostic's column is outside its line");
    require(d.to_string().starts_with(std::string(file) + ":"), "a diagnostic's text does not start with FILE:");
    if (i > 0) {
      const auto& p = diagnostics[i - 1].where;
      require(p.line < d.where.line || (p.line == d.where.line && p.column <= d.where.column),
              "diagnostics are not sorted by position");
    }
  }
}

// A running configuration for the incremental path, as a daemon would have.
const config::Configuration& running() {
  static const config::Configuration base = [] {
    auto parsed = config::parse_config(
        "protocol IGMPv3;\n"
        "pinstance iptv(3): up0 ==> lan0 lan1;\n"
        "pinstance radio: up1 ==> lan2;\n"
        "pinstance iptv quick-leave on;\n"
        "table allowed { (239.1.1.0/24 | *) };\n"
        "pinstance iptv downstream lan0 in whitelist table allowed;\n",
        "base.conf");
    require(parsed.has_value(), "the base configuration does not parse");
    return *parsed;
  }();
  return base;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  // The whole file, as --check-config and the daemon's start and SIGHUP read it.
  const auto parsed = config::parse_config(text, std::string(kFile));
  if (!parsed) {
    require(!parsed.error().empty(), "refused without a diagnostic");
    check_diagnostics(text, kFile, parsed.error());
  } else {
    require(config::check(*parsed).empty(), "an accepted configuration fails check()");
    const std::string summary = config::summarize(*parsed);
    require(!summary.empty(), "empty summary");
    // Layout is not meaning: a trailing comment line changes nothing.
    const auto again = config::parse_config(std::string(text) + "\n# end\n", std::string(kFile));
    require(again.has_value() && config::summarize(*again) == summary, "a trailing comment changes the configuration");
  }

  // The same text applied to a running configuration, as the control socket
  // does: parse_statements() on a copy, then check() of the whole.
  config::Configuration copy = running();
  auto diagnostics = config::parse_statements(text, "control", copy);
  check_diagnostics(text, "control", diagnostics);
  if (diagnostics.empty()) (void)config::summarize(copy), (void)config::check(copy);
  return 0;
}
