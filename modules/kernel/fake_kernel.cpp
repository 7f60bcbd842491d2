// FakeKernel: in-memory ipmr/ip6mr tables and rules, eventfd-backed descriptors.
#include "modules/kernel/fake_kernel.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mcproxy::kernel {
namespace {

const char* fam(Family f) { return f == Family::V4 ? "v4" : "v6"; }

void signal_readable(int fd) {
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(fd, &one, sizeof one);
}

void consume_readable(int fd) {
  std::uint64_t v = 0;
  [[maybe_unused]] auto n = ::read(fd, &v, sizeof v);  // EFD_SEMAPHORE: takes one
}

}  // namespace

void FakeKernel::fail_next(const std::string& call, int error) {
  std::lock_guard lock(mutex_);
  failures_[call] = error;
}

KernelStatus FakeKernel::record(const std::string& call, const std::string& line) {
  calls_.push_back(call + (line.empty() ? "" : " " + line));
  if (auto it = failures_.find(call); it != failures_.end()) {
    const int e = it->second;
    failures_.erase(it);
    return std::unexpected(KernelError{call, e, line});
  }
  return {};
}

KernelResult<Fd> FakeKernel::new_fd(const std::string& call, const std::string& line) {
  if (auto s = record(call, line); !s) return std::unexpected(s.error());
  Fd fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC | EFD_SEMAPHORE));
  if (!fd) return errno_error("eventfd");
  opened_[line.empty() ? call : call + " " + line] = fd.get();
  return fd;
}

FakeKernel::Table* FakeKernel::table_of(int fd) {
  auto it = tables_.find(fd);
  return it == tables_.end() ? nullptr : &it->second;
}

void FakeKernel::inject(int fd, std::vector<std::uint8_t> bytes, Datagram meta) {
  std::lock_guard lock(mutex_);
  pending_[fd].push_back(Pending{std::move(bytes), meta});
  signal_readable(fd);
}

void FakeKernel::inject_link_events(int fd, std::vector<LinkEvent> events) {
  std::lock_guard lock(mutex_);
  for (auto& e : events) link_events_[fd].push_back(std::move(e));
  signal_readable(fd);
}

void FakeKernel::set_interfaces(std::vector<InterfaceInfo> interfaces) {
  std::lock_guard lock(mutex_);
  interfaces_ = std::move(interfaces);
}

void FakeKernel::set_counters(const Address& source, const Address& group, SgCounters c) {
  std::lock_guard lock(mutex_);
  counters_[{source, group}] = c;
}

void FakeKernel::add_existing_rule(const MrouteRule& rule) {
  std::lock_guard lock(mutex_);
  rules_.push_back(rule);
}

std::vector<std::string> FakeKernel::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}
std::map<int, FakeKernel::Table> FakeKernel::tables() const {
  std::lock_guard lock(mutex_);
  return tables_;
}
int FakeKernel::opened(const std::string& call_line) const {
  std::lock_guard lock(mutex_);
  auto it = opened_.find(call_line);
  return it == opened_.end() ? -1 : it->second;
}
std::vector<MrouteRule> FakeKernel::rules() const {
  std::lock_guard lock(mutex_);
  return rules_;
}
std::vector<FakeKernel::Sent> FakeKernel::sent() const {
  std::lock_guard lock(mutex_);
  return sent_;
}
std::set<std::pair<int, std::string>> FakeKernel::joined() const {
  std::lock_guard lock(mutex_);
  return joined_;
}

KernelResult<Fd> FakeKernel::open_mroute_socket(Family family) {
  std::lock_guard lock(mutex_);
  auto fd = new_fd("open_mroute_socket", fam(family));
  if (fd) tables_[fd->get()] = Table{family, default_mroute_table(family), false, false, {}, {}};
  return fd;
}

KernelStatus FakeKernel::set_table(int fd, Family family, std::uint32_t table) {
  std::lock_guard lock(mutex_);
  if (auto s = record("set_table", "fd=" + std::to_string(fd) + " " + fam(family) + " table=" + std::to_string(table)); !s)
    return s;
  Table* t = table_of(fd);
  if (t == nullptr) return std::unexpected(KernelError{"set_table", EBADF, {}});
  if (t->initialized) return std::unexpected(KernelError{"set_table", EBUSY, "after MRT_INIT"});
  t->table = table;
  t->table_set = true;
  return {};
}

KernelStatus FakeKernel::mrt_init(int fd, Family family) {
  std::lock_guard lock(mutex_);
  if (auto s = record("mrt_init", "fd=" + std::to_string(fd) + " " + fam(family)); !s) return s;
  Table* t = table_of(fd);
  if (t == nullptr) return std::unexpected(KernelError{"mrt_init", EBADF, {}});
  // Like ipmr: one mroute socket per table.
  for (const auto& [other_fd, other] : tables_)
    if (other_fd != fd && other.initialized && other.family == t->family && other.table == t->table)
      return std::unexpected(KernelError{"mrt_init", EADDRINUSE, {}});
  t->initialized = true;
  return {};
}

KernelStatus FakeKernel::mrt_done(int fd, Family family) {
  std::lock_guard lock(mutex_);
  if (auto s = record("mrt_done", "fd=" + std::to_string(fd) + " " + fam(family)); !s) return s;
  Table* t = table_of(fd);
  if (t == nullptr) return std::unexpected(KernelError{"mrt_done", EBADF, {}});
  t->initialized = false;
  t->vifs.clear();
  t->mfc.clear();
  return {};
}

KernelStatus FakeKernel::flush(int fd, Family family) {
  std::lock_guard lock(mutex_);
  if (auto s = record("flush", "fd=" + std::to_string(fd) + " " + fam(family)); !s) return s;
  if (Table* t = table_of(fd)) {
    t->vifs.clear();
    t->mfc.clear();
  }
  return {};
}

KernelStatus FakeKernel::add_vif(int fd, Family family, VifIndex vif, int ifindex, std::uint8_t threshold) {
  std::lock_guard lock(mutex_);
  if (auto s = record("add_vif", "fd=" + std::to_string(fd) + " " + fam(family) + " vif=" + std::to_string(vif) +
                                     " ifindex=" + std::to_string(ifindex) + " threshold=" + std::to_string(threshold));
      !s)
    return s;
  Table* t = table_of(fd);
  if (t == nullptr || !t->initialized) return std::unexpected(KernelError{"add_vif", EACCES, {}});
  if (vif >= kMaxVifs) return std::unexpected(KernelError{"add_vif", ENFILE, {}});
  if (t->vifs.count(vif) > 0) return std::unexpected(KernelError{"add_vif", EADDRINUSE, {}});
  t->vifs[vif] = ifindex;
  return {};
}

KernelStatus FakeKernel::del_vif(int fd, Family family, VifIndex vif, int ifindex) {
  std::lock_guard lock(mutex_);
  if (auto s = record("del_vif", "fd=" + std::to_string(fd) + " " + fam(family) + " vif=" + std::to_string(vif) +
                                     " ifindex=" + std::to_string(ifindex));
      !s)
    return s;
  Table* t = table_of(fd);
  if (t == nullptr || t->vifs.erase(vif) == 0) return std::unexpected(KernelError{"del_vif", EADDRNOTAVAIL, {}});
  return {};
}

KernelStatus FakeKernel::add_mfc(int fd, const MfcEntry& e) {
  std::lock_guard lock(mutex_);
  std::string line = "fd=" + std::to_string(fd) + " (" + e.source.to_string() + "," + e.group.to_string() +
                     ") iif=" + std::to_string(e.incoming) + " oifs=";
  for (const auto& o : e.outgoing) line += std::to_string(o.vif) + ":" + std::to_string(o.ttl) + ",";
  if (auto s = record("add_mfc", line); !s) return s;
  Table* t = table_of(fd);
  if (t == nullptr || !t->initialized) return std::unexpected(KernelError{"add_mfc", EACCES, {}});
  t->mfc[{e.source, e.group}] = e;
  return {};
}

KernelStatus FakeKernel::del_mfc(int fd, const Address& source, const Address& group) {
  std::lock_guard lock(mutex_);
  if (auto s = record("del_mfc", "fd=" + std::to_string(fd) + " (" + source.to_string() + "," + group.to_string() + ")"); !s)
    return s;
  Table* t = table_of(fd);
  if (t == nullptr || t->mfc.erase({source, group}) == 0) return std::unexpected(KernelError{"del_mfc", ENOENT, {}});
  return {};
}

KernelResult<SgCounters> FakeKernel::sg_counters(int fd, const Address& source, const Address& group) {
  std::lock_guard lock(mutex_);
  if (auto s = record("sg_counters", "fd=" + std::to_string(fd) + " (" + source.to_string() + "," + group.to_string() + ")"); !s)
    return std::unexpected(s.error());
  Table* t = table_of(fd);
  if (t == nullptr || t->mfc.count({source, group}) == 0) return std::unexpected(KernelError{"sg_counters", EADDRNOTAVAIL, {}});
  auto it = counters_.find({source, group});
  return it == counters_.end() ? SgCounters{} : it->second;
}

KernelResult<VifCounters> FakeKernel::vif_counters(int fd, Family family, VifIndex vif) {
  std::lock_guard lock(mutex_);
  if (auto s = record("vif_counters", "fd=" + std::to_string(fd) + " " + fam(family) + " vif=" + std::to_string(vif)); !s)
    return std::unexpected(s.error());
  Table* t = table_of(fd);
  if (t == nullptr || t->vifs.count(vif) == 0) return std::unexpected(KernelError{"vif_counters", EINVAL, {}});
  return VifCounters{};
}

KernelStatus FakeKernel::add_rule(const MrouteRule& rule) {
  std::lock_guard lock(mutex_);
  if (auto s = record("add_rule", std::string(fam(rule.family)) + " iif=" + rule.iif + " oif=" + rule.oif +
                                      " table=" + std::to_string(rule.table) + " pref=" + std::to_string(rule.priority));
      !s)
    return s;
  if (std::find(rules_.begin(), rules_.end(), rule) != rules_.end()) return std::unexpected(KernelError{"add_rule", EEXIST, {}});
  rules_.push_back(rule);
  return {};
}

KernelStatus FakeKernel::del_rule(const MrouteRule& rule) {
  std::lock_guard lock(mutex_);
  if (auto s = record("del_rule", std::string(fam(rule.family)) + " iif=" + rule.iif + " oif=" + rule.oif +
                                      " table=" + std::to_string(rule.table) + " pref=" + std::to_string(rule.priority));
      !s)
    return s;
  auto it = std::find(rules_.begin(), rules_.end(), rule);
  if (it == rules_.end()) return std::unexpected(KernelError{"del_rule", ENOENT, {}});
  rules_.erase(it);
  return {};
}

KernelResult<std::vector<MrouteRule>> FakeKernel::list_rules(Family family) {
  std::lock_guard lock(mutex_);
  if (auto s = record("list_rules", fam(family)); !s) return std::unexpected(s.error());
  std::vector<MrouteRule> out;
  for (const auto& r : rules_)
    if (r.family == family) out.push_back(r);
  return out;
}

KernelResult<std::vector<InterfaceInfo>> FakeKernel::list_interfaces() {
  std::lock_guard lock(mutex_);
  if (auto s = record("list_interfaces", ""); !s) return std::unexpected(s.error());
  return interfaces_;
}

KernelResult<int> FakeKernel::ifindex_of(std::string_view name) {
  std::lock_guard lock(mutex_);
  if (auto s = record("ifindex_of", std::string(name)); !s) return std::unexpected(s.error());
  for (const auto& i : interfaces_)
    if (i.name == name) return i.ifindex;
  return std::unexpected(KernelError{"if_nametoindex", ENODEV, std::string(name)});
}

KernelResult<Fd> FakeKernel::open_link_monitor() {
  std::lock_guard lock(mutex_);
  return new_fd("open_link_monitor", "");
}

KernelResult<std::vector<LinkEvent>> FakeKernel::read_link_events(int fd) {
  std::lock_guard lock(mutex_);
  std::vector<LinkEvent> out;
  auto& q = link_events_[fd];
  std::uint64_t v = 0;
  while (::read(fd, &v, sizeof v) > 0) {
  }
  out.assign(std::make_move_iterator(q.begin()), std::make_move_iterator(q.end()));
  q.clear();
  return out;
}

KernelResult<Fd> FakeKernel::open_packet_socket(Family family, PacketSocketRole role) {
  std::lock_guard lock(mutex_);
  return new_fd("open_packet_socket", std::string(fam(family)) + (role == PacketSocketRole::Send ? " send" : " receive"));
}

KernelStatus FakeKernel::join_group(int fd, int ifindex, const Address& group) {
  std::lock_guard lock(mutex_);
  if (auto s = record("join_group", "fd=" + std::to_string(fd) + " ifindex=" + std::to_string(ifindex) + " " + group.to_string()); !s)
    return s;
  joined_.insert({ifindex, group.to_string()});
  return {};
}

KernelStatus FakeKernel::leave_group(int fd, int ifindex, const Address& group) {
  std::lock_guard lock(mutex_);
  if (auto s = record("leave_group", "fd=" + std::to_string(fd) + " ifindex=" + std::to_string(ifindex) + " " + group.to_string()); !s)
    return s;
  joined_.erase({ifindex, group.to_string()});
  return {};
}

KernelStatus FakeKernel::send_ipv4(int fd, int ifindex, const AddressV4& destination, std::span<const std::uint8_t> datagram) {
  std::lock_guard lock(mutex_);
  if (auto s = record("send_ipv4", "fd=" + std::to_string(fd) + " ifindex=" + std::to_string(ifindex) + " " + destination.to_string()); !s)
    return s;
  sent_.push_back(Sent{Family::V4, ifindex, Address{}, destination, {datagram.begin(), datagram.end()}, false});
  return {};
}

KernelStatus FakeKernel::send_ipv6(int fd, int ifindex, const AddressV6& source, const AddressV6& destination,
                                   std::span<const std::uint8_t> icmpv6, bool router_alert) {
  std::lock_guard lock(mutex_);
  if (auto s = record("send_ipv6", "fd=" + std::to_string(fd) + " ifindex=" + std::to_string(ifindex) + " " +
                                       source.to_string() + " > " + destination.to_string());
      !s)
    return s;
  sent_.push_back(Sent{Family::V6, ifindex, source, destination, {icmpv6.begin(), icmpv6.end()}, router_alert});
  return {};
}

KernelResult<std::optional<Datagram>> FakeKernel::receive(int fd, Family, std::span<std::uint8_t> buffer) {
  std::lock_guard lock(mutex_);
  auto& q = pending_[fd];
  if (q.empty()) return std::optional<Datagram>{};
  Pending p = std::move(q.front());
  q.pop_front();
  consume_readable(fd);
  Datagram d = p.meta;
  d.length = std::min(buffer.size(), p.bytes.size());
  d.truncated = p.bytes.size() > buffer.size();
  std::memcpy(buffer.data(), p.bytes.data(), d.length);
  return std::optional<Datagram>{d};
}

FeatureReport FakeKernel::probe_features() {
  std::lock_guard lock(mutex_);
  calls_.push_back("probe_features");
  FeatureReport r{true, true, true, true, true, true, "fake kernel: everything present\n"};
  return r;
}

}  // namespace mcproxy::kernel
