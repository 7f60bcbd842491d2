// libFuzzer harness of `mcproxy --from-igmpproxy`: import_igmpproxy() on an
// igmpproxy file; what it reports points into the file, what it prints parses.
#include "modules/config/checker.hpp"
#include "modules/config/igmpproxy_import.hpp"
#include "modules/config/load.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace {

using namespace mcproxy;
using fuzz::require;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto result = config::import_igmpproxy(text, "igmpproxy.conf");

  // Each note becomes one stderr line `FILE:LINE: KIND: message`
  // (mcproxy/from_igmpproxy.cpp): a line of the file, sorted, one line each.
  const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (std::size_t i = 0; i < result.notes.size(); ++i) {
    const auto& n = result.notes[i];
    require(n.line >= 1 && n.line <= lines, "a note's line is outside the file");
    require(!n.message.empty(), "a note without a message");
    require(n.message.find('\n') == std::string::npos, "a note's message spans several lines");
    require(i == 0 || result.notes[i - 1].line <= n.line, "notes are not sorted by line");
  }

  // Refused (igmpproxy would refuse it too): nothing is printed.
  if (result.has(config::ImportNote::Kind::Error)) {
    require(result.configuration.empty(), "a refused file still has a translation");
    return 0;
  }
  // Printed: a configuration mcproxy takes, with the one imported instance.
  require(!result.configuration.empty(), "accepted without a translation");
  const auto parsed = config::parse_config(result.configuration, "translated.conf");
  if (!parsed) {
    for (const auto& d : parsed.error()) std::fprintf(stderr, "%s\n", d.to_string().c_str());
    require(false, "the translation does not parse");
  }
  require(parsed->instances.size() == 1, "the translation does not have exactly one instance");
  const auto* instance = parsed->find_instance(config::kImportedInstance);
  require(instance != nullptr, "the translation's instance has another name");
  require(!instance->downstreams.empty(), "the translation's instance has no downstream");
  require(config::check(*parsed).empty(), "the translation fails check()");
  return 0;
}
