// The Routing module: owns the kernel multicast routing tables (one per
// instance and family), their VIFs, MFC entries and policy rules.
#pragma once

#include "modules/common/mailbox.hpp"
#include "modules/common/mroute_types.hpp"
#include "modules/kernel/kernel_api.hpp"
#include "modules/receiver/receiver_messages.hpp"
#include "modules/routing/routing_messages.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace mcproxy::routing {

// Rules mcproxy adds carry this preference (below the kernel's default rule at
// 32767). A restarted daemon recognises a dead predecessor's rules by it and by
// their table being held by nobody (probe_table): rules whose table a live
// process holds (another mcproxy on the host) are left alone.
inline constexpr std::uint32_t kDefaultRulePriority = 30000;

struct RoutingOptions {
  std::uint32_t rule_priority = kDefaultRulePriority;
};

// Threading contract:
//   post(), mailbox(), failures()            any thread
//   start(), stop(), destructor              the thread that owns the object (main)
//   handle(), remove_stale_rules(),
//   shutdown_tables(), table()               the routing thread, or a test with no thread started
class Routing {
 public:
  // How Routing hands mroute sockets to the Receiver (AddMrouteSocket /
  // RemoveMrouteSocket): in the daemon, a post to the Receiver's mailbox.
  using ReceiverSink = std::function<void(receiver::ReceiverMessage)>;

  Routing(kernel::KernelApi& kernel, ReceiverSink to_receiver, RoutingOptions options = {});
  ~Routing();
  Routing(const Routing&) = delete;
  Routing& operator=(const Routing&) = delete;

  // Starts the thread: first removes stale rules (remove_stale_rules), then
  // serves the mailbox. stop() tears every table down (shutdown_tables).
  void start();
  void stop();

  // The control lane: a routing request is never lost to a full mailbox.
  bool post(RoutingMessage message) {
    mailbox_.post_control(std::move(message));
    return true;
  }
  Mailbox<RoutingMessage>& mailbox() { return mailbox_; }
  // Kernel calls that failed since start (each also reported to its instance).
  std::uint64_t failures() const { return failures_.load(std::memory_order_relaxed); }

  void handle(RoutingMessage&& message);
  // Deletes the ipmr/ip6mr rules with our priority whose table no live
  // process holds: what a killed predecessor left (its tables' VIFs and MFC
  // entries are flushed at CreateTable). Another daemon's rules stay.
  void remove_stale_rules();
  // MFC entries, VIFs, rules, MRT_DONE for every table.
  void shutdown_tables();

  struct Vif {
    VifIndex vif = 0;
    std::string ifname;
    bool has_rules = false;
  };
  struct Table {
    std::shared_ptr<const Fd> socket;
    InstanceMailboxRef owner;
    std::map<int, Vif> vifs;  // by ifindex
    std::map<std::pair<Address, Address>, MfcEntry> mfc;
    // Where the search for a free VIF number starts: one past the last one
    // handed out, so that a number just freed is taken again only after the
    // others (an upcall still on its way for the old VIF would otherwise be
    // taken for data on the interface that got its number).
    VifIndex next_vif = 0;
  };
  // For tests and status: the state of one table, if it exists.
  const Table* table(const TableId& id) const;

 private:
  void create_table(CreateTable& m);
  void destroy_table(TableId id);
  void add_vif(AddVif& m);
  void del_vif(const DelVif& m);
  void set_mfc(SetMfc& m);
  void del_mfc(const DelMfc& m);
  void discard_unresolved(const DiscardUnresolved& m);
  void get_counters(const GetCounters& m);
  std::vector<kernel::MrouteRule> rules_for(const TableId& id, const std::string& ifname) const;
  void fail(const TableId& id, const InstanceMailboxRef& owner, std::uint64_t request_id, std::string operation,
            const kernel::KernelError& error);
  void loop();

  kernel::KernelApi& kernel_;
  ReceiverSink to_receiver_;
  RoutingOptions options_;
  Mailbox<RoutingMessage> mailbox_{Mailbox<RoutingMessage>::kProbesOnlyCapacity};
  std::map<TableId, Table> tables_;  // routing thread only
  std::atomic<std::uint64_t> failures_{0};
  std::atomic<bool> stop_requested_{false};
  std::thread thread_;
};

}  // namespace mcproxy::routing
