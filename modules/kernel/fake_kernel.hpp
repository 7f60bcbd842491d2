// A KernelApi for tests: records every VIF/MFC/rule/send call, keeps the table
// state it implies, injects packets, upcalls and link events, and fails on demand.
#pragma once

#include "modules/kernel/kernel_api.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace mcproxy::kernel {

// Descriptors are real eventfds (readable while injected data waits), so the
// module loops can poll them exactly like sockets. Thread-safe (one mutex), so
// a test thread may inject while module threads run.
class FakeKernel final : public KernelApi {
 public:
  struct Table {
    Family family = Family::V4;
    std::uint32_t table = 0;
    bool table_set = false;
    bool initialized = false;  // between MRT_INIT and MRT_DONE
    std::map<VifIndex, int> vifs;  // vif -> ifindex
    std::map<std::pair<Address, Address>, MfcEntry> mfc;
  };
  struct Sent {
    Family family = Family::V4;
    int ifindex = 0;
    Address source;  // IPv6 only
    Address destination;
    std::vector<std::uint8_t> bytes;
    bool router_alert = false;
  };

  // --- test controls -----------------------------------------------------------
  // Makes the next call named `call` (the first word of its log line, e.g.
  // "add_vif", "add_rule") fail with `error`.
  void fail_next(const std::string& call, int error);
  void inject(int fd, std::vector<std::uint8_t> bytes, Datagram meta);
  void inject_link_events(int fd, std::vector<LinkEvent> events);
  void set_interfaces(std::vector<InterfaceInfo> interfaces);
  void set_counters(const Address& source, const Address& group, SgCounters c);
  void add_existing_rule(const MrouteRule& rule);  // a stale rule "left by a predecessor"

  std::vector<std::string> calls() const;  // e.g. "add_vif fd=5 vif=0 ifindex=3 threshold=1"
  std::map<int, Table> tables() const;     // by descriptor, including closed sockets' last state
  std::vector<MrouteRule> rules() const;
  std::vector<Sent> sent() const;
  std::set<std::pair<int, std::string>> joined() const;  // (ifindex, group)
  // The descriptor the last call of this kind returned, e.g.
  // "open_packet_socket v6 receive", "open_link_monitor"; -1 if none.
  int opened(const std::string& call_line) const;

  // --- KernelApi -----------------------------------------------------------------
  KernelResult<Fd> open_mroute_socket(Family family) override;
  KernelStatus set_table(int fd, Family family, std::uint32_t table) override;
  KernelStatus mrt_init(int fd, Family family) override;
  KernelStatus mrt_done(int fd, Family family) override;
  KernelStatus flush(int fd, Family family) override;
  KernelStatus add_vif(int fd, Family family, VifIndex vif, int ifindex, std::uint8_t threshold) override;
  KernelStatus del_vif(int fd, Family family, VifIndex vif, int ifindex) override;
  KernelStatus add_mfc(int fd, const MfcEntry& entry) override;
  KernelStatus del_mfc(int fd, const Address& source, const Address& group) override;
  KernelResult<SgCounters> sg_counters(int fd, const Address& source, const Address& group) override;
  KernelResult<VifCounters> vif_counters(int fd, Family family, VifIndex vif) override;
  KernelStatus add_rule(const MrouteRule& rule) override;
  KernelStatus del_rule(const MrouteRule& rule) override;
  KernelResult<std::vector<MrouteRule>> list_rules(Family family) override;
  KernelResult<std::vector<InterfaceInfo>> list_interfaces() override;
  KernelResult<int> ifindex_of(std::string_view name) override;
  KernelResult<Fd> open_link_monitor() override;
  KernelResult<std::vector<LinkEvent>> read_link_events(int fd) override;
  KernelResult<Fd> open_packet_socket(Family family, PacketSocketRole role) override;
  KernelStatus join_group(int fd, int ifindex, const Address& group) override;
  KernelStatus leave_group(int fd, int ifindex, const Address& group) override;
  KernelStatus send_ipv4(int fd, int ifindex, const AddressV4& destination,
                         std::span<const std::uint8_t> datagram) override;
  KernelStatus send_ipv6(int fd, int ifindex, const AddressV6& source, const AddressV6& destination,
                         std::span<const std::uint8_t> icmpv6, bool router_alert) override;
  KernelResult<std::optional<Datagram>> receive(int fd, Family family, std::span<std::uint8_t> buffer) override;
  FeatureReport probe_features() override;

 private:
  struct Pending {
    std::vector<std::uint8_t> bytes;
    Datagram meta;
  };
  KernelStatus record(const std::string& call, const std::string& line);  // under lock
  KernelResult<Fd> new_fd(const std::string& call, const std::string& line);
  Table* table_of(int fd);

  mutable std::mutex mutex_;
  std::vector<std::string> calls_;
  std::map<std::string, int> failures_;
  std::map<int, Table> tables_;
  std::vector<MrouteRule> rules_;
  std::vector<Sent> sent_;
  std::set<std::pair<int, std::string>> joined_;
  std::vector<InterfaceInfo> interfaces_;
  std::map<std::pair<Address, Address>, SgCounters> counters_;
  std::map<int, std::deque<Pending>> pending_;
  std::map<int, std::deque<LinkEvent>> link_events_;
  std::map<std::string, int> opened_;
};

}  // namespace mcproxy::kernel
