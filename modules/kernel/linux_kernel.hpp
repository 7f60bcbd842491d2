// The production KernelApi: Linux raw sockets, ipmr/ip6mr socket options and
// ioctls, rtnetlink via libmnl. Stateless apart from a netlink sequence counter.
#pragma once

#include "modules/kernel/kernel_api.hpp"

#include <atomic>
#include <cstdint>

namespace mcproxy::kernel {

class LinuxKernel final : public KernelApi {
 public:
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

  // Only non-persistent probes: MRT_TABLE with the table that always exists
  // (so no table is created), MRT_INIT followed by MRT_DONE, and a read-only
  // RTM_GETRULE dump. Nothing is left behind.
  FeatureReport probe_features() override;

 private:
  KernelStatus rule_request(bool add, const MrouteRule& rule);
  std::uint32_t next_seq() { return seq_.fetch_add(1, std::memory_order_relaxed); }
  std::atomic<std::uint32_t> seq_{1};
};

}  // namespace mcproxy::kernel
