// The Receiver module: one epoll loop over the mroute sockets, the IPv6 MLD
// socket and the netlink link monitor; decodes and dispatches by ifindex.
#pragma once

#include "modules/codec/codec.hpp"
#include "modules/common/fd.hpp"
#include "modules/common/instance_event.hpp"
#include "modules/common/mailbox.hpp"
#include "modules/common/rate_limited_log.hpp"
#include "modules/kernel/kernel_api.hpp"
#include "modules/receiver/drop_reason.hpp"
#include "modules/receiver/host_rate_limiter.hpp"
#include "modules/receiver/receiver_messages.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace mcproxy::receiver {

// Counters readable from any thread (relaxed atomics: status output only).
struct ReceiverCounters {
  std::array<std::uint64_t, static_cast<std::size_t>(DropReason::Count_)> drops{};
  std::array<std::uint64_t, static_cast<std::size_t>(codec::DecodeError::Count_)> decode_errors{};
  // Identities (doc/operations.md, "Counters"): every datagram read is
  // dispatched (packets, upcalls) or dropped before dispatch; every dispatched
  // one is delivered or dropped as `mailbox full` / `instance gone`.
  std::uint64_t datagrams_read = 0;  // read from the mroute and MLD sockets
  std::uint64_t packets = 0;         // dispatched to an instance
  std::uint64_t upcalls = 0;         // dispatched to an instance
  std::uint64_t delivered = 0;       // packets and upcalls accepted by the instance's mailbox
  std::uint64_t link_events = 0;  // read from netlink
  std::uint64_t registration_conflicts = 0;
  // Backpressure: times a socket was left unread because the instance it
  // feeds had a full mailbox (the kernel's queue held the packets meanwhile).
  std::uint64_t backpressure_pauses = 0;
};

// Threading contract:
//   post(), mailbox(), counters()               any thread
//   start(), stop(), destructor                 the thread that owns the object (main)
//   open(), run_once(), handle()                the receiver thread, or a test with no thread started
//
// Where packets come from (see doc/architecture.md, "Receiving"):
//   IPv4 IGMP: the mroute socket of the table the interface's rules select
//     (ip_mr_input hands IGMP to it); locally addressed IGMP (224.0.0.1,
//     224.0.0.22) reaches every mroute socket, so a copy is dispatched only
//     from the socket of the instance that registered the ifindex.
//   IPv6 MLD: one raw ICMPv6 socket of the Receiver's own (ICMP6_FILTER passes
//     MLD types only); the v6 mroute sockets carry upcalls only.
class Receiver {
 public:
  explicit Receiver(kernel::KernelApi& kernel,
                    std::size_t mailbox_capacity = Mailbox<ReceiverMessage>::kProbesOnlyCapacity);
  ~Receiver();
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  // Opens the MLD socket, the IPv4 join socket and the link monitor, then
  // starts the thread. A failure to open is returned, and the thread not started.
  kernel::KernelStatus start();
  void stop();

  // The control lane: registrations and subscriptions are never lost.
  bool post(ReceiverMessage message) {
    mailbox_.post_control(std::move(message));
    return true;
  }
  Mailbox<ReceiverMessage>& mailbox() { return mailbox_; }
  ReceiverCounters counters() const;

  // Single-threaded driving (tests, and the loop itself).
  kernel::KernelStatus open();
  // Waits up to `timeout` for any descriptor, handles what is ready; false on an epoll failure.
  bool run_once(std::chrono::milliseconds timeout);
  void handle(ReceiverMessage&& message);

 private:
  struct Registration {
    std::string ifname;
    InstanceMailboxRef owner;
    bool joined = false;  // the routers' groups are joined on the interface
    std::uint32_t host_report_rate = 0;  // packets/s per host; 0 = unlimited
    // The log limiter's key for this interface's rate warnings, made once:
    // under a flood every read packet may ask the limiter.
    std::string rate_log_key;
  };
  struct MrouteSocket {
    std::shared_ptr<const Fd> socket;
    InstanceMailboxRef owner;
  };

  kernel::KernelStatus open_descriptors();
  void watch(int fd);
  void unwatch(int fd);
  void read_mroute(const TableId& table, const MrouteSocket& socket);
  void read_mld();
  void read_links();
  // Every interface and address as the kernel has them now, as events.
  std::vector<LinkEvent> current_state();
  void dispatch_v4(const MrouteSocket& socket, std::span<const std::uint8_t> bytes, const kernel::Datagram& d);
  void deliver(const InstanceMailboxRef& owner, InstanceEvent event);
  // Backpressure (doc/architecture.md, "Mailboxes"): a socket is read only
  // while every instance it may feed has a free mailbox slot; otherwise it is
  // taken out of the epoll set until they have drained.
  bool has_room(const InstanceMailboxRef& owner) const;
  bool room_for_socket(int fd) const;
  void pause(int fd);
  void resume_paused();
  // Adds the kernel's new drops on `fd` (SO_RXQ_OVFL running count) to the counters.
  void count_queue_drops(int fd, const kernel::Datagram& d);
  void drop(DropReason r) { drops_[static_cast<std::size_t>(r)].fetch_add(1, std::memory_order_relaxed); }
  // Whether the host's packet is within its interface's host-report-rate;
  // counts and logs (rate-limited) the excess.
  bool within_host_rate(const Registration& reg, Family family, int ifindex, const Address& host);
  void join_all_routers(Family family, int ifindex, bool join);
  void loop();

  kernel::KernelApi& kernel_;
  Mailbox<ReceiverMessage> mailbox_;
  Fd epoll_;
  Fd mld_socket_;      // IPv6 MLD reception, joins ff02::16
  // Hold the IPv4 memberships of 224.0.0.22 and 224.0.0.2; never read (drop-all
  // filter). One socket holds at most net.ipv4.igmp_max_memberships (20 by
  // default) groups, so a further socket is opened whenever the last is full.
  std::vector<Fd> join_sockets_v4_;
  std::map<int, std::size_t> join_socket_of_;  // ifindex -> index in join_sockets_v4_
  Fd link_monitor_;
  std::map<std::pair<Family, int>, Registration> registrations_;
  std::map<TableId, MrouteSocket> mroute_sockets_;
  std::map<std::uint64_t, InstanceMailboxRef> link_subscribers_;
  std::vector<std::uint8_t> buffer_;
  RateLimitedLog log_limiter_;                   // warnings the network can trigger
  HostRateLimiter host_rates_;                   // per-host report rates of the downstreams
  std::set<int> paused_;                         // sockets left unread for a full mailbox
  std::map<int, std::uint32_t> queue_drops_seen_;  // last SO_RXQ_OVFL count per socket

  std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(DropReason::Count_)> drops_{};
  std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(codec::DecodeError::Count_)> decode_errors_{};
  std::atomic<std::uint64_t> datagrams_read_{0};
  std::atomic<std::uint64_t> packets_{0};
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> upcalls_{0};
  std::atomic<std::uint64_t> link_events_{0};
  std::atomic<std::uint64_t> registration_conflicts_{0};
  std::atomic<std::uint64_t> backpressure_pauses_{0};
  std::atomic<bool> stop_requested_{false};
  std::thread thread_;
};

}  // namespace mcproxy::receiver
