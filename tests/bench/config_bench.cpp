// Configuration and control benchmarks: parse_config() of a 1000-line file
// (start, SIGHUP, --check-config) and one control line through a session.
#include "mcproxy/control/client_session.hpp"
#include "modules/config/load.hpp"

#include <benchmark/benchmark.h>

#include <string>

namespace mcproxy::bench {
namespace {

// 100 instances of 10 lines each: the pinstance line, timers, limits,
// quick-leave, a table of four rules and its use as a filter.
std::string thousand_line_config() {
  std::string text = "protocol IGMPv3;\n";
  for (int i = 0; i < 100; ++i) {
    const std::string n = std::to_string(i);
    const std::string p = "pinstance p" + n;
    text += p + "(" + std::to_string(i + 1) + "): up" + n + " ==> lan" + n + "a lan" + n + "b;\n";
    text += p + " query-interval 125s query-response-interval 5s robustness 2;\n";
    text += p + " last-member-query-interval 1s last-member-query-count 2;\n";
    text += p + " downstream lan" + n + "a max-groups 200 max-sources 64;\n";
    text += p + " quick-leave on;\n";
    text += "table t" + n + " {\n";
    text += "    (239." + n + ".0.0/16 | *)\n";
    text += "    (232." + n + ".1.1 | 10.0.0.0/8)\n";
    text += "    (239.255." + n + ".1 - 239.255." + n + ".9 | *) };\n";
    text += p + " upstream up" + n + " out whitelist table t" + n + ";\n";
  }
  return text;
}

void BM_ParseConfig1000Lines(benchmark::State& state) {
  const std::string text = thousand_line_config();
  if (!config::parse_config(text, "bench.conf")) {
    state.SkipWithError("the benchmark configuration does not parse");
    return;
  }
  for (auto _ : state) {
    auto c = config::parse_config(text, "/etc/mcproxy/mcproxy.conf");
    benchmark::DoNotOptimize(c);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_ParseConfig1000Lines);

// One request line in, its answer out: 0 a valid request, 1 a line that is
// not JSON (answered at once with the parser's message).
void BM_ControlLine(benchmark::State& state) {
  const std::string line = state.range(0) == 0 ? "{\"cmd\":\"show\",\"what\":\"groups\",\"id\":7}\n"
                                               : "{\"cmd\":\"show\",\"what\" \"groups\"}\n";
  for (auto _ : state) {
    control::ClientSession session(control::SessionLimits{}, TimePoint{});
    session.on_input(line, TimePoint{});
    for (auto& d : session.take_requests(TimePoint{}))
      session.on_reply(d.seq, nlohmann::json{{"ok", true}}, TimePoint{});
    benchmark::DoNotOptimize(session.output());
  }
  state.SetLabel(state.range(0) == 0 ? "valid request" : "invalid JSON");
}
BENCHMARK(BM_ControlLine)->DenseRange(0, 1);

}  // namespace
}  // namespace mcproxy::bench

BENCHMARK_MAIN();
