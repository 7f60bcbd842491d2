// Translation of an igmpproxy configuration into mcproxy's language (see
// igmpproxy_import.hpp). igmpproxy's grammar: whitespace-separated tokens,
// `#` comments; `quickleave`, `hashtablesize N`, `defaultdown`, `rescanvif`,
// `chroot DIR`, `user NAME`, and `phyint IF [upstream|downstream|disabled]
// [ratelimit N] [threshold N] [altnet A/N]... [whitelist A/N]...`.
#include "modules/config/igmpproxy_import.hpp"

#include "modules/common/address.hpp"
#include "modules/config/checker.hpp"
#include "modules/config/config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <optional>
#include <sstream>

namespace mcproxy::config {

bool ImportResult::has(ImportNote::Kind kind) const {
  return std::any_of(notes.begin(), notes.end(), [kind](const ImportNote& n) { return n.kind == kind; });
}

namespace {

struct Token {
  std::string text;
  int line = 0;
};

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> out;
  int line = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else {
      const std::size_t start = i;
      while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])) && text[i] != '#') ++i;
      out.push_back({std::string(text.substr(start, i - start)), line});
    }
  }
  return out;
}

// `a.b.c.d[/n]` as igmpproxy writes altnet and whitelist entries; the
// network part is masked as the kernel would.
struct Subnet {
  std::uint32_t network = 0;
  unsigned length = 32;
  std::uint32_t last() const { return length >= 32 ? network : network | (0xFFFFFFFFu >> length); }
  std::string to_string() const { return AddressV4(network).to_string() + "/" + std::to_string(length); }
};

std::optional<Subnet> parse_subnet(const std::string& s) {
  const auto slash = s.find('/');
  boost::system::error_code ec;
  const auto a = boost::asio::ip::make_address_v4(s.substr(0, slash), ec);
  if (ec) return std::nullopt;
  Subnet out;
  if (slash != std::string::npos) {
    const std::string len = s.substr(slash + 1);
    unsigned n = 0;
    auto [end, err] = std::from_chars(len.data(), len.data() + len.size(), n);
    if (err != std::errc{} || end != len.data() + len.size() || len.empty() || n > 32) return std::nullopt;
    out.length = n;
  }
  const std::uint32_t mask = out.length == 0 ? 0 : 0xFFFFFFFFu << (32 - out.length);
  out.network = a.to_uint() & mask;
  return out;
}

std::optional<unsigned> parse_number(const std::string& s) {
  unsigned n = 0;
  auto [end, err] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (err != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return n;
}

enum class Role { Upstream, Downstream, Disabled };

struct Entry {
  Subnet subnet;
  int line = 0;
};

struct Phyint {
  std::string name;
  int line = 0;
  Role role = Role::Disabled;
  unsigned ratelimit = 0;
  int ratelimit_line = 0;
  unsigned threshold = 1;
  int threshold_line = 0;
  std::vector<Entry> altnets;
  std::vector<Entry> whitelist;
};

// Names that mcproxy's lexer reads as one plain word need no quotes.
bool is_plain_name(const std::string& name) {
  static const char* const kKeywords[] = {"in", "out", "upstream", "downstream", "table", "static",
                                          "whitelist", "blacklist", "rulematching", "pinstance", "set",
                                          "protocol", "disable"};
  if (name.empty()) return false;
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (std::find(std::begin(kKeywords), std::end(kKeywords), lower) != std::end(kKeywords)) return false;
  bool word = false;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      word = true;
    } else if ((c == '.' || c == '-') && word) {
      word = false;
    } else {
      return false;
    }
  }
  return word;
}

std::string quoted(const std::string& name) { return is_plain_name(name) ? name : "\"" + name + "\""; }

constexpr std::uint32_t kMulticastFirst = 0xE0000000u;  // 224.0.0.0
constexpr std::uint32_t kMulticastLast = 0xEFFFFFFFu;   // 239.255.255.255

class Importer {
 public:
  ImportResult run(std::string_view text, const std::string& source_name);

 private:
  void note(ImportNote::Kind kind, int line, std::string message) {
    result_.notes.push_back({kind, line, std::move(message)});
  }
  void parse(const std::vector<Token>& tokens);
  std::size_t parse_phyint(const std::vector<Token>& tokens, std::size_t i);
  std::string render(const std::string& source_name);

  ImportResult result_;
  std::vector<Phyint> phyints_;
  bool quickleave_ = false;
  int quickleave_line_ = 0;
  bool defaultdown_ = false;
};

void Importer::parse(const std::vector<Token>& tokens) {
  if (tokens.empty()) note(ImportNote::Kind::Error, 1, "the file is empty (igmpproxy: \"Config file was empty\")");
  std::size_t i = 0;
  auto argument = [&](const Token& keyword) -> const Token* {
    if (i + 1 < tokens.size()) return &tokens[++i];
    note(ImportNote::Kind::Error, keyword.line, "'" + keyword.text + "' needs a value");
    return nullptr;
  };
  while (i < tokens.size()) {
    const Token& t = tokens[i];
    if (t.text == "phyint") {
      i = parse_phyint(tokens, i + 1);
      continue;
    }
    if (t.text == "quickleave") {
      quickleave_ = true;
      quickleave_line_ = t.line;
    } else if (t.text == "hashtablesize") {
      if (!argument(t)) break;
      note(ImportNote::Kind::Note, t.line,
           "hashtablesize: not needed, mcproxy tracks every host of a group without a fixed-size table");
    } else if (t.text == "defaultdown") {
      defaultdown_ = true;
      note(ImportNote::Kind::NotTranslated, t.line,
           "defaultdown: mcproxy has no default role; list every downstream interface in the pinstance line");
    } else if (t.text == "rescanvif") {
      note(ImportNote::Kind::Note, t.line,
           "rescanvif: mcproxy follows its configured interfaces as they appear, go and change addresses "
           "(netlink); interfaces not in the configuration are not picked up");
    } else if (t.text == "chroot") {
      if (!argument(t)) break;
      note(ImportNote::Kind::NotTranslated, t.line,
           "chroot " + tokens[i].text + ": no equivalent; confine mcproxy with systemd (ProtectSystem=, RootDirectory=)");
    } else if (t.text == "user") {
      if (!argument(t)) break;
      note(ImportNote::Kind::NotTranslated, t.line,
           "user " + tokens[i].text + ": not part of mcproxy's configuration; run the daemon as that user "
           "(systemd User= with CAP_NET_ADMIN and CAP_NET_RAW)");
    } else {
      note(ImportNote::Kind::Error, t.line, "unknown token '" + t.text + "' (igmpproxy refuses this file too)");
    }
    ++i;
  }
}

std::size_t Importer::parse_phyint(const std::vector<Token>& tokens, std::size_t i) {
  const int line = tokens[i - 1].line;
  if (i >= tokens.size()) {
    note(ImportNote::Kind::Error, line, "'phyint' needs an interface name");
    return i;
  }
  Phyint p;
  p.name = tokens[i].text;
  p.line = tokens[i].line;
  p.role = defaultdown_ ? Role::Downstream : Role::Disabled;
  bool ok = true;
  if (p.name.size() >= 16) {  // IF_NAMESIZE
    note(ImportNote::Kind::Error, p.line, "interface name '" + p.name + "' is longer than 15 characters");
    ok = false;
  }
  ++i;
  auto value = [&](const Token& keyword) -> const Token* {
    if (i + 1 < tokens.size()) return &tokens[++i];
    note(ImportNote::Kind::Error, keyword.line, "'" + keyword.text + "' needs a value");
    ok = false;
    return nullptr;
  };
  for (; i < tokens.size() && ok; ++i) {
    const Token& t = tokens[i];
    if (t.text == "upstream") {
      p.role = Role::Upstream;
    } else if (t.text == "downstream") {
      p.role = Role::Downstream;
    } else if (t.text == "disabled") {
      p.role = Role::Disabled;
    } else if (t.text == "ratelimit") {
      const Token* v = value(t);
      if (!v) break;
      auto n = parse_number(v->text);
      if (!n) {
        note(ImportNote::Kind::Error, v->line, "ratelimit '" + v->text + "' is not a number of 0 or more");
        ok = false;
        break;
      }
      p.ratelimit = *n;
      p.ratelimit_line = v->line;
    } else if (t.text == "threshold") {
      const Token* v = value(t);
      if (!v) break;
      auto n = parse_number(v->text);
      if (!n || *n < 1 || *n > 255) {
        note(ImportNote::Kind::Error, v->line, "threshold '" + v->text + "' is not between 1 and 255");
        ok = false;
        break;
      }
      p.threshold = *n;
      p.threshold_line = v->line;
    } else if (t.text == "altnet" || t.text == "whitelist") {
      const Token* v = value(t);
      if (!v) break;
      auto s = parse_subnet(v->text);
      if (!s) {
        note(ImportNote::Kind::Error, v->line, t.text + " '" + v->text + "' is not an IPv4 subnet a.b.c.d/n");
        ok = false;
        break;
      }
      (t.text == "altnet" ? p.altnets : p.whitelist).push_back({*s, v->line});
    } else {
      break;  // the next top-level statement
    }
  }
  if (!ok) return i + 1;
  // Linux allows '*' and '"' in a name; mcproxy reads '*' as a name pattern,
  // and a quoted name cannot hold a '"'.
  if (is_interface_pattern(p.name)) {
    note(ImportNote::Kind::NotTranslated, p.line,
         "interface name '" + p.name + "' contains '*', which mcproxy reads as a name pattern: left out");
    return i;
  }
  if (p.name.find('"') != std::string::npos) {
    note(ImportNote::Kind::NotTranslated, p.line,
         "interface name '" + p.name + "' contains '\"', which mcproxy's configuration cannot write: left out");
    return i;
  }
  const auto same = std::find_if(phyints_.begin(), phyints_.end(), [&](const Phyint& q) { return q.name == p.name; });
  if (same != phyints_.end()) {
    note(ImportNote::Kind::NotTranslated, p.line,
         "second phyint for " + p.name + " (first at line " + std::to_string(same->line) +
             "): igmpproxy uses the first one only, and so does this translation");
    return i;
  }
  phyints_.push_back(std::move(p));
  return i;
}

std::string Importer::render(const std::string& source_name) {
  const std::string inst = kImportedInstance;
  std::vector<const Phyint*> up, down, disabled;
  for (const auto& p : phyints_) {
    if (p.role == Role::Upstream) up.push_back(&p);
    if (p.role == Role::Downstream) down.push_back(&p);
    if (p.role == Role::Disabled) disabled.push_back(&p);
  }
  if (down.empty()) {
    note(ImportNote::Kind::Error, phyints_.empty() ? 1 : phyints_.back().line,
         "no downstream interface: mcproxy needs at least one (phyint IF downstream)");
    return {};
  }
  if (up.size() + down.size() > kMaxVifs) {
    // igmpproxy stops too: "addVIF, out of VIF space" is fatal there.
    const auto* last = up.size() > kMaxVifs ? up[kMaxVifs] : down[kMaxVifs - up.size()];
    note(ImportNote::Kind::Error, last->line,
         std::to_string(up.size() + down.size()) + " upstream and downstream interfaces; the kernel allows " +
             std::to_string(kMaxVifs) + " per multicast routing table (MAXVIFS)");
    return {};
  }
  if (up.empty())
    note(ImportNote::Kind::NotTranslated, down.front()->line,
         "no upstream interface (igmpproxy would not start): the instance is a querier for its downstreams only");
  if (up.size() > 1)
    note(ImportNote::Kind::Note, up[1]->line,
         "several upstreams: mcproxy subscribes each group at the first one whose filters admit it, in this order");

  std::ostringstream out;
  out << "# mcproxy configuration translated from the igmpproxy file " << source_name << "\n"
      << "# by `mcproxy --from-igmpproxy`. Check it with `mcproxy --check-config -f FILE`.\n\n"
      << "# IGMPv3 querier and host; IGMPv1/v2 hosts are served in compatibility mode.\n"
      << "protocol IGMPv3;\n\n"
      << "pinstance " << inst << ":";
  for (const auto* p : up) out << " " << quoted(p->name);
  out << " ==>";
  for (const auto* p : down) out << " " << quoted(p->name);
  out << ";\n";
  if (quickleave_) out << "pinstance " << inst << " quick-leave on;\n";

  for (const auto& p : phyints_) {
    if (p.role == Role::Disabled) continue;
    const bool is_up = p.role == Role::Upstream;
    const std::string prefix = "pinstance " + inst + (is_up ? " upstream " : " downstream ") + quoted(p.name);
    if (p.name.find(':') != std::string::npos)
      note(ImportNote::Kind::NotTranslated, p.line,
           p.name + " is an address alias, not an interface: mcproxy needs the interface's own name");
    if (p.ratelimit != 0)
      note(ImportNote::Kind::NotTranslated, p.ratelimit_line,
           "ratelimit " + std::to_string(p.ratelimit) + " on " + p.name + ": mcproxy sets no VIF rate limit");
    if (p.threshold != 1) {
      if (is_up) {
        // igmpproxy sets it on the upstream VIF, through which it never
        // forwards; mcproxy's upstream threshold filters what arrives there.
        note(ImportNote::Kind::NotTranslated, p.threshold_line,
             "threshold " + std::to_string(p.threshold) + " on the upstream " + p.name +
                 ": igmpproxy never forwards out of its upstream, so it had no effect; mcproxy's upstream "
                 "threshold would drop arriving data, so it is left out");
      } else {
        out << prefix << " threshold " << p.threshold << ";\n";
      }
    }
    if (!p.altnets.empty()) {
      out << prefix << " alternative-subnets";
      for (const auto& a : p.altnets) out << " " << a.subnet.to_string();
      out << ";\n";
      if (is_up)
        note(ImportNote::Kind::Note, p.altnets.front().line,
             "altnet on the upstream " + p.name + ": multicast data is taken there only from " + p.name +
                 "'s subnets and these prefixes, as in igmpproxy");
    }
    if (!p.whitelist.empty()) {
      // igmpproxy: reports for other groups are ignored on a downstream and
      // not sent on an upstream. mcproxy: the `out` filter of each.
      out << prefix << " out whitelist table {";
      for (const auto& w : p.whitelist) {
        const std::uint32_t first = std::max(w.subnet.network, kMulticastFirst);
        const std::uint32_t last = std::min(w.subnet.last(), kMulticastLast);
        if (first > last) {
          note(ImportNote::Kind::NotTranslated, w.line,
               "whitelist " + w.subnet.to_string() + " contains no multicast group: left out");
          continue;
        }
        if (first == w.subnet.network && last == w.subnet.last()) {
          out << " (" << w.subnet.to_string() << " | *)";
        } else {
          out << " (224.0.0.0/4 | *)";
          note(ImportNote::Kind::Note, w.line, "whitelist " + w.subnet.to_string() + " written as its multicast part 224.0.0.0/4");
        }
      }
      out << " };\n";
    }
  }
  if (!disabled.empty()) {
    out << "\n# disabled in igmpproxy, not used by mcproxy:";
    for (const auto* p : disabled) out << " " << p->name;
    out << "\n";
  }
  return out.str();
}

ImportResult Importer::run(std::string_view text, const std::string& source_name) {
  parse(tokenize(text));
  if (!result_.has(ImportNote::Kind::Error)) result_.configuration = render(source_name);
  if (result_.has(ImportNote::Kind::Error)) result_.configuration.clear();
  std::stable_sort(result_.notes.begin(), result_.notes.end(),
                   [](const ImportNote& a, const ImportNote& b) { return a.line < b.line; });
  return std::move(result_);
}

}  // namespace

ImportResult import_igmpproxy(std::string_view text, const std::string& source_name) {
  return Importer().run(text, source_name);
}

}  // namespace mcproxy::config
