// A running proxy instance: its own thread and mailbox, a ProxyCore (the pure
// protocol logic) and the glue that turns the modules' events into core calls
// and the core's effects into messages to the Sender, Routing and Timer.
#pragma once

#include "instances/proxy/proxy_core.hpp"
#include "instances/runtime/dynamic_interfaces.hpp"
#include "instances/runtime/instance_mailbox.hpp"
#include "instances/runtime/link_table.hpp"
#include "modules/config/config.hpp"
#include "modules/common/instance_event.hpp"
#include "modules/common/mailbox.hpp"
#include "modules/common/mroute_types.hpp"
#include "modules/common/rate_limited_log.hpp"

#include <log4cplus/logger.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>

namespace mcproxy {
class ClockSource;
namespace kernel { class KernelApi; }
namespace receiver { class Receiver; }
namespace sender { class Sender; }
namespace routing { class Routing; }
namespace timer { class Timer; }
}  // namespace mcproxy

namespace mcproxy::instances {

// The module threads an instance talks to (all outlive every instance), and
// the daemon's totals.
struct Modules {
  kernel::KernelApi& kernel;
  receiver::Receiver& receiver;
  sender::Sender& sender;
  routing::Routing& routing;
  timer::Timer& timer;
  const ClockSource& clock;
  std::shared_ptr<InstanceTotals> totals;  // shared: a mailbox may outlive its instance and the daemon's member
};

// Threading contract:
//   start(), stop(), destructor      the daemon's main thread
//   post_control(), name()           any thread
//   everything a control function does with the instance& it gets: the instance thread
class ProxyInstance {
 public:
  ProxyInstance(config::Protocol protocol, config::InstanceConfig cfg, TableId table, Modules modules);
  ~ProxyInstance();
  ProxyInstance(const ProxyInstance&) = delete;
  ProxyInstance& operator=(const ProxyInstance&) = delete;

  // Creates the kernel table, subscribes to link events and starts the thread.
  void start();
  // Leaves the upstream groups, removes routes, VIFs, rules and the table, and
  // joins the thread. Idempotent.
  void stop();

  const std::string& name() const { return name_; }
  const TableId& table() const { return table_; }

  // Runs `fn` on the instance thread (for status and reconfiguration). False
  // only if the instance stopped (the control mailbox's control lane never refuses).
  bool post_control(std::function<void(ProxyInstance&)> fn);

  // --- instance thread only (inside a control function) ----------------------
  ProxyCore& core() { return *core_; }
  const std::map<std::string, LinkState>& links() const { return links_.links(); }
  TimePoint now() const;
  // Applies a new configuration of this instance (interfaces added/removed, timers, filters, static routes).
  void reconfigure(const config::InstanceConfig& cfg);
  // PMIPv6 handover (doc/pmipv6-handover.md), giving side: detaches downstream
  // `ifname` with its hosts' membership state (nullptr if it is not an active
  // downstream here), releases its VIF and receiver registration, and takes
  // `cfg` (this instance without the interface) as the new configuration.
  std::unique_ptr<DownstreamRouter> release_downstream(const std::string& ifname, const config::InstanceConfig& cfg);
  // Receiving side: takes `cfg` (this instance with the interface), registers
  // the interface and attaches `router` with its memberships, so the groups are
  // reported upstream at once and forwarded when data arrives. With a null
  // router (or a link that is not usable) the interface starts fresh.
  void adopt_downstream(std::unique_ptr<DownstreamRouter> router, const config::InstanceConfig& cfg);
  // Reads the kernel's counters of this table; `done` runs on this thread.
  void request_counters(std::function<void(const CounterReply&)> done);
  std::uint64_t kernel_failures() const { return kernel_failures_; }
  // What this instance took from its mailbox, and what became of it
  // (doc/operations.md, "Counters"):
  //   packets = packets_handled + inactive_link_drops + foreign_subnet_drops
  //   upcalls = upcalls_handled + wrong_vif_upcalls + stale_vif_upcalls + foreign_source_drops
  std::uint64_t packets() const { return packets_; }
  std::uint64_t upcalls() const { return upcalls_; }
  std::uint64_t packets_handled() const { return packets_handled_; }
  std::uint64_t upcalls_handled() const { return upcalls_handled_; }
  // Packets read on an interface this instance no longer (or not yet) has active:
  // a registration that raced a removal or link down.
  std::uint64_t inactive_link_drops() const { return inactive_link_drops_; }
  // WRONGVIF upcalls: data of an entry arriving on another interface than its
  // input; the entry is right as it is.
  std::uint64_t wrong_vif_upcalls() const { return wrong_vif_upcalls_; }
  // IGMP/MLD messages on a downstream from outside its subnets and alternative-subnets.
  std::uint64_t foreign_subnet_drops() const { return foreign_subnet_drops_; }
  // Packets and upcalls the instance mailbox refused (its bulk lane was full).
  std::uint64_t mailbox_dropped() const { return mailbox_->dropped(); }
  // Multicast data on an upstream from outside its subnets and alternative-subnets (when set).
  std::uint64_t foreign_source_drops() const { return foreign_source_drops_; }
  // NOCACHE upcalls on a VIF number this instance does not hold (any more),
  // or whose interface is no longer active: answered with DiscardUnresolved.
  std::uint64_t stale_vif_upcalls() const { return stale_vif_upcalls_; }
  const std::string& last_kernel_failure() const { return last_kernel_failure_; }
  // Interfaces matching a downstream pattern (`ppp*`) refused for lack of VIFs.
  std::uint64_t dynamic_interfaces_refused() const { return dynamic_.refused(); }

 private:
  void loop();
  void handle(InstanceEvent&& event);
  void on_packet(ReceivedPacket& p);
  void on_upcall(const KernelUpcall& u);
  void on_link(const LinkEvent& e);
  bool from_local_subnet(const std::string& ifname, const Address& source) const;
  void on_timer(const TimerExpired& t);
  // Interfaces (links.cpp).
  void refresh_links_from_kernel();
  std::optional<Address> protocol_address_of(const std::string& ifname, const LinkState& link) const;
  void evaluate(const std::string& ifname);  // (de)activates an interface after a change
  void activate(const std::string& ifname, LinkState& link);
  void deactivate(const std::string& ifname, LinkState& link);
  void register_link(const std::string& ifname, LinkState& link, const config::InterfaceConfig* ifc);
  void unregister_link(LinkState& link);
  // The downstream's `host-report-rate` (then the instance's, then the default); 0 for an upstream.
  std::uint32_t host_report_rate_of(const config::InterfaceConfig* ifc) const;
  // (Re-)registers an active link with the Receiver (its registered ifindex,
  // role and host-report-rate); a registration replaces the previous one.
  void register_with_receiver(const std::string& ifname, LinkState& link, const config::InterfaceConfig* ifc);
  // Downstream patterns: takes `name` if a pattern matches it (true if the
  // configuration changed), releases taken names that are gone.
  bool take_dynamic(const std::string& name);
  void release_gone_dynamics();
  void apply(CoreEffects& effects);
  // Source liveness (source_counters.cpp): the core asked for the packet
  // counters of the table's entries; they are read in batches of
  // kCounterBatch, each batch asked for when the previous one arrived.
  void read_source_counters(std::optional<std::pair<Address, Address>> after);
  void on_source_counters(const CounterReply& reply);
  void reschedule_timer();
  void leave_everything();
  const config::InterfaceConfig* interface_config(const std::string& ifname) const;

  const config::Protocol protocol_;
  const Family family_;
  const std::string name_;
  const TableId table_;
  Modules modules_;
  log4cplus::Logger log_;
  DynamicInterfaces dynamic_;        // instance thread only (after start)
  std::unique_ptr<ProxyCore> core_;  // instance thread only (after start)
  std::shared_ptr<InstanceMailbox> mailbox_;
  Mailbox<std::function<void(ProxyInstance&)>> control_;  // control lane only
  LinkTable links_;                          // configured interfaces
  std::map<VifIndex, std::string> vifs_;     // VIF number -> name
  std::uint64_t next_request_ = 1;
  std::map<std::uint64_t, std::function<void(const CounterReply&)>> counter_requests_;
  std::uint64_t liveness_request_ = 0;  // the source-counter batch awaited; older replies are stale
  TimerHandle timer_ = 0;
  std::optional<TimePoint> timer_deadline_;
  std::uint64_t subscriber_id_;
  std::uint64_t kernel_failures_ = 0;
  std::uint64_t packets_ = 0;
  std::uint64_t upcalls_ = 0;
  std::uint64_t packets_handled_ = 0;
  std::uint64_t upcalls_handled_ = 0;
  std::uint64_t inactive_link_drops_ = 0;
  std::uint64_t wrong_vif_upcalls_ = 0;
  std::uint64_t foreign_subnet_drops_ = 0;
  std::optional<TimePoint> last_refusal_log_;
  std::uint64_t foreign_source_drops_ = 0;
  std::uint64_t stale_vif_upcalls_ = 0;
  std::string last_kernel_failure_;
  RateLimitedLog log_limiter_;  // instance thread: messages hosts or data can trigger
  std::atomic<bool> stop_requested_{false};
  bool started_ = false;
  std::thread thread_;
};

}  // namespace mcproxy::instances
