// The Receiver's loop: epoll over its descriptors; each readable socket is
// drained completely (non-blocking reads) before the next wait.
#include "modules/receiver/receiver.hpp"

#include "modules/kernel/upcall.hpp"
#include "modules/common/thread_name.hpp"

#include <log4cplus/logger.h>
#include <log4cplus/loggingmacros.h>
#include <sys/epoll.h>

#include <cerrno>
#include <limits>
#include <span>

namespace mcproxy::receiver {
namespace {

log4cplus::Logger logger() { return log4cplus::Logger::getInstance(LOG4CPLUS_TEXT("mcproxy.receiver")); }

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};

bool same_owner(const InstanceMailboxRef& a, const InstanceMailboxRef& b) {
  return !a.owner_before(b) && !b.owner_before(a);
}

// RFC 3376 §4.2.14: IGMPv3 reports go to 224.0.0.22; RFC 3810 §5.2.14: MLDv2
// reports go to ff02::16. RFC 2236 §3: IGMPv2 Leave Group goes to the
// all-routers group 224.0.0.2; RFC 2710 §4: MLDv1 Done goes to ff02::2. The
// kernel delivers link-local multicast to a raw socket only for groups joined
// on the interface, so a router must join all of them on its interfaces.
const Address kIgmpRouterGroups[] = {AddressV4({224, 0, 0, 22}), AddressV4({224, 0, 0, 2})};
const Address kMldRouterGroups[] = {boost::asio::ip::make_address_v6("ff02::16"),
                                    boost::asio::ip::make_address_v6("ff02::2")};

// Large enough for any IGMP/MLD packet on a 64 KiB link (jumbograms aside).
constexpr std::size_t kReceiveBuffer = 65536;
// Bounded work per readable socket per wake-up, so one flooded socket cannot
// starve the mailbox and the others.
constexpr int kMaxReadsPerWake = 256;

}  // namespace

Receiver::Receiver(kernel::KernelApi& kernel, std::size_t mailbox_capacity)
    : kernel_(kernel), mailbox_(mailbox_capacity), buffer_(kReceiveBuffer) {}

Receiver::~Receiver() { stop(); }

kernel::KernelStatus Receiver::open() {
  if (epoll_) return {};
  auto opened = open_descriptors();
  if (!opened) {
    // All or nothing, so a later open() starts from scratch.
    link_monitor_.reset();
    join_sockets_v4_.clear();
    mld_socket_.reset();
    epoll_.reset();
  }
  return opened;
}

kernel::KernelStatus Receiver::open_descriptors() {
  epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_) return kernel::errno_error("epoll_create1");
  watch(mailbox_.fd());
  auto mld = kernel_.open_packet_socket(Family::V6, kernel::PacketSocketRole::Receive);
  if (mld) {
    mld_socket_ = std::move(*mld);
    watch(mld_socket_.get());
  } else if (mld.error().error == EAFNOSUPPORT) {
    // A kernel without IPv6 still runs IPv4 instances.
    LOG4CPLUS_WARN(logger(), "no IPv6: " << mld.error().message().c_str());
  } else {
    return std::unexpected(mld.error());
  }
  auto join = kernel_.open_packet_socket(Family::V4, kernel::PacketSocketRole::Send);
  if (!join) return std::unexpected(join.error());
  join_sockets_v4_.push_back(std::move(*join));
  auto links = kernel_.open_link_monitor();
  if (!links) return std::unexpected(links.error());
  link_monitor_ = std::move(*links);
  watch(link_monitor_.get());
  return {};
}

kernel::KernelStatus Receiver::start() {
  if (thread_.joinable()) return {};
  if (auto s = open(); !s) return s;
  stop_requested_.store(false);
  thread_ = std::thread([this] { loop(); });
  return {};
}

void Receiver::stop() {
  if (!thread_.joinable()) return;
  stop_requested_.store(true);
  mailbox_.notify();
  thread_.join();
  mailbox_.owner().unbind();
}

void Receiver::loop() {
  name_this_thread("mcpx-receiver");
  mailbox_.owner().bind_to_current_thread();
  while (!stop_requested_.load()) {
    if (!run_once(std::chrono::milliseconds(-1))) break;
  }
}

ReceiverCounters Receiver::counters() const {
  ReceiverCounters c;
  for (std::size_t i = 0; i < c.drops.size(); ++i) c.drops[i] = drops_[i].load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < c.decode_errors.size(); ++i)
    c.decode_errors[i] = decode_errors_[i].load(std::memory_order_relaxed);
  c.datagrams_read = datagrams_read_.load(std::memory_order_relaxed);
  c.packets = packets_.load(std::memory_order_relaxed);
  c.delivered = delivered_.load(std::memory_order_relaxed);
  c.upcalls = upcalls_.load(std::memory_order_relaxed);
  c.link_events = link_events_.load(std::memory_order_relaxed);
  c.registration_conflicts = registration_conflicts_.load(std::memory_order_relaxed);
  c.backpressure_pauses = backpressure_pauses_.load(std::memory_order_relaxed);
  return c;
}

void Receiver::watch(int fd) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = fd;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) < 0)
    LOG4CPLUS_ERROR(logger(), "epoll_ctl(ADD) failed for fd " << fd << ": errno " << errno);
}

void Receiver::unwatch(int fd) {
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
  paused_.erase(fd);
  queue_drops_seen_.erase(fd);
}

bool Receiver::has_room(const InstanceMailboxRef& owner) const {
  auto mailbox = owner.lock();
  return !mailbox || mailbox->has_room();  // a gone instance: read and count the drop
}

bool Receiver::room_for_socket(int fd) const {
  if (fd == mld_socket_.get()) {
    // One MLD socket feeds every IPv6 instance: read it while all have room.
    for (const auto& [key, reg] : registrations_)
      if (key.first == Family::V6 && !has_room(reg.owner)) return false;
    return true;
  }
  for (const auto& [table, socket] : mroute_sockets_)
    if (socket.socket->get() == fd) return has_room(socket.owner);
  return true;
}

void Receiver::pause(int fd) {
  if (!paused_.insert(fd).second) return;
  epoll_event ev{};
  ev.events = 0;  // stays registered, reports nothing
  ev.data.fd = fd;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &ev);
  backpressure_pauses_.fetch_add(1, std::memory_order_relaxed);
}

void Receiver::resume_paused() {
  for (auto it = paused_.begin(); it != paused_.end();) {
    if (!room_for_socket(*it)) {
      ++it;
      continue;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = *it;
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, *it, &ev);
    it = paused_.erase(it);
  }
}

void Receiver::count_queue_drops(int fd, const kernel::Datagram& d) {
  if (!d.queue_drops) return;
  auto [it, fresh] = queue_drops_seen_.try_emplace(fd, 0u);
  const std::uint32_t delta = *d.queue_drops - it->second;  // wraps like the kernel's counter
  it->second = *d.queue_drops;
  if (delta != 0) drops_[static_cast<std::size_t>(DropReason::SocketOverflow)].fetch_add(delta, std::memory_order_relaxed);
}

bool Receiver::run_once(std::chrono::milliseconds timeout) {
  assert(mailbox_.owner().is_owner());
  resume_paused();
  // While a socket waits for an instance to drain, look again every millisecond.
  int wait_ms = timeout.count() < 0 ? -1 : static_cast<int>(timeout.count());
  if (!paused_.empty() && (wait_ms < 0 || wait_ms > 1)) wait_ms = 1;
  std::array<epoll_event, 16> events{};
  const int n = ::epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()), wait_ms);
  if (n < 0) {
    if (errno == EINTR) return true;
    LOG4CPLUS_ERROR(logger(), "epoll_wait failed: errno " << errno);
    return false;
  }
  for (int i = 0; i < n; ++i) {
    const int fd = events[static_cast<std::size_t>(i)].data.fd;
    if (fd == mailbox_.fd()) {
      mailbox_.drain([this](ReceiverMessage&& m) { handle(std::move(m)); });
    } else if (fd == mld_socket_.get()) {
      read_mld();
    } else if (fd == link_monitor_.get()) {
      read_links();
    } else {
      for (const auto& [table, socket] : mroute_sockets_) {
        if (socket.socket->get() == fd) {
          // Copy: a dispatch never changes mroute_sockets_, but keep the
          // socket alive for the duration regardless.
          const MrouteSocket s = socket;
          read_mroute(table, s);
          break;
        }
      }
    }
  }
  return true;
}

void Receiver::join_all_routers(Family family, int ifindex, bool join) {
  if (family == Family::V6) {
    if (!mld_socket_) return;
    for (const Address& group : kMldRouterGroups) {
      auto s = join ? kernel_.join_group(mld_socket_.get(), ifindex, group)
                    : kernel_.leave_group(mld_socket_.get(), ifindex, group);
      if (!s) LOG4CPLUS_WARN(logger(), s.error().message().c_str());
    }
    return;
  }
  if (join_sockets_v4_.empty()) return;
  if (!join) {
    auto it = join_socket_of_.find(ifindex);
    const std::size_t i = it == join_socket_of_.end() ? 0 : it->second;
    if (it != join_socket_of_.end()) join_socket_of_.erase(it);
    for (const Address& group : kIgmpRouterGroups) {
      if (auto s = kernel_.leave_group(join_sockets_v4_[i].get(), ifindex, group); !s)
        LOG4CPLUS_WARN(logger(), s.error().message().c_str());
    }
    return;
  }
  // The kernel refuses a socket's membership beyond net.ipv4.igmp_max_memberships
  // with ENOBUFS: the interface's groups then go to a fresh socket (an operator
  // with hundreds of interfaces need not raise the limit).
  std::size_t i = join_sockets_v4_.size() - 1;
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::vector<const Address*> joined;
    bool full = false;
    for (const Address& group : kIgmpRouterGroups) {
      auto s = kernel_.join_group(join_sockets_v4_[i].get(), ifindex, group);
      if (s) {
        joined.push_back(&group);
      } else if (s.error().error == ENOBUFS && attempt == 0) {
        full = true;
        break;
      } else {
        LOG4CPLUS_WARN(logger(), s.error().message().c_str());
      }
    }
    if (!full) {
      join_socket_of_[ifindex] = i;
      return;
    }
    for (const Address* group : joined) (void)kernel_.leave_group(join_sockets_v4_[i].get(), ifindex, *group);
    auto fd = kernel_.open_packet_socket(Family::V4, kernel::PacketSocketRole::Send);
    if (!fd) {
      LOG4CPLUS_WARN(logger(), "another socket for the routers' groups: " << fd.error().message().c_str());
      return;
    }
    join_sockets_v4_.push_back(std::move(*fd));
    i = join_sockets_v4_.size() - 1;
  }
}

void Receiver::handle(ReceiverMessage&& message) {
  std::visit(Overloaded{
                 [this](RegisterInterface& m) {
                   const auto key = std::make_pair(m.family, m.ifindex);
                   auto it = registrations_.find(key);
                   if (it != registrations_.end() && !same_owner(it->second.owner, m.owner)) {
                     registration_conflicts_.fetch_add(1, std::memory_order_relaxed);
                     LOG4CPLUS_WARN(logger(), "interface " << m.ifname.c_str() << " registered by a second instance");
                   }
                   const bool was_joined = it != registrations_.end() && it->second.joined;
                   // A new registration starts with fresh buckets (the rate may differ).
                   if (it != registrations_.end()) host_rates_.forget_interface(m.family, m.ifindex);
                   registrations_[key] = Registration{m.ifname, m.owner, m.join_router_groups, m.host_report_rate,
                                                      "host report rate " + std::to_string(m.ifindex)};
                   if (was_joined != m.join_router_groups) join_all_routers(m.family, m.ifindex, m.join_router_groups);
                 },
                 [this](UnregisterInterface& m) {
                   auto it = registrations_.find({m.family, m.ifindex});
                   if (it == registrations_.end()) return;
                   if (!same_owner(it->second.owner, m.owner)) {
                     LOG4CPLUS_DEBUG(logger(), "interface " << it->second.ifname.c_str()
                                                            << ": unregistered by an instance that no longer holds it,"
                                                               " left to its holder");
                     return;
                   }
                   if (it->second.joined) join_all_routers(m.family, m.ifindex, false);
                   host_rates_.forget_interface(m.family, m.ifindex);
                   registrations_.erase(it);
                 },
                 [this](AddMrouteSocket& m) {
                   if (!m.socket || !*m.socket) return;
                   if (auto old = mroute_sockets_.find(m.table); old != mroute_sockets_.end()) {
                     unwatch(old->second.socket->get());
                     mroute_sockets_.erase(old);
                   }
                   watch(m.socket->get());
                   mroute_sockets_[m.table] = MrouteSocket{std::move(m.socket), std::move(m.owner)};
                 },
                 [this](RemoveMrouteSocket& m) {
                   auto it = mroute_sockets_.find(m.table);
                   if (it == mroute_sockets_.end()) return;
                   unwatch(it->second.socket->get());
                   mroute_sockets_.erase(it);
                 },
                 [this](SubscribeLinkEvents& m) {
                   // A new subscriber first learns every interface as it is now,
                   // then the changes: no window where an event is missed.
                   for (auto& e : current_state()) deliver(m.owner, InterfaceChanged{std::move(e)});
                   link_subscribers_[m.subscriber] = std::move(m.owner);
                 },
                 [this](UnsubscribeLinkEvents& m) { link_subscribers_.erase(m.subscriber); },
                 [](Probe& p) { p.answer(); },
             },
             message);
}

void Receiver::deliver(const InstanceMailboxRef& owner, InstanceEvent event) {
  auto mailbox = owner.lock();
  if (!mailbox) return drop(DropReason::InstanceGone);
  // Link events are control plane: never lost. Packets and upcalls take a
  // bulk slot; the reads stop before those run out (backpressure), so a full
  // mailbox here means only that another producer took the last slot.
  if (std::holds_alternative<InterfaceChanged>(event)) return mailbox->post_control(std::move(event));
  if (!mailbox->post(std::move(event))) return drop(DropReason::MailboxFull);
  delivered_.fetch_add(1, std::memory_order_relaxed);
}

void Receiver::read_mroute(const TableId& table, const MrouteSocket& socket) {
  for (int i = 0; i < kMaxReadsPerWake; ++i) {
    if (!has_room(socket.owner)) return pause(socket.socket->get());
    auto r = kernel_.receive(socket.socket->get(), table.family, buffer_);
    if (!r) {
      drop(DropReason::ReadError);
      if (auto held = log_limiter_.admit("read " + to_string(table), Clock::now()))
        LOG4CPLUS_WARN(logger(), to_string(table).c_str() << ": " << r.error().message().c_str()
                                                          << RateLimitedLog::suffix(*held).c_str());
      return;
    }
    if (!*r) return;  // drained
    const kernel::Datagram& d = **r;
    datagrams_read_.fetch_add(1, std::memory_order_relaxed);
    count_queue_drops(socket.socket->get(), d);
    const std::span<const std::uint8_t> bytes(buffer_.data(), d.length);
    if (d.truncated) {
      drop(DropReason::Truncated);
      continue;
    }
    const bool upcall = table.family == Family::V4 ? kernel::is_ipv4_upcall(bytes) : kernel::is_ipv6_upcall(bytes);
    if (!upcall) {
      if (table.family == Family::V4) {
        dispatch_v4(socket, bytes, d);
      } else {
        drop(DropReason::UnexpectedPacket);
      }
      continue;
    }
    auto parsed = table.family == Family::V4 ? kernel::parse_igmpmsg(bytes) : kernel::parse_mrt6msg(bytes);
    if (!parsed) {
      drop(DropReason::MalformedUpcall);
      continue;
    }
    upcalls_.fetch_add(1, std::memory_order_relaxed);
    deliver(socket.owner, std::move(*parsed));
  }
}

void Receiver::dispatch_v4(const MrouteSocket& socket, std::span<const std::uint8_t> bytes, const kernel::Datagram& d) {
  if (d.ifindex == 0) return drop(DropReason::NoInterfaceIndex);
  auto reg = registrations_.find({Family::V4, d.ifindex});
  if (reg == registrations_.end()) return drop(DropReason::UnregisteredInterface);
  // Every mroute socket gets a copy of locally addressed IGMP; only the
  // registered owner's socket passes it on.
  if (!same_owner(reg->second.owner, socket.owner)) return drop(DropReason::OtherInstanceTable);
  // The source from the IP header (checked by the codec below; a shorter
  // datagram has no host to charge and fails decoding anyway).
  if (reg->second.host_report_rate != 0 && bytes.size() >= 20) {
    const AddressV4 host(AddressV4::bytes_type{bytes[12], bytes[13], bytes[14], bytes[15]});
    if (!within_host_rate(reg->second, Family::V4, d.ifindex, host)) return;
  }
  auto packet = codec::decode_ipv4(bytes);
  if (!packet) {
    drop(DropReason::DecodeFailed);
    decode_errors_[static_cast<std::size_t>(packet.error())].fetch_add(1, std::memory_order_relaxed);
    return;
  }
  packets_.fetch_add(1, std::memory_order_relaxed);
  deliver(reg->second.owner, ReceivedPacket{d.ifindex, reg->second.ifname, std::move(*packet)});
}

bool Receiver::within_host_rate(const Registration& reg, Family family, int ifindex, const Address& host) {
  const TimePoint now = Clock::now();
  const std::uint32_t rate = reg.host_report_rate;
  const std::uint32_t burst = rate > std::numeric_limits<std::uint32_t>::max() / 2 ? std::numeric_limits<std::uint32_t>::max() : 2 * rate;
  if (host_rates_.admit(family, ifindex, host, rate, burst, now)) return true;
  drop(DropReason::HostReportRate);
  if (auto held = log_limiter_.admit(reg.rate_log_key, now))
    LOG4CPLUS_WARN(logger(), reg.ifname.c_str() << ": " << host.to_string().c_str() << " sends more than " << rate
                                                << " reports/s (host-report-rate); the excess is dropped"
                                                << RateLimitedLog::suffix(*held).c_str());
  return false;
}

void Receiver::read_mld() {
  for (int i = 0; i < kMaxReadsPerWake; ++i) {
    if (!room_for_socket(mld_socket_.get())) return pause(mld_socket_.get());
    auto r = kernel_.receive(mld_socket_.get(), Family::V6, buffer_);
    if (!r) {
      drop(DropReason::ReadError);
      if (auto held = log_limiter_.admit("read MLD socket", Clock::now()))
        LOG4CPLUS_WARN(logger(),
                       "MLD socket: " << r.error().message().c_str() << RateLimitedLog::suffix(*held).c_str());
      return;
    }
    if (!*r) return;
    const kernel::Datagram& d = **r;
    datagrams_read_.fetch_add(1, std::memory_order_relaxed);
    count_queue_drops(mld_socket_.get(), d);
    if (d.truncated) {
      drop(DropReason::Truncated);
      continue;
    }
    if (d.ifindex == 0) {
      drop(DropReason::NoInterfaceIndex);
      continue;
    }
    auto reg = registrations_.find({Family::V6, d.ifindex});
    if (reg == registrations_.end()) {
      drop(DropReason::UnregisteredInterface);
      continue;
    }
    if (reg->second.host_report_rate != 0 && !within_host_rate(reg->second, Family::V6, d.ifindex, d.source)) continue;
    const std::span<const std::uint8_t> bytes(buffer_.data(), d.length);
    auto message = codec::decode_mld(bytes, d.source, d.destination);
    if (!message) {
      drop(DropReason::DecodeFailed);
      decode_errors_[static_cast<std::size_t>(message.error())].fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    codec::Packet packet;
    packet.source = d.source;
    packet.destination = d.destination;
    // Hop limit and Router Alert as received: RFC 3810 §5 checks belong to the
    // instance, which counts its own drops.
    packet.ttl = static_cast<std::uint8_t>(d.hop_limit < 0 ? 0 : d.hop_limit);
    packet.router_alert = d.router_alert;
    packet.message = std::move(*message);
    packets_.fetch_add(1, std::memory_order_relaxed);
    deliver(reg->second.owner, ReceivedPacket{d.ifindex, reg->second.ifname, std::move(packet)});
  }
}

std::vector<LinkEvent> Receiver::current_state() {
  auto interfaces = kernel_.list_interfaces();
  if (!interfaces) {
    LOG4CPLUS_WARN(logger(), interfaces.error().message().c_str());
    return {};
  }
  std::vector<LinkEvent> out;
  for (const auto& i : *interfaces) {
    out.push_back(LinkEvent{LinkChange::NewLink, i.ifindex, i.name, i.up, i.running, i.multicast, std::nullopt, 0, i.mtu});
    for (const auto& a : i.addresses) {
      out.push_back(LinkEvent{LinkChange::NewAddress, i.ifindex, i.name, i.up, i.running, i.multicast, a.address,
                              a.prefix_length});
      out.back().peer = a.peer;
    }
  }
  return out;
}

void Receiver::read_links() {
  auto events = kernel_.read_link_events(link_monitor_.get());
  if (!events) {
    // ENOBUFS: notifications were lost. Re-announce every interface as it is
    // now, so instances converge on the current state.
    drop(DropReason::LinkMonitorOverrun);
    LOG4CPLUS_WARN(logger(), events.error().message().c_str() << "; resynchronising interfaces");
    events = current_state();
  }
  for (auto& e : *events) {
    link_events_.fetch_add(1, std::memory_order_relaxed);
    // Keep registered names current across renames.
    if (e.change == LinkChange::NewLink && !e.name.empty()) {
      for (auto& [key, reg] : registrations_)
        if (key.second == e.ifindex) reg.ifname = e.name;
    }
    for (const auto& [id, subscriber] : link_subscribers_) deliver(subscriber, InterfaceChanged{e});
  }
}

}  // namespace mcproxy::receiver
