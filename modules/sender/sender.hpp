// The Sender module: one thread that encodes IGMP/MLD packets with the codec and
// transmits them from the requested interface through the kernel seam.
#pragma once

#include "modules/common/fd.hpp"
#include "modules/common/mailbox.hpp"
#include "modules/kernel/kernel_api.hpp"
#include "modules/sender/sender_messages.hpp"

#include <atomic>
#include <cstdint>
#include <thread>

namespace mcproxy::sender {

// Every packet an instance asks the Sender to send ends in exactly one of
// the other four (doc/operations.md, "Counters"):
//   asked = sent + send_errors + invalid_requests + dropped_mailbox_full
// once the mailbox is empty.
struct SenderCounters {
  std::uint64_t asked = 0;             // SendPacket posted (accepted or not)
  std::uint64_t sent = 0;
  std::uint64_t send_errors = 0;       // the kernel refused (errno logged, rate-limited by the caller's pace)
  std::uint64_t invalid_requests = 0;  // family mismatch, no ifindex, non-link-local IPv6 source
  std::uint64_t dropped_mailbox_full = 0;  // SendPacket refused by the full mailbox (not the watchdog's probes)
};

// Threading contract:
//   post(), mailbox(), counters()       any thread
//   start(), stop(), destructor         the thread that owns the object (main)
//   open(), handle(), run_once()        the sender thread, or a test with no thread started
class Sender {
 public:
  explicit Sender(kernel::KernelApi& kernel, std::size_t mailbox_capacity = Mailbox<SenderMessage>::kDefaultCapacity);
  ~Sender();
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  kernel::KernelStatus start();  // opens both send sockets, then starts the thread
  void stop();

  bool post(SenderMessage message);
  Mailbox<SenderMessage>& mailbox() { return mailbox_; }
  SenderCounters counters() const;

  kernel::KernelStatus open();
  void handle(SenderMessage&& message);
  void run_once(std::chrono::milliseconds timeout);

 private:
  void send(const SendPacket& p);
  void loop();

  kernel::KernelApi& kernel_;
  Mailbox<SenderMessage> mailbox_;
  Fd socket_v4_;
  Fd socket_v6_;
  std::atomic<std::uint64_t> asked_{0};
  std::atomic<std::uint64_t> refused_{0};
  std::atomic<std::uint64_t> sent_{0};
  std::atomic<std::uint64_t> send_errors_{0};
  std::atomic<std::uint64_t> invalid_{0};
  std::atomic<bool> stop_requested_{false};
  std::thread thread_;
};

}  // namespace mcproxy::sender
