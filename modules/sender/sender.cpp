// The Sender's loop and the one function that turns a codec::Packet into a
// kernel send call.
#include "modules/sender/sender.hpp"

#include "modules/codec/codec.hpp"
#include "modules/common/thread_name.hpp"

#include <log4cplus/logger.h>
#include <log4cplus/loggingmacros.h>

#include <cerrno>
#include <type_traits>

namespace mcproxy::sender {
namespace {

log4cplus::Logger logger() { return log4cplus::Logger::getInstance(LOG4CPLUS_TEXT("mcproxy.sender")); }

bool is_mld(const codec::Message& m) {
  return std::visit([](const auto& x) { return codec::family_of(x.version) == Family::V6; }, m);
}

}  // namespace

Sender::Sender(kernel::KernelApi& kernel, std::size_t mailbox_capacity) : kernel_(kernel), mailbox_(mailbox_capacity) {}

Sender::~Sender() { stop(); }

kernel::KernelStatus Sender::open() {
  if (!socket_v4_) {
    auto s = kernel_.open_packet_socket(Family::V4, kernel::PacketSocketRole::Send);
    if (!s) return std::unexpected(s.error());
    socket_v4_ = std::move(*s);
  }
  if (!socket_v6_) {
    auto s = kernel_.open_packet_socket(Family::V6, kernel::PacketSocketRole::Send);
    if (s) {
      socket_v6_ = std::move(*s);
    } else if (s.error().error == EAFNOSUPPORT) {
      // A kernel without IPv6 still runs IPv4 instances; MLD sends then fail and are counted.
      LOG4CPLUS_WARN(logger(), "no IPv6: " << s.error().message().c_str());
    } else {
      return std::unexpected(s.error());
    }
  }
  return {};
}

kernel::KernelStatus Sender::start() {
  if (thread_.joinable()) return {};
  if (auto s = open(); !s) return s;
  stop_requested_.store(false);
  thread_ = std::thread([this] { loop(); });
  return {};
}

void Sender::stop() {
  if (!thread_.joinable()) return;
  stop_requested_.store(true);
  mailbox_.notify();
  thread_.join();
  mailbox_.owner().unbind();
}

bool Sender::post(SenderMessage message) {
  const bool packet = std::holds_alternative<SendPacket>(message);
  if (packet) asked_.fetch_add(1, std::memory_order_relaxed);
  if (mailbox_.post(std::move(message))) return true;
  if (packet) refused_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

SenderCounters Sender::counters() const {
  SenderCounters c;
  c.sent = sent_.load(std::memory_order_relaxed);
  c.send_errors = send_errors_.load(std::memory_order_relaxed);
  c.invalid_requests = invalid_.load(std::memory_order_relaxed);
  c.dropped_mailbox_full = refused_.load(std::memory_order_relaxed);
  c.asked = asked_.load(std::memory_order_relaxed);
  return c;
}

void Sender::run_once(std::chrono::milliseconds timeout) {
  mailbox_.wait(timeout);
  mailbox_.drain([this](SenderMessage&& m) { handle(std::move(m)); });
}

void Sender::loop() {
  name_this_thread("mcpx-sender");
  mailbox_.owner().bind_to_current_thread();
  while (!stop_requested_.load()) run_once(std::chrono::milliseconds(-1));
  // What was posted before stop() still goes out: the leave reports of
  // instances that shut down just before the Sender.
  mailbox_.drain([this](SenderMessage&& m) { handle(std::move(m)); });
}

void Sender::handle(SenderMessage&& message) {
  assert(mailbox_.owner().is_owner());
  std::visit(
      [this](auto& m) {
        if constexpr (std::is_same_v<std::decay_t<decltype(m)>, Probe>)
          m.answer();
        else
          send(m);
      },
      message);
}

void Sender::send(const SendPacket& p) {
  const auto& pkt = p.packet;
  const bool v6 = is_mld(pkt.message);
  // The encoders' precondition: addresses of the message's family.
  const bool valid = p.ifindex > 0 && pkt.destination.is_v6() == v6 && pkt.source.is_v6() == v6 &&
                     pkt.destination.is_multicast() &&
                     // RFC 3810 §5: MLD messages are sent from a link-local source.
                     (!v6 || pkt.source.to_v6().is_link_local());
  if (!valid) {
    invalid_.fetch_add(1, std::memory_order_relaxed);
    LOG4CPLUS_WARN(logger(), "refusing to send to " << pkt.destination.to_string().c_str() << " from "
                                                    << pkt.source.to_string().c_str() << " on ifindex " << p.ifindex);
    return;
  }
  kernel::KernelStatus s;
  if (!v6) {
    const auto bytes = codec::encode_ipv4(pkt);
    s = kernel_.send_ipv4(socket_v4_.get(), p.ifindex, pkt.destination.to_v4(), bytes);
  } else {
    const auto bytes = codec::encode_mld(pkt.message, pkt.source, pkt.destination);
    s = kernel_.send_ipv6(socket_v6_.get(), p.ifindex, pkt.source.to_v6(), pkt.destination.to_v6(), bytes,
                          pkt.router_alert);
  }
  if (!s) {
    send_errors_.fetch_add(1, std::memory_order_relaxed);
    LOG4CPLUS_WARN(logger(), s.error().message().c_str());
    return;
  }
  sent_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace mcproxy::sender
