// Recursive-descent parser of the configuration language (grammar in
// doc/configuration.md). Like mcproxy's own parser it rebuilds addresses and
// names from adjacent tokens: `239.1.1.1` is Word Dot Word Dot ..., `ff02::1`
// is Word Colon Colon Word; `eth0.100` and `veth-a` are names. Whitespace ends
// such a run, which is what tells `pinstance a: x` from an address.
#include "modules/config/parser.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>

namespace mcproxy::config {
namespace {

using namespace syntax;

constexpr std::size_t kMaxTableNesting = 32;   // `(table { (table { ...` depth
constexpr std::size_t kMaxDiagnostics = 100;   // then give up on the file

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// `word` spelled as `keyword` (lower case) in any case; no copy, as the
// parser asks this for every keyword it could be looking at.
bool equals_lower(std::string_view word, std::string_view keyword) {
  return word.size() == keyword.size() &&
         std::equal(word.begin(), word.end(), keyword.begin(),
                    [](unsigned char w, char k) { return static_cast<char>(std::tolower(w)) == k; });
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

enum class ValueType { Duration, Count, Bool, Prefixes, Address, Protocol };

struct OptionSpec {
  const char* name;
  ValueType type;
};

// Every option of an option statement; which level/role may use which is
// decided when the statement is applied (builder.cpp).
constexpr std::array<OptionSpec, 19> kOptions{{
    {"query-interval", ValueType::Duration},
    {"query-response-interval", ValueType::Duration},
    {"robustness", ValueType::Count},
    {"last-member-query-interval", ValueType::Duration},
    {"last-member-query-count", ValueType::Count},
    {"startup-query-interval", ValueType::Duration},
    {"startup-query-count", ValueType::Count},
    {"unsolicited-report-interval", ValueType::Duration},
    {"quick-leave", ValueType::Bool},
    {"alternative-subnets", ValueType::Prefixes},
    {"threshold", ValueType::Count},
    {"max-groups", ValueType::Count},
    {"max-sources", ValueType::Count},
    {"query-source", ValueType::Address},
    {"source-idle-timeout", ValueType::Duration},
    {"protocol", ValueType::Protocol},  // per instance: IGMP and MLD side by side
    {"max-groups-per-host", ValueType::Count},
    {"compatibility-mode", ValueType::Bool},
    {"host-report-rate", ValueType::Count},
}};

const OptionSpec* find_option(std::string_view name) {
  for (const auto& spec : kOptions) {
    if (name == spec.name) return &spec;
  }
  return nullptr;
}

// Applies a prefix length to an address: [network, broadcast].
std::pair<Address, Address> prefix_bounds(const Address& a, unsigned length) {
  if (a.is_v4()) {
    const std::uint32_t mask = length == 0 ? 0u : ~std::uint32_t{0} << (32 - length);
    const std::uint32_t v = a.to_v4().to_uint();
    return {Address(AddressV4(v & mask)), Address(AddressV4(v | ~mask))};
  }
  auto low = a.to_v6().to_bytes();
  auto high = low;
  for (unsigned i = 0; i < 16; ++i) {
    const unsigned bits_here = length > i * 8 ? std::min(8u, length - i * 8) : 0u;
    const auto mask = static_cast<unsigned char>(bits_here == 0 ? 0 : (0xff << (8 - bits_here)) & 0xff);
    low[i] = static_cast<unsigned char>(low[i] & mask);
    high[i] = static_cast<unsigned char>(high[i] | static_cast<unsigned char>(~mask));
  }
  return {Address(AddressV6(low)), Address(AddressV6(high))};
}

bool address_less_equal(const Address& a, const Address& b) {
  if (a.is_v4()) return a.to_v4().to_uint() <= b.to_v4().to_uint();
  return a.to_v6().to_bytes() <= b.to_v6().to_bytes();
}

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, std::vector<Diagnostic>& diagnostics)
      : tokens_(tokens), diagnostics_(diagnostics) {}

  std::vector<Statement> parse_all() {
    std::vector<Statement> statements;
    while (peek().kind != TokenKind::End) {
      if (diagnostics_.size() >= kMaxDiagnostics) {
        diagnostics_.push_back({peek().where, "too many errors, giving up on the rest of the file"});
        break;
      }
      if (peek().kind == TokenKind::Semicolon) {  // an empty statement
        next();
        continue;
      }
      failed_ = false;
      auto statement = parse_statement();
      // A statement can come back with an error reported (a forgotten `;`):
      // it is kept, the file fails anyway, and what follows makes sense.
      if (statement) statements.push_back(std::move(*statement));
      if (failed_ || !statement) recover();
    }
    return statements;
  }

 private:
  const Token& peek(std::size_t ahead = 0) const {
    const std::size_t at = std::min(position_ + ahead, tokens_.size() - 1);
    return tokens_[at];
  }
  const Token& next() {
    const Token& t = tokens_[position_];
    if (position_ + 1 < tokens_.size()) ++position_;
    return t;
  }
  // True if token `ahead` directly follows the one before it (no space).
  bool glued(std::size_t ahead) const {
    if (position_ + ahead == 0 || position_ + ahead >= tokens_.size()) return false;
    const Token& previous = peek(ahead - 1);
    const Token& t = peek(ahead);
    return t.kind != TokenKind::End && !t.quoted && !previous.quoted && previous.end == t.begin;
  }

  // True if token `ahead` glues onto the one before as part of a name,
  // number or address (`eth0.1`, `5s`, `a-b`, `::1`).
  bool continues(std::size_t ahead) const {
    const TokenKind k = peek(ahead).kind;
    return glued(ahead) &&
           (k == TokenKind::Word || k == TokenKind::Dot || k == TokenKind::Dash || k == TokenKind::Colon);
  }

  static std::string found(const Token& t) {
    if (t.kind == TokenKind::End) return "end of file";
    if (t.kind == TokenKind::Word) return "'" + t.text + "'";
    return describe(t.kind);
  }

  std::nullopt_t error(const SourceLocation& where, std::string message) {
    if (!failed_) diagnostics_.push_back({where, std::move(message)});
    failed_ = true;
    return std::nullopt;
  }
  std::nullopt_t expected(const std::string& what) {
    return error(peek().where, "expected " + what + ", found " + found(peek()));
  }

  // Skips the rest of a broken statement: up to and including the next `;`
  // that is not inside a `{ }` opened after the error, or up to a statement
  // keyword that starts a line (a forgotten `;`).
  void recover() {
    int depth = 0;
    while (peek().kind != TokenKind::End) {
      if (depth <= 0 && starts_statement_on_new_line()) return;
      const TokenKind kind = next().kind;
      if (kind == TokenKind::LeftBrace) ++depth;
      if (kind == TokenKind::RightBrace) --depth;
      if (kind == TokenKind::Semicolon && depth <= 0) return;
    }
  }

  bool is_keyword(const Token& t, std::string_view keyword) const {
    return t.kind == TokenKind::Word && !t.quoted && equals_lower(t.text, keyword);
  }
  bool at_keyword(std::string_view keyword) const {
    return is_keyword(peek(), keyword) && !continues(1);
  }

  // The lower-cased text of a hyphenated word run starting here (`query-interval`)
  // and how many tokens it spans; empty if no word starts here.
  std::pair<std::string, std::size_t> peek_hyphenated() const {
    if (peek().kind != TokenKind::Word || peek().quoted) return {"", 0};
    std::string text = lower(peek().text);
    std::size_t n = 1;
    while (peek(n).kind == TokenKind::Dash && glued(n) && peek(n + 1).kind == TokenKind::Word && glued(n + 1)) {
      text += "-" + lower(peek(n + 1).text);
      n += 2;
    }
    if (continues(n)) return {"", 0};  // e.g. `max-groups.x`: not an option keyword
    return {text, n};
  }

  // A statement keyword that is the first token of its line: most likely the
  // next statement after a forgotten `;`.
  bool starts_statement_on_new_line() const {
    if (position_ == 0) return false;
    const Token& t = peek();
    if (t.where.line == tokens_[position_ - 1].where.line) return false;
    for (const char* keyword : {"pinstance", "table", "protocol", "disable", "set"}) {
      if (is_keyword(t, keyword)) return true;
    }
    return false;
  }

  bool expect(TokenKind kind, const std::string& what) {
    if (peek().kind != kind) {
      expected(what);
      return false;
    }
    next();
    return true;
  }
  // `;`, or the end of the text: mcproxy split its file at `;`, so a last
  // statement without one was accepted, and a control-socket line needs none.
  bool at_end_of_statement() const {
    return peek().kind == TokenKind::Semicolon || peek().kind == TokenKind::End;
  }
  bool expect_end_of_statement() {
    if (peek().kind == TokenKind::End) return true;
    return expect(TokenKind::Semicolon, "';'");
  }

  // A name: a quoted name, or a word with glued `.`, `-` and words (`eth0.100`).
  std::optional<Name> read_name(const std::string& what) {
    const Token& first = peek();
    if (first.kind != TokenKind::Word) return expected(what);
    Name name{first.text, first.where};
    next();
    if (first.quoted) return name;
    while ((peek().kind == TokenKind::Word || peek().kind == TokenKind::Dot || peek().kind == TokenKind::Dash) &&
           glued(0)) {
      name.text += next().text;
    }
    return name;
  }

  // An interface name, or a downstream name pattern with glued `*` (`ppp*`,
  // `vlan1*`): interfaces that match are taken as they appear (doc/configuration.md).
  std::optional<Name> read_interface_name(const std::string& what) {
    const bool quoted = peek().kind == TokenKind::Word && peek().quoted;
    auto name = read_name(what);
    if (!name || quoted) return name;
    while (peek().kind == TokenKind::Star && glued(0)) {
      name->text += next().text;
      while ((peek().kind == TokenKind::Word || peek().kind == TokenKind::Dot || peek().kind == TokenKind::Dash) &&
             glued(0)) {
        name->text += next().text;
      }
    }
    return name;
  }

  // The text of an address: words, dots and colons without spaces between them.
  std::optional<std::pair<std::string, SourceLocation>> read_address_text(const std::string& what) {
    const Token& first = peek();
    if ((first.kind != TokenKind::Word && first.kind != TokenKind::Colon) || first.quoted) return expected(what);
    std::string text = first.text;
    const SourceLocation where = first.where;
    next();
    while ((peek().kind == TokenKind::Word || peek().kind == TokenKind::Dot || peek().kind == TokenKind::Colon) &&
           glued(0)) {
      text += next().text;
    }
    return std::make_pair(text, where);
  }

  std::optional<Address> read_address(const std::string& what, SourceLocation* where_out = nullptr) {
    auto text = read_address_text(what);
    if (!text) return std::nullopt;
    if (where_out) *where_out = text->second;
    boost::system::error_code ec;
    const Address a = boost::asio::ip::make_address(text->first, ec);
    if (ec) return error(text->second, "'" + text->first + "' is not an IP address");
    return a;
  }

  std::optional<unsigned> read_prefix_length(const Address& network) {
    const Token& t = peek();
    const unsigned max = network.is_v4() ? 32 : 128;
    if (t.kind != TokenKind::Word || !all_digits(t.text)) return expected("a prefix length");
    if (t.text.size() > 3 || std::stoul(t.text) > max) {
      return error(t.where, "prefix length /" + t.text + " is out of range 0.." + std::to_string(max));
    }
    next();
    return static_cast<unsigned>(std::stoul(t.text));
  }

  // `*`, `A`, `A/N` or `A - B`.
  std::optional<AddressSpec> read_address_spec(const std::string& what) {
    AddressSpec spec;
    spec.where = peek().where;
    if (peek().kind == TokenKind::Star) {
      next();
      spec.any = true;
      return spec;
    }
    auto first = read_address(what);
    if (!first) return std::nullopt;
    spec.first = spec.last = *first;
    if (peek().kind == TokenKind::Slash) {
      next();
      auto length = read_prefix_length(*first);
      if (!length) return std::nullopt;
      std::tie(spec.first, spec.last) = prefix_bounds(*first, *length);
    } else if (peek().kind == TokenKind::Dash) {
      next();
      SourceLocation last_where;
      auto last = read_address("the end of the address range", &last_where);
      if (!last) return std::nullopt;
      if (last->is_v4() != first->is_v4()) {
        return error(last_where, "address range " + first->to_string() + " - " + last->to_string() +
                                     " mixes IPv4 and IPv6");
      }
      if (!address_less_equal(*first, *last)) {
        return error(last_where, "address range " + first->to_string() + " - " + last->to_string() +
                                     " ends before it starts");
      }
      spec.last = *last;
    }
    return spec;
  }

  // A positive whole number (`123`).
  std::optional<unsigned> read_count(const std::string& what) {
    const Token& t = peek();
    if (t.kind != TokenKind::Word || t.quoted || !all_digits(t.text) || continues(1)) return expected(what);
    if (t.text.size() > 10 || std::stoull(t.text) > std::numeric_limits<std::uint32_t>::max()) {
      return error(t.where, "number " + t.text + " is too large");
    }
    next();
    return static_cast<unsigned>(std::stoull(t.text));
  }

  std::optional<Duration> read_duration(const std::string& what, long long bare_unit_ms) {
    const Token& first = peek();
    if (first.kind != TokenKind::Word || first.quoted || !std::isdigit(static_cast<unsigned char>(first.text[0]))) {
      return expected(what);
    }
    std::string text = next().text;
    while ((peek().kind == TokenKind::Word || peek().kind == TokenKind::Dot) && glued(0)) text += next().text;
    auto d = parse_duration(text, bare_unit_ms);
    if (!d) {
      return error(first.where, "'" + text + "' is not a duration (a number with unit ms, s, m or h)");
    }
    return d;
  }

  std::optional<Statement> parse_statement() {
    const Token& t = peek();
    if (at_keyword("disable")) {
      next();
      if (!expect_end_of_statement()) return std::nullopt;
      return DisableStatement{t.where};
    }
    if (at_keyword("protocol")) return parse_protocol();
    if (at_keyword("table")) return parse_table_statement();
    if (at_keyword("pinstance") || at_keyword("set")) return parse_pinstance();
    return expected("a statement ('protocol', 'pinstance', 'table' or 'disable')");
  }

  std::optional<Statement> parse_protocol() {
    next();
    const Token& t = peek();
    auto protocol = read_protocol();
    if (!protocol) return std::nullopt;
    if (!expect_end_of_statement()) return std::nullopt;
    return ProtocolStatement{*protocol, t.where};
  }

  std::optional<Protocol> read_protocol() {
    static const std::array<std::pair<const char*, Protocol>, 5> kProtocols{{
        {"igmpv1", Protocol::IGMPv1},
        {"igmpv2", Protocol::IGMPv2},
        {"igmpv3", Protocol::IGMPv3},
        {"mldv1", Protocol::MLDv1},
        {"mldv2", Protocol::MLDv2},
    }};
    for (const auto& [name, protocol] : kProtocols) {
      if (is_keyword(peek(), name) && !continues(1)) {
        next();
        return protocol;
      }
    }
    return expected("IGMPv1, IGMPv2, IGMPv3, MLDv1 or MLDv2");
  }

  std::optional<Statement> parse_table_statement() {
    next();
    auto name = read_name("a table name");
    if (!name) return std::nullopt;
    if (peek().kind != TokenKind::LeftBrace) return expected("'{' after the table name");
    auto table = parse_table_body(name->text, name->where, 0);
    if (!table) return std::nullopt;
    // mcproxy wrote `};`; the `;` after a table's `}` is optional here.
    if (peek().kind == TokenKind::Semicolon) next();
    return TableStatement{std::move(*table)};
  }

  // `{ RULE... }` starting at the `{`.
  std::optional<RawTable> parse_table_body(std::string name, SourceLocation where, std::size_t depth) {
    const Token& open = next();
    if (depth >= kMaxTableNesting) {
      return error(open.where, "tables nested more than " + std::to_string(kMaxTableNesting) + " deep");
    }
    RawTable table{std::move(name), where, {}};
    while (peek().kind != TokenKind::RightBrace) {
      if (peek().kind == TokenKind::End || peek().kind == TokenKind::Semicolon) {
        return error(open.where, "table is not closed: '}' expected before " + found(peek()) + " at line " +
                                     std::to_string(peek().where.line));
      }
      auto rule = parse_rule(depth);
      if (!rule) return std::nullopt;
      table.rules.push_back(std::move(*rule));
    }
    next();
    return table;
  }

  // `[IF](GROUP | SOURCE)`, `[IF](table NAME)`, `[IF](table {...})`.
  std::optional<RawRule> parse_rule(std::size_t depth) {
    RawRule rule;
    rule.where = peek().where;
    if (peek().kind == TokenKind::Word) {
      auto ifname = read_name("an interface name");
      if (!ifname) return std::nullopt;
      rule.interface = ifname->text;
    }
    if (!expect(TokenKind::LeftParen, "'(' to start a rule '(GROUP | SOURCE)'")) return std::nullopt;
    if (at_keyword("table")) {
      next();
      if (peek().kind == TokenKind::LeftBrace) {
        auto nested = parse_table_body("", peek().where, depth + 1);
        if (!nested) return std::nullopt;
        rule.nested.push_back(std::move(*nested));
      } else {
        auto name = read_name("a table name or '{'");
        if (!name) return std::nullopt;
        rule.table_reference = *name;
      }
    } else {
      auto group = read_address_spec("a group address, range, prefix or '*'");
      if (!group) return std::nullopt;
      rule.group = *group;
      if (!expect(TokenKind::Pipe, "'|' between group and source")) return std::nullopt;
      auto source = read_address_spec("a source address, range, prefix or '*'");
      if (!source) return std::nullopt;
      rule.source = *source;
    }
    if (!expect(TokenKind::RightParen, "')' to close the rule")) return std::nullopt;
    return rule;
  }

  std::optional<Statement> parse_pinstance() {
    next();
    auto instance = read_name("an instance name");
    if (!instance) return std::nullopt;
    if (peek().kind == TokenKind::Colon || peek().kind == TokenKind::LeftParen) return parse_definition(*instance);
    if (at_keyword("upstream") || at_keyword("downstream")) return parse_interface_statement(*instance);
    if (at_keyword("rulematching")) {
      RuleMatchingStatement statement;
      statement.instance = *instance;
      if (!parse_rule_matching(statement)) return std::nullopt;
      return statement;
    }
    if (at_keyword("static")) return parse_static(*instance);
    OptionStatement statement;
    statement.instance = *instance;
    if (!parse_options(statement.options)) return std::nullopt;
    return statement;
  }

  std::optional<Statement> parse_definition(Name instance) {
    InstanceStatement statement;
    statement.name = std::move(instance);
    if (peek().kind == TokenKind::LeftParen) {
      next();
      statement.table_where = peek().where;
      auto table = read_count("a multicast routing table number");
      if (!table) return std::nullopt;
      statement.table = *table;
      if (!expect(TokenKind::RightParen, "')' after the table number")) return std::nullopt;
    }
    if (!expect(TokenKind::Colon, "':' after the instance name")) return std::nullopt;
    while (peek().kind == TokenKind::Word && !starts_statement_on_new_line()) {
      auto name = read_name("an upstream interface name");
      if (!name) return std::nullopt;
      statement.upstreams.push_back(*name);
    }
    if (!expect(TokenKind::Arrow, "an upstream interface name or '==>'")) return std::nullopt;
    while (peek().kind == TokenKind::Word && !starts_statement_on_new_line()) {
      auto name = read_interface_name("a downstream interface name");
      if (!name) return std::nullopt;
      statement.downstreams.push_back(*name);
    }
    if (starts_statement_on_new_line() && !statement.downstreams.empty()) {
      // A forgotten `;`: report it, but keep the definition, so that the
      // statements about this instance do not all fail as "unknown instance".
      expected("';' at the end of the definition of instance '" + statement.name.text + "'");
      return statement;
    }
    if (starts_statement_on_new_line()) return expected("';'");
    if (!at_end_of_statement()) return expected("a downstream interface name or ';'");
    if (statement.downstreams.empty()) {
      return error(peek().where, "instance '" + statement.name.text +
                                     "' needs at least one downstream interface after '==>'");
    }
    expect_end_of_statement();
    return statement;
  }

  std::optional<Statement> parse_interface_statement(Name instance) {
    const Role role = at_keyword("upstream") ? Role::Upstream : Role::Downstream;
    next();
    Name interface;
    if (peek().kind == TokenKind::Star) {
      interface = {"*", peek().where};
      next();
    } else {
      auto name = read_interface_name("an interface name or '*'");
      if (!name) return std::nullopt;
      interface = *name;
    }
    if (at_keyword("in") || at_keyword("out")) {
      const Direction direction = at_keyword("in") ? Direction::In : Direction::Out;
      next();
      if (at_keyword("rulematching")) {
        RuleMatchingStatement statement;
        statement.instance = std::move(instance);
        statement.role = role;
        statement.direction = direction;
        if (!parse_rule_matching(statement)) return std::nullopt;
        return statement;
      }
      FilterStatement statement;
      statement.instance = std::move(instance);
      statement.role = role;
      statement.interface = std::move(interface);
      statement.direction = direction;
      statement.kind_where = peek().where;
      if (at_keyword("whitelist")) {
        statement.kind = FilterKind::Whitelist;
      } else if (at_keyword("blacklist")) {
        statement.kind = FilterKind::Blacklist;
      } else {
        return expected("'whitelist', 'blacklist' or 'rulematching'");
      }
      next();
      if (!at_keyword("table")) return expected("'table'");
      next();
      if (peek().kind == TokenKind::LeftBrace) {
        auto table = parse_table_body("", peek().where, 0);
        if (!table) return std::nullopt;
        statement.anonymous.push_back(std::move(*table));
      } else {
        auto name = read_name("a table name or '{'");
        if (!name) return std::nullopt;
        statement.table_reference = *name;
      }
      if (!expect_end_of_statement()) return std::nullopt;
      return statement;
    }
    if (interface.text == "*" ) return expected("'in' or 'out' after '*'");
    OptionStatement statement;
    statement.instance = std::move(instance);
    statement.role = role;
    statement.interface = std::move(interface);
    if (!parse_options(statement.options)) return std::nullopt;
    return statement;
  }

  // At `rulematching`: `all`, `first` or `mutex MS` (a bare number is
  // milliseconds there, as in mcproxy), then `;`.
  bool parse_rule_matching(RuleMatchingStatement& statement) {
    next();
    statement.kind_where = peek().where;
    if (at_keyword("all")) {
      next();
      statement.matching = {RuleMatching::Kind::All, Duration{0}};
    } else if (at_keyword("first")) {
      next();
      statement.matching = {RuleMatching::Kind::First, Duration{0}};
    } else if (at_keyword("mutex")) {
      next();
      auto timeout = read_duration("the mutex timeout (milliseconds)", 1);
      if (!timeout) return false;
      statement.matching = {RuleMatching::Kind::Mutex, *timeout};
    } else {
      expected("'all', 'first' or 'mutex'");
      return false;
    }
    return expect_end_of_statement();
  }

  std::optional<Statement> parse_static(Name instance) {
    next();
    StaticStatement statement;
    statement.instance = std::move(instance);
    statement.where = peek().where;
    if (!expect(TokenKind::LeftParen, "'(' to start '(GROUP | SOURCE)'")) return std::nullopt;
    auto group = read_address_spec("a group address");
    if (!group) return std::nullopt;
    if (group->any || group->first != group->last) {
      return error(group->where, "a static forwarding entry needs a single group address");
    }
    statement.group = *group;
    statement.source.any = true;
    statement.source.where = group->where;
    if (peek().kind == TokenKind::Pipe) {
      next();
      auto source = read_address_spec("a source address or '*'");
      if (!source) return std::nullopt;
      if (!source->any && source->first != source->last) {
        return error(source->where, "a static forwarding entry needs a single source address or '*'");
      }
      statement.source = *source;
    }
    if (!expect(TokenKind::RightParen, "')'")) return std::nullopt;
    if (!expect(TokenKind::Arrow, "'==>' and the downstream interfaces")) return std::nullopt;
    while (peek().kind == TokenKind::Word && !starts_statement_on_new_line()) {
      auto name = read_name("a downstream interface name");
      if (!name) return std::nullopt;
      statement.downstreams.push_back(*name);
    }
    if (starts_statement_on_new_line()) return expected("';'");
    if (!at_end_of_statement()) return expected("a downstream interface name or ';'");
    if (statement.downstreams.empty()) {
      return error(peek().where, "a static forwarding entry needs at least one downstream interface");
    }
    expect_end_of_statement();
    return statement;
  }

  // `OPTION VALUE... [OPTION VALUE...]... ;`
  bool parse_options(std::vector<Option>& options) {
    if (at_end_of_statement()) {
      expected("an option");
      return false;
    }
    while (!at_end_of_statement()) {
      const auto [name, span] = peek_hyphenated();
      const OptionSpec* spec = span == 0 ? nullptr : find_option(name);
      if (spec == nullptr) {
        if (span == 0) {
          expected("an option");
        } else {
          error(peek().where, "unknown option '" + name + "'");
        }
        return false;
      }
      Option option;
      option.name = spec->name;
      option.where = peek().where;
      for (std::size_t i = 0; i < span; ++i) next();
      const std::string what = std::string("a value for ") + spec->name;
      switch (spec->type) {
        case ValueType::Duration: {
          auto d = read_duration(what + " (e.g. 125s, 500ms)", 1000);
          if (!d) return false;
          option.value = *d;
          break;
        }
        case ValueType::Count: {
          auto n = read_count(what);
          if (!n) return false;
          option.value = *n;
          break;
        }
        case ValueType::Bool: {
          if (at_keyword("on") || at_keyword("yes") || at_keyword("true")) {
            option.value = true;
          } else if (at_keyword("off") || at_keyword("no") || at_keyword("false")) {
            option.value = false;
          } else {
            expected("'on' or 'off'");
            return false;
          }
          next();
          break;
        }
        case ValueType::Protocol: {
          auto p = read_protocol();
          if (!p) return false;
          option.value = *p;
          break;
        }
        case ValueType::Prefixes: {
          std::vector<Prefix> prefixes;
          while (starts_prefix()) {
            auto address = read_address("a prefix");
            if (!address) return false;
            unsigned length = address->is_v4() ? 32 : 128;
            if (peek().kind == TokenKind::Slash) {
              next();
              auto l = read_prefix_length(*address);
              if (!l) return false;
              length = *l;
            }
            prefixes.push_back(Prefix{prefix_bounds(*address, length).first, length});
          }
          if (prefixes.empty()) {
            expected("a prefix (e.g. 10.20.0.0/16)");
            return false;
          }
          option.value = std::move(prefixes);
          break;
        }
        case ValueType::Address: {
          if (!starts_prefix()) {
            expected(what + " (an IP address)");
            return false;
          }
          auto address = read_address(what);
          if (!address) return false;
          option.value = *address;
          break;
        }
      }
      options.push_back(std::move(option));
    }
    return expect_end_of_statement();
  }

  // Whether an address (not the next option keyword) starts here.
  bool starts_prefix() const {
    if (peek().kind == TokenKind::Colon) return true;
    if (peek().kind != TokenKind::Word || peek().quoted) return false;
    const auto [name, span] = peek_hyphenated();
    return span == 0 || find_option(name) == nullptr;
  }

  const std::vector<Token>& tokens_;
  std::vector<Diagnostic>& diagnostics_;
  std::size_t position_ = 0;
  bool failed_ = false;
};

}  // namespace

std::optional<Duration> parse_duration(std::string_view text, long long bare_unit_ms) {
  // NUMBER [. FRACTION] [ms|s|m|h]
  std::size_t i = 0;
  long long whole = 0;
  if (i >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    whole = whole * 10 + (text[i] - '0');
    if (whole > 1'000'000'000'000LL) return std::nullopt;
  }
  long long fraction = 0;  // in 1/1000
  if (i < text.size() && text[i] == '.') {
    ++i;
    int digits = 0;
    if (i >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, ++digits) {
      if (digits >= 3) {
        if (text[i] != '0') return std::nullopt;  // finer than 1/1000 of the unit
        continue;
      }
      fraction = fraction * 10 + (text[i] - '0');
    }
    for (; digits < 3; ++digits) fraction *= 10;
  }
  const std::string unit = lower(text.substr(i));
  long long unit_ms = 0;
  if (unit.empty()) {
    unit_ms = bare_unit_ms;
  } else if (unit == "ms") {
    unit_ms = 1;
  } else if (unit == "s") {
    unit_ms = 1000;
  } else if (unit == "m") {
    unit_ms = 60'000;
  } else if (unit == "h") {
    unit_ms = 3'600'000;
  } else {
    return std::nullopt;
  }
  if (fraction * unit_ms % 1000 != 0) return std::nullopt;  // below one millisecond
  const long long ms = whole * unit_ms + fraction * unit_ms / 1000;
  if (ms > 1'000'000'000'000LL || whole > 1'000'000'000'000LL / unit_ms) return std::nullopt;
  return Duration{ms};
}

SyntaxResult parse_syntax(std::string_view text, const std::string& file_name) {
  LexResult lexed = lex(text, file_name);
  SyntaxResult result;
  result.diagnostics = std::move(lexed.diagnostics);
  Parser parser(lexed.tokens, result.diagnostics);
  result.statements = parser.parse_all();
  return result;
}

}  // namespace mcproxy::config
