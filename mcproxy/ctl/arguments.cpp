// Translation of mcproxyctl's command words into control requests. The
// result goes through control::parse_request, so the client rejects exactly
// what the daemon would.
#include "mcproxy/ctl/arguments.hpp"

#include <algorithm>

namespace mcproxy::ctl {

using nlohmann::json;

const char* const kCommandSynopsis =
    "show instances|interfaces|groups|mfc|stats [INSTANCE]\n"
    "instance add NAME [table N] UPSTREAM... ==> DOWNSTREAM...\n"
    "instance remove NAME\n"
    "interface add INSTANCE upstream|downstream IFNAME\n"
    "interface remove INSTANCE IFNAME\n"
    "interface move IFNAME FROM_INSTANCE TO_INSTANCE\n"
    "set INSTANCE [upstream|downstream IFNAME] OPTION VALUE...\n"
    "static add INSTANCE (GROUP | SOURCE) ==> IFNAME...\n"
    "static remove INSTANCE (GROUP | SOURCE) [==> IFNAME...]\n"
    "reload\n"
    "metrics";

namespace {

using Words = std::vector<std::string>;
using Result = std::expected<json, std::string>;

std::string join(Words::const_iterator begin, Words::const_iterator end) {
  std::string out;
  for (auto it = begin; it != end; ++it) {
    if (!out.empty()) out += ' ';
    out += *it;
  }
  return out;
}

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

// An unquoted ==> in a shell redirects output into a file: say so.
constexpr const char* kArrowHint = " (quote '==>' in the shell: an unquoted '>' redirects the output)";

std::unexpected<std::string> usage(const std::string& message) { return std::unexpected(message); }

Result show(const Words& w) {
  if (w.size() < 2) return usage("show: what? instances, interfaces, groups, mfc or stats");
  if (w.size() > 3) return usage("show: too many arguments (show WHAT [INSTANCE])");
  json j = {{"cmd", "show"}, {"what", w[1]}};
  if (w.size() == 3) j["instance"] = w[2];
  return j;
}

// `instance add NAME [table N] UP... ==> DOWN...`; also takes the spelling of
// a pinstance line: `NAME(N): UP... ==> DOWN...;`.
Result instance_add(const Words& w) {
  if (w.size() < 3) return usage("instance add: missing NAME");
  std::string name = w[2];
  std::string table;
  if (!name.empty() && name.back() == ':') name.pop_back();
  if (auto open = name.find('('); open != std::string::npos && !name.empty() && name.back() == ')') {
    table = name.substr(open + 1, name.size() - open - 2);
    name.resize(open);
  }
  Words rest(w.begin() + 3, w.end());
  if (!rest.empty() && rest.front() == ":") rest.erase(rest.begin());
  if (!rest.empty() && !rest.back().empty() && rest.back().back() == ';') {
    rest.back().pop_back();
    if (rest.back().empty()) rest.pop_back();
  }
  std::string words = join(rest.begin(), rest.end());
  if (!table.empty()) words = "table " + table + " " + words;
  return json{{"cmd", "instance-add"}, {"name", name}, {"words", words}};
}

Result instance(const Words& w) {
  if (w.size() < 2) return usage("instance: add or remove?");
  if (w[1] == "add") return instance_add(w);
  if (w[1] == "remove") {
    if (w.size() != 3) return usage("instance remove: expected exactly one NAME");
    return json{{"cmd", "instance-remove"}, {"name", w[2]}};
  }
  return usage("instance: unknown action '" + w[1] + "' (add or remove)");
}

Result interface(const Words& w) {
  if (w.size() < 2) return usage("interface: add, remove or move?");
  if (w[1] == "add") {
    if (w.size() != 5) return usage("interface add: expected INSTANCE upstream|downstream IFNAME");
    return json{{"cmd", "interface-add"}, {"instance", w[2]}, {"role", w[3]}, {"name", w[4]}};
  }
  if (w[1] == "remove") {
    if (w.size() != 4) return usage("interface remove: expected INSTANCE IFNAME");
    return json{{"cmd", "interface-remove"}, {"instance", w[2]}, {"name", w[3]}};
  }
  if (w[1] == "move") {
    if (w.size() != 5) return usage("interface move: expected IFNAME FROM_INSTANCE TO_INSTANCE");
    return json{{"cmd", "interface-move"}, {"name", w[2]}, {"from", w[3]}, {"to", w[4]}};
  }
  return usage("interface: unknown action '" + w[1] + "' (add, remove or move)");
}

Result set(const Words& w) {
  if (w.size() < 3) return usage("set: expected INSTANCE [upstream|downstream IFNAME] OPTION VALUE...");
  json j = {{"cmd", "set"}, {"instance", w[1]}};
  std::size_t option = 2;
  if (w[2] == "upstream" || w[2] == "downstream") {
    if (w.size() < 4) return usage("set: " + w[2] + " needs an interface name");
    j["interface"] = {{"role", w[2]}, {"name", w[3]}};
    option = 4;
  }
  if (option >= w.size()) return usage("set: no OPTION given");
  j["words"] = join(w.begin() + static_cast<std::ptrdiff_t>(option), w.end());
  return j;
}

// `(GROUP | SOURCE)`, `(GROUP | *)`, `(GROUP)` or a bare GROUP, in any spacing.
Result static_route(const Words& w) {
  if (w.size() < 2 || (w[1] != "add" && w[1] != "remove")) return usage("static: add or remove?");
  const bool add = w[1] == "add";
  if (w.size() < 3) return usage("static " + w[1] + ": missing INSTANCE");
  const auto arrow = std::find(w.begin() + 3, w.end(), "==>");
  std::string spec = trim(join(w.begin() + 3, arrow));
  if (spec.empty()) return usage("static " + w[1] + ": missing (GROUP | SOURCE)");
  const bool parenthesised = spec.front() == '(';
  if (parenthesised) {
    if (spec.back() != ')') return usage("static " + w[1] + ": missing ')' in '" + spec + "'");
    spec = spec.substr(1, spec.size() - 2);
  }
  std::string group = trim(spec);
  std::string source;
  if (auto space = group.find_first_of(" \t"); !parenthesised && group.find('|') == std::string::npos &&
                                                space != std::string::npos) {
    // The shell-friendly form without parentheses: GROUP SOURCE.
    source = trim(group.substr(space + 1));
    group = group.substr(0, space);
  } else if (auto bar = spec.find('|'); bar != std::string::npos) {
    group = trim(spec.substr(0, bar));
    source = trim(spec.substr(bar + 1));
    if (source.empty()) return usage("static " + w[1] + ": missing SOURCE after '|' (use * for any)");
  }
  json j = {{"cmd", add ? "static-add" : "static-remove"}, {"instance", w[2]}, {"group", group}};
  if (!source.empty() && source != "*") j["source"] = source;
  if (arrow == w.end()) {
    if (add) return usage(std::string("static add: missing '==> IFNAME...'") + kArrowHint);
  } else {
    if (arrow + 1 == w.end()) return usage("static " + w[1] + ": no interface after '==>'");
    j["downstreams"] = Words(arrow + 1, w.end());
  }
  return j;
}

Result no_arguments(const Words& w) {
  if (w.size() != 1) return usage(w[0] + ": takes no arguments");
  return json{{"cmd", w[0]}};
}

bool has_arrow_remains(const Words& w) {
  return std::any_of(w.begin(), w.end(), [](const std::string& word) { return word == "=="; });
}

Result to_request_json(const Words& w) {
  if (w.empty()) return usage("no command given");
  const std::string& command = w[0];
  if (command == "show") return show(w);
  if (command == "instance") return instance(w);
  if (command == "interface") return interface(w);
  if (command == "set") return set(w);
  if (command == "static") return static_route(w);
  if (command == "reload" || command == "metrics") return no_arguments(w);
  return usage("unknown command '" + command + "'");
}

}  // namespace

std::expected<control::Request, std::string> translate_arguments(const std::vector<std::string>& words) {
  auto j = to_request_json(words);
  if (!j) return std::unexpected(j.error());
  auto request = control::parse_request(*j);
  if (!request && has_arrow_remains(words) && request.error().find(kArrowHint) == std::string::npos)
    return std::unexpected(request.error() + kArrowHint);
  return request;
}

}  // namespace mcproxy::ctl
