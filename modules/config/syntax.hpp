// The parsed statements of a configuration text, before they are applied to
// a Configuration: table references unresolved, `*` not yet given a family.
#pragma once

#include "modules/config/config.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mcproxy::config::syntax {

struct Name {
  std::string text;
  SourceLocation where;
};

// `*`, `A`, `A - B` or `A/N` (the family of `*` is the protocol's).
struct AddressSpec {
  bool any = false;
  Address first;
  Address last;
  SourceLocation where;
};

struct RawTable;

// `[IF](GROUP | SOURCE)`, `[IF](table NAME)` or `[IF](table { ... })`.
struct RawRule {
  std::string interface;
  SourceLocation where;
  AddressSpec group;
  AddressSpec source;
  std::optional<Name> table_reference;
  std::vector<RawTable> nested;  // zero or one anonymous table
};

struct RawTable {
  std::string name;  // empty: anonymous
  SourceLocation where;
  std::vector<RawRule> rules;
};

struct DisableStatement {
  SourceLocation where;
};

struct ProtocolStatement {
  Protocol protocol = Protocol::IGMPv3;
  SourceLocation where;
};

struct TableStatement {
  RawTable table;
};

// `pinstance NAME[(TABLE)]: UP... ==> DOWN...;`
struct InstanceStatement {
  Name name;
  std::optional<std::uint32_t> table;
  SourceLocation table_where;
  std::vector<Name> upstreams;
  std::vector<Name> downstreams;
};

// `pinstance NAME upstream|downstream IF in|out whitelist|blacklist table T|{...};`
struct FilterStatement {
  Name instance;
  Role role = Role::Upstream;
  Name interface;
  Direction direction = Direction::In;
  FilterKind kind = FilterKind::Whitelist;
  SourceLocation kind_where;
  std::optional<Name> table_reference;
  std::vector<RawTable> anonymous;  // zero or one
};

// `pinstance NAME upstream|downstream IF in|out rulematching KIND [MS];` and the
// short form `pinstance NAME rulematching KIND [MS];` (direction unset).
struct RuleMatchingStatement {
  Name instance;
  std::optional<Role> role;
  std::optional<Direction> direction;
  RuleMatching matching;
  SourceLocation kind_where;
};

// One `OPTION VALUE...` of an option statement.
struct Option {
  std::string name;  // the keyword, e.g. "query-interval"
  SourceLocation where;
  std::variant<Duration, unsigned, bool, std::vector<Prefix>, Address, Protocol> value;
};

// `pinstance NAME [upstream|downstream IF] OPTION VALUE...;` (also `set ...`).
struct OptionStatement {
  Name instance;
  std::optional<Role> role;
  Name interface;
  std::vector<Option> options;
};

// `pinstance NAME static (GROUP [| SOURCE]) ==> IF...;`
struct StaticStatement {
  Name instance;
  AddressSpec group;
  AddressSpec source;
  SourceLocation where;
  std::vector<Name> downstreams;
};

using Statement = std::variant<DisableStatement, ProtocolStatement, TableStatement, InstanceStatement,
                               FilterStatement, RuleMatchingStatement, OptionStatement, StaticStatement>;

}  // namespace mcproxy::config::syntax
