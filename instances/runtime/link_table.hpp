// What an instance knows about its configured interfaces as the kernel reports
// them (netlink link/address events, interface lists): pure, no I/O.
#pragma once

#include "modules/common/address.hpp"
#include "modules/common/link_event.hpp"
#include "modules/common/mroute_types.hpp"
#include "modules/kernel/kernel_api.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mcproxy::instances {

// One configured interface.
struct LinkState {
  int ifindex = 0;         // 0: the interface does not exist (yet), or not under this name
  bool up = false;         // administratively up and running (IFF_UP and IFF_RUNNING)
  unsigned mtu = 0;        // link MTU (IFLA_MTU, SIOCGIFMTU); 0 = not known
  std::map<Address, std::uint8_t> addresses;  // of the instance's family
  std::map<Address, Address> peers;           // own address -> the far end of a point-to-point link
  std::optional<Address> own_address;         // the one the protocol uses while active
  bool active = false;     // registered with Receiver and Routing, known up to the core
  int registered_ifindex = 0;  // the ifindex it was registered under while active
  std::uint32_t host_report_rate = 0;  // as registered with the Receiver (0: unlimited)
  std::optional<VifIndex> vif;
};

// The address the protocol uses on a link, or none if the link cannot run it:
// a configured `query-source` first; IPv4: the lowest address of the link (a
// stable choice for the querier election, RFC 3376 §6.6.2), else 0.0.0.0 (RFC
// 3376 §4.2.13 allows it for reports; the Linux bridge querier sends its
// queries from it); IPv6: the link-local address (RFC 3810 §5: MLD is sent
// from one), else none.
std::optional<Address> protocol_address(Family family, const LinkState& link,
                                        const std::optional<Address>& configured);

// Whether `source` is on the link: inside one of its prefixes, or the far end
// of a point-to-point address (`ip addr add A peer P/LEN`: P/LEN is on-link);
// on_link() of instances/proxy/source_subnets.hpp, for a LinkState.
bool source_on_link(const LinkState& link, const Address& source);

// Whether the link can run the protocol with `own`: it exists, is up and has a source address.
bool usable(const LinkState& link, const std::optional<Address>& own);

// The configured interfaces by name, and which ifindex each has now. Names are
// what the configuration holds: an interface renamed away is gone, one created
// or renamed to a configured name appears (with a new ifindex after a delete
// and re-create, or a move into this namespace).
class LinkTable {
 public:
  explicit LinkTable(Family family) : family_(family) {}

  void track(const std::string& name) { links_.try_emplace(name); }
  // Forgets a configured name (the caller deactivated it first).
  void untrack(const std::string& name);
  bool tracks(const std::string& name) const { return links_.contains(name); }

  LinkState* find(const std::string& name);
  const LinkState* find(const std::string& name) const;
  // The configured name that has `ifindex` now, or nullptr.
  const std::string* name_of(int ifindex) const;
  const std::map<std::string, LinkState>& links() const { return links_; }
  std::map<std::string, LinkState>& links() { return links_; }

  // What an event changed: the configured names to evaluate, and whether the
  // caller should read the full interface list (a configured name got a new
  // ifindex, whose addresses may have come before we knew it).
  struct Changes {
    std::set<std::string> names;
    bool needs_refresh = false;
  };
  // RTM_NEWLINK / DELLINK / NEWADDR / DELADDR, as the Receiver forwards them.
  Changes apply(const LinkEvent& event);
  // The kernel's interface list as it is now (start, after a new ifindex, after
  // lost notifications): every configured name is set from it, and a name
  // absent from it is gone.
  Changes apply(const std::vector<kernel::InterfaceInfo>& interfaces);

 private:
  void forget_ifindex(const std::string& name, LinkState& link);

  Family family_;
  std::map<std::string, LinkState> links_;  // configured interfaces, by name
  std::map<int, std::string> ifnames_;      // ifindex -> configured name
};

}  // namespace mcproxy::instances
