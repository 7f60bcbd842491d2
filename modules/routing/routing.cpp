// The Routing module's handlers: each message becomes a few KernelApi calls;
// every failure is logged once and reported to the owning instance.
#include "modules/routing/routing.hpp"

#include "modules/routing/table_probe.hpp"
#include "modules/common/thread_name.hpp"

#include <log4cplus/logger.h>
#include <log4cplus/loggingmacros.h>

#include <algorithm>
#include <cerrno>

namespace mcproxy::routing {
namespace {

log4cplus::Logger logger() { return log4cplus::Logger::getInstance(LOG4CPLUS_TEXT("mcproxy.routing")); }

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};

}  // namespace

Routing::Routing(kernel::KernelApi& kernel, ReceiverSink to_receiver, RoutingOptions options)
    : kernel_(kernel), to_receiver_(std::move(to_receiver)), options_(options) {}

Routing::~Routing() { stop(); }

void Routing::start() {
  if (thread_.joinable()) return;
  stop_requested_.store(false);
  thread_ = std::thread([this] { loop(); });
}

void Routing::stop() {
  if (!thread_.joinable()) return;
  stop_requested_.store(true);
  mailbox_.notify();
  thread_.join();
  mailbox_.owner().unbind();
}

void Routing::loop() {
  name_this_thread("mcpx-routing");
  mailbox_.owner().bind_to_current_thread();
  remove_stale_rules();
  while (!stop_requested_.load()) {
    mailbox_.wait(std::chrono::milliseconds(-1));
    mailbox_.drain([this](RoutingMessage&& m) { handle(std::move(m)); });
  }
  // Requests still queued at stop are dropped: the tables go away anyway.
  shutdown_tables();
}

const Routing::Table* Routing::table(const TableId& id) const {
  auto it = tables_.find(id);
  return it == tables_.end() ? nullptr : &it->second;
}

void Routing::handle(RoutingMessage&& message) {
  assert(mailbox_.owner().is_owner());
  std::visit(Overloaded{
                 [this](CreateTable& m) { create_table(m); },
                 [this](DestroyTable& m) { destroy_table(m.table); },
                 [this](AddVif& m) { add_vif(m); },
                 [this](DelVif& m) { del_vif(m); },
                 [this](SetMfc& m) { set_mfc(m); },
                 [this](DelMfc& m) { del_mfc(m); },
                 [this](DiscardUnresolved& m) { discard_unresolved(m); },
                 [this](GetCounters& m) { get_counters(m); },
                 [](Probe& p) { p.answer(); },
             },
             message);
}

void Routing::fail(const TableId& id, const InstanceMailboxRef& owner, std::uint64_t request_id, std::string operation,
                   const kernel::KernelError& error) {
  failures_.fetch_add(1, std::memory_order_relaxed);
  LOG4CPLUS_WARN(logger(), to_string(id).c_str() << ": " << operation.c_str() << " failed: " << error.message().c_str());
  post_to(owner, RoutingFailure{request_id, id, std::move(operation), error.message()});
}

void Routing::remove_stale_rules() {
  for (Family family : {Family::V4, Family::V6}) {
    auto rules = kernel_.list_rules(family);
    if (!rules) {
      // A kernel without ipmr rules has none to remove; say so once.
      LOG4CPLUS_INFO(logger(), "cannot list multicast rules: " << rules.error().message().c_str());
      continue;
    }
    // A rule of our priority is a dead predecessor's only if nobody holds its
    // table: another mcproxy on this host uses the same priority, and its
    // tables are held by its live sockets (the kernel allows one per table).
    std::map<std::uint32_t, TableOwner> owners;
    for (const auto& rule : *rules) {
      if (rule.priority != options_.rule_priority) continue;
      if (tables_.contains(TableId{family, rule.table})) continue;
      auto known = owners.find(rule.table);
      if (known == owners.end()) known = owners.emplace(rule.table, probe_table(kernel_, family, rule.table)).first;
      if (known->second != TableOwner::Nobody) {
        LOG4CPLUS_DEBUG(logger(), "rule iif '" << rule.iif.c_str() << "' oif '" << rule.oif.c_str() << "' table "
                                               << rule.table << " kept: its table is held by a running process");
        continue;
      }
      if (auto s = kernel_.del_rule(rule); !s) {
        failures_.fetch_add(1, std::memory_order_relaxed);
        LOG4CPLUS_WARN(logger(), "cannot remove stale rule: " << s.error().message().c_str());
      } else {
        LOG4CPLUS_INFO(logger(), "removed stale rule iif '" << rule.iif.c_str() << "' oif '" << rule.oif.c_str()
                                                            << "' table " << rule.table);
      }
    }
  }
}

void Routing::create_table(CreateTable& m) {
  const TableId id = m.table;
  if (tables_.count(id) > 0) {
    fail(id, m.owner, m.request_id, "create table", kernel::KernelError{"create table", EEXIST, "already open"});
    return;
  }
  auto socket = kernel_.open_mroute_socket(id.family);
  if (!socket) return fail(id, m.owner, m.request_id, "create table", socket.error());
  const int fd = socket->get();
  // MRT_TABLE must precede MRT_INIT. On a kernel without multiple tables the
  // default table still works, so only a non-default table makes this fatal.
  if (auto s = kernel_.set_table(fd, id.family, id.table); !s && id.table != default_mroute_table(id.family))
    return fail(id, m.owner, m.request_id, "create table", s.error());
  if (auto s = kernel_.mrt_init(fd, id.family); !s) return fail(id, m.owner, m.request_id, "create table", s.error());
  // A killed predecessor's static entries and VIFs survive its socket; its
  // dynamic ones went with it. Start from an empty table either way.
  if (auto s = kernel_.flush(fd, id.family); !s)
    LOG4CPLUS_WARN(logger(), to_string(id).c_str() << ": flush failed: " << s.error().message().c_str());
  Table table;
  table.socket = std::make_shared<const Fd>(std::move(*socket));
  table.owner = m.owner;
  if (to_receiver_) to_receiver_(receiver::AddMrouteSocket{id, table.socket, m.owner});
  tables_.emplace(id, std::move(table));
  LOG4CPLUS_INFO(logger(), to_string(id).c_str() << ": created");
}

std::vector<kernel::MrouteRule> Routing::rules_for(const TableId& id, const std::string& ifname) const {
  if (id.table == default_mroute_table(id.family) || ifname.empty()) return {};
  // "iif" sends data arriving on the interface (and its upcalls) to the table;
  // "oif" covers multicast the host itself sends out of it.
  return {kernel::MrouteRule{id.family, ifname, "", id.table, options_.rule_priority},
          kernel::MrouteRule{id.family, "", ifname, id.table, options_.rule_priority}};
}

void Routing::add_vif(AddVif& m) {
  auto it = tables_.find(m.table);
  if (it == tables_.end()) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    LOG4CPLUS_WARN(logger(), to_string(m.table).c_str() << ": add vif " << m.ifname.c_str() << " for a table not created");
    return;
  }
  Table& t = it->second;
  const std::string op = "add vif " + m.ifname;
  if (auto v = t.vifs.find(m.ifindex); v != t.vifs.end()) {
    post_to(t.owner, VifAdded{m.table, m.ifindex, v->second.vif});  // idempotent
    return;
  }
  std::optional<VifIndex> free;
  for (VifIndex k = 0; k < kMaxVifs && !free; ++k) {
    const VifIndex candidate = static_cast<VifIndex>((t.next_vif + k) % kMaxVifs);
    if (std::none_of(t.vifs.begin(), t.vifs.end(), [&](const auto& e) { return e.second.vif == candidate; }))
      free = candidate;
  }
  if (!free)
    return fail(m.table, t.owner, m.request_id, op,
                kernel::KernelError{"add vif", ENOBUFS, "more than 32 interfaces in one table (MAXVIFS)"});
  // The owner learns the VIF's number before the kernel has the VIF. Data that
  // arrives the moment the VIF exists makes the kernel send an upcall, which
  // the Receiver (another thread) passes to the owner at once; an upcall for a
  // VIF the owner does not know is dropped, and the kernel sends no other for
  // that (S,G) while its unresolved entry lives (10 s). Posting first orders
  // the two: the upcall can only follow this message.
  post_to(t.owner, VifAdded{m.table, m.ifindex, *free});
  t.next_vif = static_cast<VifIndex>((*free + 1) % kMaxVifs);
  if (auto s = kernel_.add_vif(t.socket->get(), m.table.family, *free, m.ifindex, m.threshold); !s) {
    post_to(t.owner, VifRemoved{m.table, m.ifindex, *free});
    return fail(m.table, t.owner, m.request_id, op, s.error());
  }
  LOG4CPLUS_TRACE(logger(), to_string(m.table).c_str() << ": vif " << int(*free) << " added: " << m.ifname.c_str()
                                                       << " (ifindex " << m.ifindex << ")");
  Vif vif{*free, m.ifname, false};
  const auto rules = rules_for(m.table, m.ifname);
  bool rules_ok = true;
  for (const auto& rule : rules) {
    auto s = kernel_.add_rule(rule);
    // EEXIST: the same rule is already there (e.g. the other family's instance
    // never shares a table id; a predecessor's rule with our priority was
    // removed at start), so it does what we need.
    if (!s && s.error().error != EEXIST) {
      rules_ok = false;
      fail(m.table, t.owner, m.request_id, op, s.error());
    }
  }
  vif.has_rules = !rules.empty() && rules_ok;
  t.vifs.emplace(m.ifindex, vif);
}

void Routing::del_vif(const DelVif& m) {
  auto it = tables_.find(m.table);
  if (it == tables_.end()) return;
  Table& t = it->second;
  auto v = t.vifs.find(m.ifindex);
  if (v == t.vifs.end()) return;
  const Vif vif = v->second;
  if (auto s = kernel_.del_vif(t.socket->get(), m.table.family, vif.vif, m.ifindex); !s) {
    // The kernel removes a VIF itself when its interface is unregistered.
    LOG4CPLUS_DEBUG(logger(), to_string(m.table).c_str() << ": del vif: " << s.error().message().c_str());
  }
  LOG4CPLUS_TRACE(logger(), to_string(m.table).c_str() << ": vif " << int(vif.vif) << " removed: " << vif.ifname.c_str());
  for (const auto& rule : rules_for(m.table, vif.ifname)) {
    if (auto s = kernel_.del_rule(rule); !s && s.error().error != ENOENT)
      fail(m.table, t.owner, 0, "del rule " + vif.ifname, s.error());
  }
  t.vifs.erase(v);
  // Entries must not keep pointing at the VIF number: the next AddVif may give
  // it to another interface. Entries arriving on it go; others lose it as an
  // outgoing interface.
  for (auto entry = t.mfc.begin(); entry != t.mfc.end();) {
    MfcEntry& e = entry->second;
    if (e.incoming == vif.vif) {
      if (auto s = kernel_.del_mfc(t.socket->get(), e.source, e.group); !s)
        LOG4CPLUS_DEBUG(logger(), to_string(m.table).c_str() << ": " << s.error().message().c_str());
      entry = t.mfc.erase(entry);
      continue;
    }
    const auto before = e.outgoing.size();
    std::erase_if(e.outgoing, [&](const OutgoingVif& o) { return o.vif == vif.vif; });
    if (e.outgoing.size() != before) {
      if (auto s = kernel_.add_mfc(t.socket->get(), e); !s)
        fail(m.table, t.owner, 0, "update mfc (" + e.source.to_string() + ", " + e.group.to_string() + ")", s.error());
    }
    ++entry;
  }
  post_to(t.owner, VifRemoved{m.table, m.ifindex, vif.vif});
}

void Routing::set_mfc(SetMfc& m) {
  auto it = tables_.find(m.table);
  if (it == tables_.end()) return;
  Table& t = it->second;
  const std::string op = "set mfc (" + m.source.to_string() + ", " + m.group.to_string() + ")";
  auto vif_of = [&t](int ifindex) -> std::optional<VifIndex> {
    auto v = t.vifs.find(ifindex);
    if (v == t.vifs.end()) return std::nullopt;
    return v->second.vif;
  };
  MfcEntry entry;
  entry.source = m.source;
  entry.group = m.group;
  auto incoming = vif_of(m.incoming_ifindex);
  if (!incoming)
    return fail(m.table, t.owner, m.request_id, op,
                kernel::KernelError{"set mfc", ENODEV, "incoming ifindex " + std::to_string(m.incoming_ifindex) + " has no vif"});
  entry.incoming = *incoming;
  for (const auto& o : m.outgoing) {
    auto vif = vif_of(o.ifindex);
    if (!vif)
      return fail(m.table, t.owner, m.request_id, op,
                  kernel::KernelError{"set mfc", ENODEV, "outgoing ifindex " + std::to_string(o.ifindex) + " has no vif"});
    if (*vif != entry.incoming) entry.outgoing.push_back(OutgoingVif{*vif, o.ttl});
  }
  if (auto s = kernel_.add_mfc(t.socket->get(), entry); !s) return fail(m.table, t.owner, m.request_id, op, s.error());
  if (logger().isEnabledFor(log4cplus::TRACE_LOG_LEVEL)) {
    std::string outputs;
    for (const auto& o : entry.outgoing) outputs += " " + std::to_string(o.vif);
    LOG4CPLUS_TRACE(logger(), to_string(m.table).c_str() << ": " << op.c_str() << ": vif " << int(entry.incoming)
                                                         << " ->" << (outputs.empty() ? " none" : outputs.c_str()));
  }
  t.mfc[{m.source, m.group}] = std::move(entry);
}

void Routing::del_mfc(const DelMfc& m) {
  auto it = tables_.find(m.table);
  if (it == tables_.end()) return;
  Table& t = it->second;
  if (t.mfc.erase({m.source, m.group}) == 0) return;
  if (auto s = kernel_.del_mfc(t.socket->get(), m.source, m.group); !s)
    return fail(m.table, t.owner, 0, "del mfc (" + m.source.to_string() + ", " + m.group.to_string() + ")", s.error());
  LOG4CPLUS_TRACE(logger(), to_string(m.table).c_str() << ": del mfc (" << m.source.to_string().c_str() << ", "
                                                       << m.group.to_string().c_str() << ")");
}

void Routing::discard_unresolved(const DiscardUnresolved& m) {
  auto it = tables_.find(m.table);
  if (it == tables_.end()) return;
  Table& t = it->second;
  if (t.mfc.contains({m.source, m.group})) return;  // resolved already: its entry stays
  MfcEntry entry;
  entry.source = m.source;
  entry.group = m.group;
  entry.incoming = m.vif;
  // Failures change nothing that matters: the kernel's entry then expires by itself.
  if (auto s = kernel_.add_mfc(t.socket->get(), entry); !s) {
    LOG4CPLUS_DEBUG(logger(), to_string(m.table).c_str() << ": discard unresolved: " << s.error().message().c_str());
    return;
  }
  if (auto s = kernel_.del_mfc(t.socket->get(), m.source, m.group); !s)
    LOG4CPLUS_DEBUG(logger(), to_string(m.table).c_str() << ": discard unresolved: " << s.error().message().c_str());
  LOG4CPLUS_TRACE(logger(), to_string(m.table).c_str() << ": unresolved (" << m.source.to_string().c_str() << ", "
                                                       << m.group.to_string().c_str() << ") on vif " << int(m.vif)
                                                       << " discarded");
}

void Routing::get_counters(const GetCounters& m) {
  auto it = tables_.find(m.table);
  if (it == tables_.end()) return;
  Table& t = it->second;
  CounterReply reply;
  reply.request_id = m.request_id;
  reply.table = m.table;
  // One ioctl per entry, each a hash lookup in the kernel: the cost of a read
  // grows with the entries read and nothing else (doc/performance.md).
  auto entry = m.after ? t.mfc.upper_bound(*m.after) : t.mfc.begin();
  for (std::size_t n = 0; entry != t.mfc.end() && (m.max_entries == 0 || n < m.max_entries); ++entry, ++n) {
    const auto& key = entry->first;
    auto c = kernel_.sg_counters(t.socket->get(), key.first, key.second);
    // An entry the kernel no longer has (e.g. flushed with its VIF) reads as zero.
    reply.entries.push_back({key.first, key.second, c ? *c : SgCounters{}});
  }
  reply.more = entry != t.mfc.end();
  if (m.vifs) {
    for (const auto& [ifindex, vif] : t.vifs) {
      auto c = kernel_.vif_counters(t.socket->get(), m.table.family, vif.vif);
      reply.vifs.push_back({vif.vif, ifindex, c ? *c : VifCounters{}});
    }
  }
  post_to(t.owner, std::move(reply));
}

void Routing::destroy_table(const TableId id) {  // by value: callers pass keys of tables_
  auto it = tables_.find(id);
  if (it == tables_.end()) return;
  Table& t = it->second;
  const int fd = t.socket->get();
  for (const auto& [key, entry] : t.mfc) {
    if (auto s = kernel_.del_mfc(fd, key.first, key.second); !s)
      LOG4CPLUS_DEBUG(logger(), to_string(id).c_str() << ": " << s.error().message().c_str());
  }
  for (const auto& [ifindex, vif] : t.vifs) {
    if (auto s = kernel_.del_vif(fd, id.family, vif.vif, ifindex); !s)
      LOG4CPLUS_DEBUG(logger(), to_string(id).c_str() << ": " << s.error().message().c_str());
    for (const auto& rule : rules_for(id, vif.ifname)) {
      if (auto s = kernel_.del_rule(rule); !s && s.error().error != ENOENT)
        LOG4CPLUS_WARN(logger(), to_string(id).c_str() << ": " << s.error().message().c_str());
    }
  }
  if (auto s = kernel_.mrt_done(fd, id.family); !s)
    LOG4CPLUS_WARN(logger(), to_string(id).c_str() << ": " << s.error().message().c_str());
  if (to_receiver_) to_receiver_(receiver::RemoveMrouteSocket{id});
  tables_.erase(it);
  LOG4CPLUS_INFO(logger(), to_string(id).c_str() << ": removed");
}

void Routing::shutdown_tables() {
  while (!tables_.empty()) destroy_table(tables_.begin()->first);
}

}  // namespace mcproxy::routing
