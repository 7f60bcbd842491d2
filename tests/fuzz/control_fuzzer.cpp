// libFuzzer harness of the control protocol: bytes from a client go through a
// session (framing, JSON, request checking) as the server feeds them; every
// request accepted is checked against its JSON form, its words and, for the
// requests that become configuration text, the configuration parser.
#include "mcproxy/control/client_session.hpp"
#include "mcproxy/control/requests.hpp"
#include "mcproxy/control/responses.hpp"
#include "modules/config/load.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace mcproxy;
using fuzz::require;
using nlohmann::json;

// instance-add becomes a `pinstance NAME(TABLE): UP... ==> DOWN...;` line for
// the configuration parser: if the parser takes it, it must mean the request.
void check_pinstance_line(const control::InstanceAddRequest& add) {
  config::Configuration c;
  if (!config::parse_statements(add.pinstance_line(), "control", c).empty()) return;  // refused: an error reply
  const auto* instance = c.find_instance(add.name);
  require(instance != nullptr && c.instances.size() == 1, "pinstance line defines another instance");
  require(instance->table == add.table, "pinstance line has another table");
  auto names = [](const std::vector<config::InterfaceConfig>& list) {
    std::vector<std::string> out;
    for (const auto& i : list) out.push_back(i.name);
    return out;
  };
  require(names(instance->upstreams) == add.upstreams, "pinstance line has other upstreams");
  require(names(instance->downstreams) == add.downstreams, "pinstance line has other downstreams");
}

// `set` becomes `pinstance NAME [upstream|downstream IF] WORDS;` applied to the
// running configuration (mcproxy/daemon_control.cpp); errors are replies.
void check_set_text(const control::SetRequest& set) {
  static const config::Configuration running = [] {
    auto c = config::parse_config("pinstance iptv: up0 ==> lan0 lan1;\npinstance radio: up1 ==> lan2;\n", "base.conf");
    require(c.has_value(), "the base configuration does not parse");
    return *c;
  }();
  std::string text = "pinstance " + set.instance;
  if (set.interface) text += " " + std::string(control::to_string(set.interface->role)) + " " + set.interface->name;
  text += " " + set.words + ";";
  config::Configuration copy = running;
  if (config::parse_statements(text, "control", copy).empty()) (void)config::check(copy);
}

void check_request(const control::Request& request) {
  const json j = control::to_json(request);
  require(j.at("cmd") == control::command_name(request), "to_json has another cmd");
  const auto again = control::parse_request(j);
  require(again.has_value() && *again == request, "parse_request(to_json(r)) differs from r");
  const auto wire = control::parse_request(json::parse(j.dump()));
  require(wire.has_value() && *wire == request, "the request does not survive its JSON text");
  require(!control::describe(request).empty(), "empty description");
  if (const auto* add = std::get_if<control::InstanceAddRequest>(&request)) {
    const auto words = control::parse_instance_words(add->name, control::instance_words(*add));
    require(words.has_value() && *words == *add, "instance words do not read back");
    check_pinstance_line(*add);
  }
  if (const auto* set = std::get_if<control::SetRequest>(&request)) {
    require(!control::check_option_words(set->words), "set words accepted but not valid");
    check_set_text(*set);
  }
}

// Response bytes: JSON objects, one per line, each starting with "ok".
void check_output(std::string_view output) {
  while (!output.empty()) {
    const auto newline = output.find('\n');
    require(newline != std::string_view::npos, "a response without its newline");
    const std::string_view line = output.substr(0, newline);
    require(line.starts_with("{\"ok\":true") || line.starts_with("{\"ok\":false"), "a response not starting with ok");
    const json parsed = json::parse(line, nullptr, false);
    require(!parsed.is_discarded() && parsed.is_object(), "a response line is not a JSON object");
    output.remove_prefix(newline + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Small limits, so that fuzzed inputs reach "too long" and back-pressure.
  control::SessionLimits limits;
  limits.max_request_bytes = 512;
  limits.max_pipelined = 4;
  TimePoint now{};
  control::ClientSession session(limits, now);
  session.on_input(std::string_view(reinterpret_cast<const char*>(data), size), now);
  session.on_end_of_input(now);
  // Every request answered, every answer written: the session must finish.
  for (std::size_t round = 0; round <= size + 1 && !session.finished(); ++round) {
    for (auto& dispatch : session.take_requests(now)) {
      check_request(dispatch.request);
      session.on_reply(dispatch.seq, control::make_ok(json{{"echo", control::to_json(dispatch.request)}}), now);
    }
    check_output(session.output());
    session.on_written(session.output().size(), now);
  }
  require(session.finished(), "the session does not finish after all answers");
  return 0;
}
