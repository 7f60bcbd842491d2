// Parsing and checking of control requests (doc/control-protocol.md), and
// their JSON form for the client.
#include "mcproxy/control/requests.hpp"

#include "mcproxy/control/names.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <sstream>

namespace mcproxy::control {
namespace {

using nlohmann::json;

// Reads the fields of one request object and remembers which it read, so
// that unknown fields (usually typos) are reported instead of ignored.
class FieldReader {
 public:
  FieldReader(const json& object, std::string cmd) : object_(object), cmd_(std::move(cmd)) {
    known_.insert("cmd");
    known_.insert("id");
  }

  std::string error(const std::string& what) const { return cmd_ + ": " + what; }

  // A string field; nothing if absent and optional.
  std::expected<std::optional<std::string>, std::string> string(const char* key, bool required) {
    known_.insert(key);
    auto it = object_.find(key);
    if (it == object_.end()) {
      if (required) return std::unexpected(error(std::string("missing field '") + key + "'"));
      return std::optional<std::string>{};
    }
    if (!it->is_string()) return std::unexpected(error(std::string("field '") + key + "' must be a string"));
    return std::optional<std::string>{it->get<std::string>()};
  }

  std::expected<std::string, std::string> required_string(const char* key) {
    auto value = string(key, true);
    if (!value) return std::unexpected(value.error());
    return **value;
  }

  std::expected<std::string, std::string> instance_name(const char* key) {
    auto value = required_string(key);
    if (!value) return value;
    if (auto bad = check_instance_name(*value)) return std::unexpected(error(*bad));
    return value;
  }

  std::expected<std::string, std::string> interface_name(const char* key) {
    auto value = required_string(key);
    if (!value) return value;
    if (auto bad = check_interface_name(*value)) return std::unexpected(error(*bad));
    return value;
  }

  const json* raw(const char* key) {
    known_.insert(key);
    auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }

  // The first field not read by the command's parser.
  std::optional<std::string> unknown_field() const {
    for (const auto& [key, value] : object_.items())
      if (!known_.contains(key)) return error("unknown field '" + key + "'");
    return std::nullopt;
  }

 private:
  const json& object_;
  std::string cmd_;
  std::set<std::string, std::less<>> known_;
};

std::expected<InterfaceRole, std::string> parse_role(std::string_view text) {
  if (text == "upstream") return InterfaceRole::Upstream;
  if (text == "downstream") return InterfaceRole::Downstream;
  return std::unexpected("bad role '" + std::string(text) + "': expected 'upstream' or 'downstream'");
}

std::expected<ShowWhat, std::string> parse_show_what(std::string_view text) {
  static constexpr std::pair<std::string_view, ShowWhat> kNames[] = {{"instances", ShowWhat::Instances},
                                                                     {"interfaces", ShowWhat::Interfaces},
                                                                     {"groups", ShowWhat::Groups},
                                                                     {"mfc", ShowWhat::Mfc},
                                                                     {"stats", ShowWhat::Stats}};
  for (const auto& [name, what] : kNames)
    if (name == text) return what;
  return std::unexpected("unknown show target '" + std::string(text) +
                         "': expected instances, interfaces, groups, mfc or stats");
}

// An address as the configuration writes it: no zone index ("%eth0").
std::expected<Address, std::string> parse_address(std::string_view text, std::string_view what) {
  boost::system::error_code ec;
  if (text.find('%') == std::string_view::npos) {
    auto address = boost::asio::ip::make_address(std::string(text), ec);
    if (!ec) return address;
  }
  return std::unexpected("bad " + std::string(what) + " address '" + std::string(text.substr(0, 64)) + "'");
}

bool is_multicast(const Address& a) { return a.is_multicast(); }

std::optional<std::string> check_interface_list(const std::vector<std::string>& names) {
  std::set<std::string, std::less<>> seen;
  for (const auto& name : names) {
    if (auto bad = check_interface_name(name)) return bad;
    if (!seen.insert(name).second) return "interface '" + name + "' listed twice";
  }
  return std::nullopt;
}

std::expected<StaticRoute, std::string> parse_static(FieldReader& reader, bool add) {
  StaticRoute route;
  auto instance = reader.instance_name("instance");
  if (!instance) return std::unexpected(instance.error());
  route.instance = *instance;

  auto group = reader.required_string("group");
  if (!group) return std::unexpected(group.error());
  auto group_address = parse_address(*group, "group");
  if (!group_address) return std::unexpected(reader.error(group_address.error()));
  if (!is_multicast(*group_address))
    return std::unexpected(reader.error("group " + *group + " is not a multicast address"));
  route.group = *group_address;

  auto source = reader.string("source", false);
  if (!source) return std::unexpected(source.error());
  if (*source && **source != "*") {
    auto source_address = parse_address(**source, "source");
    if (!source_address) return std::unexpected(reader.error(source_address.error()));
    if (family_of(*source_address) != family_of(route.group))
      return std::unexpected(reader.error("source " + **source + " and group " + *group + " are of different families"));
    if (source_address->is_multicast() || source_address->is_unspecified())
      return std::unexpected(reader.error("source " + **source + " is not a unicast address (use \"*\" for any source)"));
    route.source = *source_address;
  }

  const json* downstreams = reader.raw("downstreams");
  if (downstreams != nullptr) {
    if (!downstreams->is_array()) return std::unexpected(reader.error("field 'downstreams' must be an array of strings"));
    for (const auto& item : *downstreams) {
      if (!item.is_string()) return std::unexpected(reader.error("field 'downstreams' must be an array of strings"));
      route.downstreams.push_back(item.get<std::string>());
    }
  }
  if (add && route.downstreams.empty())
    return std::unexpected(reader.error(downstreams == nullptr ? "missing field 'downstreams'"
                                                               : "'downstreams' must name at least one interface"));
  if (auto bad = check_interface_list(route.downstreams)) return std::unexpected(reader.error(*bad));
  return route;
}

std::expected<Request, std::string> parse_fields(FieldReader& reader, std::string_view cmd) {
  if (cmd == "show") {
    ShowRequest show;
    auto what = reader.required_string("what");
    if (!what) return std::unexpected(what.error());
    auto parsed = parse_show_what(*what);
    if (!parsed) return std::unexpected(reader.error(parsed.error()));
    show.what = *parsed;
    if (reader.raw("instance") != nullptr) {
      auto instance = reader.instance_name("instance");
      if (!instance) return std::unexpected(instance.error());
      show.instance = *instance;
    }
    return show;
  }
  if (cmd == "instance-add") {
    auto name = reader.instance_name("name");
    if (!name) return std::unexpected(name.error());
    auto words = reader.required_string("words");
    if (!words) return std::unexpected(words.error());
    auto add = parse_instance_words(*name, *words);
    if (!add) return std::unexpected(reader.error(add.error()));
    return *add;
  }
  if (cmd == "instance-remove") {
    auto name = reader.instance_name("name");
    if (!name) return std::unexpected(name.error());
    return InstanceRemoveRequest{*name};
  }
  if (cmd == "interface-add") {
    auto instance = reader.instance_name("instance");
    if (!instance) return std::unexpected(instance.error());
    auto role_text = reader.required_string("role");
    if (!role_text) return std::unexpected(role_text.error());
    auto role = parse_role(*role_text);
    if (!role) return std::unexpected(reader.error(role.error()));
    auto name = reader.interface_name("name");
    if (!name) return std::unexpected(name.error());
    return InterfaceAddRequest{*instance, *role, *name};
  }
  if (cmd == "interface-remove") {
    auto instance = reader.instance_name("instance");
    if (!instance) return std::unexpected(instance.error());
    auto name = reader.interface_name("name");
    if (!name) return std::unexpected(name.error());
    return InterfaceRemoveRequest{*instance, *name};
  }
  if (cmd == "interface-move") {
    auto name = reader.interface_name("name");
    if (!name) return std::unexpected(name.error());
    auto from = reader.instance_name("from");
    if (!from) return std::unexpected(from.error());
    auto to = reader.instance_name("to");
    if (!to) return std::unexpected(to.error());
    if (*from == *to) return std::unexpected(reader.error("'from' and 'to' are the same instance '" + *from + "'"));
    return InterfaceMoveRequest{*name, *from, *to};
  }
  if (cmd == "set") {
    SetRequest set;
    auto instance = reader.instance_name("instance");
    if (!instance) return std::unexpected(instance.error());
    set.instance = *instance;
    if (const json* interface = reader.raw("interface"); interface != nullptr && !interface->is_null()) {
      if (!interface->is_object())
        return std::unexpected(reader.error("field 'interface' must be an object {\"role\":..., \"name\":...}"));
      FieldReader inner(*interface, std::string(cmd) + ": interface");
      auto role_text = inner.required_string("role");
      if (!role_text) return std::unexpected(role_text.error());
      auto role = parse_role(*role_text);
      if (!role) return std::unexpected(inner.error(role.error()));
      auto name = inner.interface_name("name");
      if (!name) return std::unexpected(name.error());
      for (const auto& [key, value] : interface->items())
        if (key != "role" && key != "name") return std::unexpected(inner.error("unknown field '" + key + "'"));
      set.interface = InterfaceRef{*role, *name};
    }
    auto words = reader.required_string("words");
    if (!words) return std::unexpected(words.error());
    if (auto bad = check_option_words(*words)) return std::unexpected(reader.error(*bad));
    set.words = *words;
    return set;
  }
  if (cmd == "static-add" || cmd == "static-remove") {
    const bool add = cmd == "static-add";
    auto route = parse_static(reader, add);
    if (!route) return std::unexpected(route.error());
    if (add) return StaticAddRequest{*route};
    return StaticRemoveRequest{*route};
  }
  if (cmd == "reload") return ReloadRequest{};
  if (cmd == "metrics") return MetricsRequest{};
  return std::unexpected("unknown command '" + std::string(cmd.substr(0, 64)) + "'");
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::istringstream in{std::string(text)};
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

json route_json(const StaticRoute& route) {
  json j = {{"instance", route.instance}, {"group", route.group.to_string()}};
  if (route.source) j["source"] = route.source->to_string();
  if (!route.downstreams.empty()) j["downstreams"] = route.downstreams;
  return j;
}

}  // namespace

std::string_view to_string(InterfaceRole role) { return role == InterfaceRole::Upstream ? "upstream" : "downstream"; }

std::string_view to_string(ShowWhat what) {
  switch (what) {
    case ShowWhat::Instances: return "instances";
    case ShowWhat::Interfaces: return "interfaces";
    case ShowWhat::Groups: return "groups";
    case ShowWhat::Mfc: return "mfc";
    case ShowWhat::Stats: return "stats";
  }
  return "instances";
}

std::string InstanceAddRequest::pinstance_line() const {
  std::string line = "pinstance " + name;
  if (table) line += "(" + std::to_string(*table) + ")";
  line += ": " + join(upstreams) + " ==> " + join(downstreams) + ";";
  return line;
}

std::string_view command_name(const Request& request) {
  static constexpr std::string_view kNames[] = {"show",           "instance-add", "instance-remove", "interface-add",
                                                "interface-remove", "interface-move", "set",         "static-add",
                                                "static-remove",  "reload",       "metrics"};
  static_assert(std::size(kNames) == std::variant_size_v<Request>);
  return kNames[request.index()];
}

std::expected<Request, std::string> parse_request(const json& line) {
  if (!line.is_object()) return std::unexpected("a request must be a JSON object");
  auto cmd = line.find("cmd");
  if (cmd == line.end()) return std::unexpected("missing field 'cmd'");
  if (!cmd->is_string()) return std::unexpected("field 'cmd' must be a string");
  const auto name = cmd->get<std::string>();
  FieldReader reader(line, name);
  auto request = parse_fields(reader, name);
  if (!request) return request;
  if (auto unknown = reader.unknown_field()) return std::unexpected(*unknown);
  return request;
}

std::expected<InstanceAddRequest, std::string> parse_instance_words(std::string name, std::string_view words) {
  InstanceAddRequest add;
  add.name = std::move(name);
  auto tokens = split_words(words);
  std::size_t i = 0;
  if (i < tokens.size() && tokens[i] == "table") {
    if (i + 1 >= tokens.size()) return std::unexpected("'table' needs a number");
    const std::string& number = tokens[i + 1];
    std::uint32_t table = 0;
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), table);
    if (ec != std::errc{} || end != number.data() + number.size())
      return std::unexpected("bad table '" + number.substr(0, 32) + "': expected a number 0..4294967295");
    add.table = table;
    i += 2;
  }
  const auto arrow = std::find(tokens.begin() + static_cast<std::ptrdiff_t>(i), tokens.end(), "==>");
  if (arrow == tokens.end()) return std::unexpected("expected UPSTREAM... ==> DOWNSTREAM...");
  if (std::find(arrow + 1, tokens.end(), "==>") != tokens.end()) return std::unexpected("'==>' appears twice");
  add.upstreams.assign(tokens.begin() + static_cast<std::ptrdiff_t>(i), arrow);
  add.downstreams.assign(arrow + 1, tokens.end());
  if (add.upstreams.empty()) return std::unexpected("no upstream interface before '==>'");
  if (add.downstreams.empty()) return std::unexpected("no downstream interface after '==>'");
  std::vector<std::string> all = add.upstreams;
  all.insert(all.end(), add.downstreams.begin(), add.downstreams.end());
  if (auto bad = check_interface_list(all)) return std::unexpected(*bad);
  return add;
}

std::string instance_words(const InstanceAddRequest& request) {
  std::string words;
  if (request.table) words = "table " + std::to_string(*request.table) + " ";
  return words + join(request.upstreams) + " ==> " + join(request.downstreams);
}

std::string describe(const Request& request) {
  return std::visit(
      [](const auto& r) -> std::string {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, ShowRequest>) {
          return "show " + std::string(to_string(r.what)) + (r.instance ? " " + *r.instance : "");
        } else if constexpr (std::is_same_v<T, InstanceAddRequest>) {
          return "instance add " + r.name + " " + instance_words(r);
        } else if constexpr (std::is_same_v<T, InstanceRemoveRequest>) {
          return "instance remove " + r.name;
        } else if constexpr (std::is_same_v<T, InterfaceAddRequest>) {
          return "interface add " + r.instance + " " + std::string(to_string(r.role)) + " " + r.name;
        } else if constexpr (std::is_same_v<T, InterfaceRemoveRequest>) {
          return "interface remove " + r.instance + " " + r.name;
        } else if constexpr (std::is_same_v<T, InterfaceMoveRequest>) {
          return "interface move " + r.name + " " + r.from + " " + r.to;
        } else if constexpr (std::is_same_v<T, SetRequest>) {
          std::string out = "set " + r.instance;
          if (r.interface) out += " " + std::string(to_string(r.interface->role)) + " " + r.interface->name;
          return out + " " + r.words;
        } else if constexpr (std::is_same_v<T, StaticAddRequest> || std::is_same_v<T, StaticRemoveRequest>) {
          std::string out = std::is_same_v<T, StaticAddRequest> ? "static add " : "static remove ";
          out += r.route.instance + " (" + r.route.group.to_string() + " | " +
                 (r.route.source ? r.route.source->to_string() : "*") + ")";
          if (!r.route.downstreams.empty()) out += " ==> " + join(r.route.downstreams);
          return out;
        } else if constexpr (std::is_same_v<T, ReloadRequest>) {
          return "reload";
        } else {
          return "metrics";
        }
      },
      request);
}

std::optional<std::string> check_option_words(std::string_view words) {
  if (words.find_first_not_of(" \t") == std::string_view::npos) return "no option given";
  for (char c : words) {
    const auto u = static_cast<unsigned char>(c);
    if (c == ';') return "option words must not contain ';' (one option per request)";
    if (c == '#') return "option words must not contain '#'";
    if ((u < 0x20 && c != '\t') || u == 0x7f) return "option words must not contain control characters";
  }
  return std::nullopt;
}

json to_json(const Request& request) {
  json j = std::visit(
      [](const auto& r) -> json {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, ShowRequest>) {
          json out = {{"what", to_string(r.what)}};
          if (r.instance) out["instance"] = *r.instance;
          return out;
        } else if constexpr (std::is_same_v<T, InstanceAddRequest>) {
          return {{"name", r.name}, {"words", instance_words(r)}};
        } else if constexpr (std::is_same_v<T, InstanceRemoveRequest>) {
          return {{"name", r.name}};
        } else if constexpr (std::is_same_v<T, InterfaceAddRequest>) {
          return {{"instance", r.instance}, {"role", to_string(r.role)}, {"name", r.name}};
        } else if constexpr (std::is_same_v<T, InterfaceRemoveRequest>) {
          return {{"instance", r.instance}, {"name", r.name}};
        } else if constexpr (std::is_same_v<T, InterfaceMoveRequest>) {
          return {{"name", r.name}, {"from", r.from}, {"to", r.to}};
        } else if constexpr (std::is_same_v<T, SetRequest>) {
          json out = {{"instance", r.instance}, {"words", r.words}};
          if (r.interface) out["interface"] = {{"role", to_string(r.interface->role)}, {"name", r.interface->name}};
          return out;
        } else if constexpr (std::is_same_v<T, StaticAddRequest> || std::is_same_v<T, StaticRemoveRequest>) {
          return route_json(r.route);
        } else {
          return json::object();
        }
      },
      request);
  j["cmd"] = command_name(request);
  return j;
}

}  // namespace mcproxy::control
