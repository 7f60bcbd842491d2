// The configuration model's behaviour: address ranges and rule matching,
// filter semantics (mcproxy's whitelist/blacklist), timer resolution with the
// defaults of RFC 3376 §8 / RFC 3810 §9, look-ups.
#include "modules/config/config.hpp"

#include <algorithm>
#include <utility>

namespace mcproxy::config {
namespace {

// Compares two addresses of the same family as unsigned numbers.
bool less_equal(const Address& a, const Address& b) {
  if (a.is_v4()) return a.to_v4().to_uint() <= b.to_v4().to_uint();
  return a.to_v6().to_bytes() <= b.to_v6().to_bytes();
}

}  // namespace

const char* to_string(Protocol p) {
  switch (p) {
    case Protocol::IGMPv1: return "IGMPv1";
    case Protocol::IGMPv2: return "IGMPv2";
    case Protocol::IGMPv3: return "IGMPv3";
    case Protocol::MLDv1: return "MLDv1";
    case Protocol::MLDv2: return "MLDv2";
  }
  return "?";
}

bool AddressRange::contains(const Address& a) const {
  if (a.is_v4() != first.is_v4() || a.is_v4() != last.is_v4()) return false;
  return less_equal(first, a) && less_equal(a, last);
}

bool AddressRange::empty() const {
  return first.is_v4() == last.is_v4() && !less_equal(first, last);
}

AddressRange AddressRange::multicast_part() const {
  if (first.is_v4()) {
    const std::uint32_t lo = std::max(first.to_v4().to_uint(), 0xe0000000u);  // 224.0.0.0
    const std::uint32_t hi = std::min(last.to_v4().to_uint(), 0xefffffffu);   // 239.255.255.255
    if (lo > hi) return {Address(AddressV4(0xf0000000u)), Address(AddressV4(0xefffffffu))};
    return {Address(AddressV4(lo)), Address(AddressV4(hi))};
  }
  AddressV6::bytes_type ff00{};
  ff00[0] = 0xff;
  const Address start{AddressV6(ff00)};
  if (last.to_v6().to_bytes()[0] != 0xff) return {start, Address(AddressV6::any())};  // empty
  return {less_equal(first, start) ? start : first, last};
}

AddressRange AddressRange::any(Family f) {
  if (f == Family::V4) return {Address(AddressV4::any()), Address(AddressV4::broadcast())};
  AddressV6::bytes_type all_ones;
  all_ones.fill(0xff);
  return {Address(AddressV6::any()), Address(AddressV6(all_ones))};
}

// mcproxy: a rule without an interface name applies to every interface; with
// one, only to (data from / memberships of) that interface.
bool Rule::matches(const std::string& ifname, const Address& group_address, const Address& source_address) const {
  if (!interface.empty() && interface != ifname) return false;
  return group.contains(group_address) && source.contains(source_address);
}

bool Table::matches(const std::string& ifname, const Address& group_address, const Address& source_address) const {
  for (const Rule& rule : rules) {
    if (rule.matches(ifname, group_address, source_address)) return true;
  }
  return false;
}

bool FilterBinding::admits(const std::string& ifname, const Address& group_address,
                           const Address& source_address) const {
  const bool match = table.matches(ifname, group_address, source_address);
  return kind == FilterKind::Whitelist ? match : !match;
}

Timers effective(Protocol p, const TimerOptions& instance, const TimerOptions* interface) {
  auto pick = [&](auto member) {
    if (interface && (interface->*member)) return (interface->*member);
    return instance.*member;
  };
  Timers t;
  // RFC 3376 §8.1 / RFC 3810 §9.1: Robustness Variable, default 2.
  t.robustness = pick(&TimerOptions::robustness).value_or(2);
  // §8.2 / §9.2: Query Interval, default 125 s.
  t.query_interval = pick(&TimerOptions::query_interval).value_or(Duration{125'000});
  // §8.3 / §9.3: Query Response Interval, default 10 s.
  t.query_response_interval = pick(&TimerOptions::query_response_interval).value_or(Duration{10'000});
  // §8.6 / §9.6: Startup Query Interval, default 1/4 of the Query Interval.
  t.startup_query_interval = pick(&TimerOptions::startup_query_interval).value_or(t.query_interval / 4);
  // §8.7 / §9.7: Startup Query Count, default the Robustness Variable.
  t.startup_query_count = pick(&TimerOptions::startup_query_count).value_or(t.robustness);
  // §8.8 / §9.8: Last Member (Listener) Query Interval, default 1 s.
  t.last_member_query_interval = pick(&TimerOptions::last_member_query_interval).value_or(Duration{1'000});
  // §8.9 / §9.9: Last Member (Listener) Query Count, default the Robustness Variable.
  t.last_member_query_count = pick(&TimerOptions::last_member_query_count).value_or(t.robustness);
  // §8.11 / §9.11: Unsolicited Report Interval, 1 s for IGMPv3 and MLDv2;
  // 10 s for IGMPv1/v2 (RFC 2236 §8.10) and MLDv1 (RFC 2710 §7.10).
  const bool version_3 = p == Protocol::IGMPv3 || p == Protocol::MLDv2;
  t.unsolicited_report_interval =
      pick(&TimerOptions::unsolicited_report_interval).value_or(Duration{version_3 ? 1'000 : 10'000});
  return t;
}

bool Prefix::contains(const Address& a) const {
  if (a.is_v4() != network.is_v4()) return false;
  if (a.is_v4()) {
    if (length == 0) return true;
    const std::uint32_t mask = length >= 32 ? ~std::uint32_t{0} : ~std::uint32_t{0} << (32 - length);
    return (a.to_v4().to_uint() & mask) == (network.to_v4().to_uint() & mask);
  }
  const auto x = a.to_v6().to_bytes();
  const auto n = network.to_v6().to_bytes();
  for (unsigned i = 0; i < 16; ++i) {
    const unsigned bits = length > i * 8 ? (length - i * 8 >= 8 ? 8u : length - i * 8) : 0u;
    if (bits == 0) break;
    const auto mask = static_cast<unsigned char>((0xff << (8 - bits)) & 0xff);
    if ((x[i] & mask) != (n[i] & mask)) return false;
  }
  return true;
}

const InterfaceConfig* InstanceConfig::find_interface(const std::string& ifname) const {
  for (const auto& i : upstreams) {
    if (i.name == ifname) return &i;
  }
  for (const auto& i : downstreams) {
    if (i.name == ifname) return &i;
  }
  return nullptr;
}

InterfaceConfig* InstanceConfig::find_interface(const std::string& ifname) {
  return const_cast<InterfaceConfig*>(std::as_const(*this).find_interface(ifname));
}

const InstanceConfig* Configuration::find_instance(const std::string& name) const {
  for (const auto& i : instances) {
    if (i.name == name) return &i;
  }
  return nullptr;
}

InstanceConfig* Configuration::find_instance(const std::string& name) {
  return const_cast<InstanceConfig*>(std::as_const(*this).find_instance(name));
}

bool is_interface_pattern(std::string_view name) { return name.find('*') != std::string_view::npos; }

bool interface_pattern_matches(std::string_view pattern, std::string_view name) {
  // Iterative glob with '*' only: remember the last star and retry from there.
  std::size_t p = 0, n = 0, star = std::string_view::npos, resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (p < pattern.size() && pattern[p] == name[n]) {
      ++p;
      ++n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace mcproxy::config
