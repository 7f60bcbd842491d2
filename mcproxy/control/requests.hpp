// The requests of the control protocol as typed values, and their JSON form:
// parse_request() checks a decoded JSON line completely, so the daemon's
// handler only ever sees well-formed requests (doc/control-protocol.md).
#pragma once

#include "modules/common/address.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mcproxy::control {

enum class InterfaceRole { Upstream, Downstream };
std::string_view to_string(InterfaceRole role);

// `show instances|interfaces|groups|mfc|stats [INSTANCE]`
enum class ShowWhat { Instances, Interfaces, Groups, Mfc, Stats };
std::string_view to_string(ShowWhat what);

struct ShowRequest {
  ShowWhat what = ShowWhat::Instances;
  std::optional<std::string> instance;  // unset: all instances
  bool operator==(const ShowRequest&) const = default;
};

// `instance add NAME [table N] UP... ==> DOWN...`: the words of a pinstance line.
struct InstanceAddRequest {
  std::string name;
  std::optional<std::uint32_t> table;
  std::vector<std::string> upstreams;    // at least one, priority order
  std::vector<std::string> downstreams;  // at least one
  // The same instance as a configuration line, for the configuration parser:
  // `pinstance NAME(TABLE): UP... ==> DOWN...;`
  std::string pinstance_line() const;
  bool operator==(const InstanceAddRequest&) const = default;
};

struct InstanceRemoveRequest {
  std::string name;
  bool operator==(const InstanceRemoveRequest&) const = default;
};

struct InterfaceAddRequest {
  std::string instance;
  InterfaceRole role = InterfaceRole::Downstream;
  std::string name;
  bool operator==(const InterfaceAddRequest&) const = default;
};

struct InterfaceRemoveRequest {
  std::string instance;
  std::string name;
  bool operator==(const InterfaceRemoveRequest&) const = default;
};

// Moves an interface, with its role, from one instance to another.
struct InterfaceMoveRequest {
  std::string name;
  std::string from;
  std::string to;
  bool operator==(const InterfaceMoveRequest&) const = default;
};

struct InterfaceRef {
  InterfaceRole role = InterfaceRole::Downstream;
  std::string name;
  bool operator==(const InterfaceRef&) const = default;
};

// `set INSTANCE [upstream|downstream IFNAME] OPTION VALUE...`. `words` is the
// option as the configuration file writes it ("query-interval 30s"); only its
// shape is checked here (one line, no ';' or '#'), the configuration parser
// checks the option itself.
struct SetRequest {
  std::string instance;
  std::optional<InterfaceRef> interface;
  std::string words;
  bool operator==(const SetRequest&) const = default;
};

// `static add|remove INSTANCE (GROUP | SOURCE) ==> IFNAME...`
struct StaticRoute {
  std::string instance;
  Address group;                    // a multicast address
  std::optional<Address> source;    // unset: any source (*, G)
  std::vector<std::string> downstreams;  // add: at least one; remove: empty = all
  bool operator==(const StaticRoute&) const = default;
};
struct StaticAddRequest {
  StaticRoute route;
  bool operator==(const StaticAddRequest&) const = default;
};
struct StaticRemoveRequest {
  StaticRoute route;
  bool operator==(const StaticRemoveRequest&) const = default;
};

struct ReloadRequest {
  bool operator==(const ReloadRequest&) const = default;
};
struct MetricsRequest {
  bool operator==(const MetricsRequest&) const = default;
};

using Request = std::variant<ShowRequest, InstanceAddRequest, InstanceRemoveRequest, InterfaceAddRequest,
                             InterfaceRemoveRequest, InterfaceMoveRequest, SetRequest, StaticAddRequest,
                             StaticRemoveRequest, ReloadRequest, MetricsRequest>;

// The "cmd" value of a request ("show", "instance-add", ...).
std::string_view command_name(const Request& request);

// Checks a decoded request line. The error says precisely what is wrong
// ("unknown command 'foo'", "interface-add: missing field 'role'", ...).
std::expected<Request, std::string> parse_request(const nlohmann::json& line);

// The JSON form of a request; parse_request(to_json(r)) == r for every valid r.
nlohmann::json to_json(const Request& request);

// The request in mcproxyctl's words ("set iptv downstream eth1 query-interval
// 30s"), for log lines of the daemon; mcproxyctl translates it back.
std::string describe(const Request& request);

// Parses `[table N] UP... ==> DOWN...` (the words of instance-add).
std::expected<InstanceAddRequest, std::string> parse_instance_words(std::string name, std::string_view words);
// The words of instance-add for `request`: "table 3 eth0 ==> eth1 eth2".
std::string instance_words(const InstanceAddRequest& request);

// Checks the option words of `set`: non-empty, one line, no ';' or '#'.
std::optional<std::string> check_option_words(std::string_view words);

}  // namespace mcproxy::control
