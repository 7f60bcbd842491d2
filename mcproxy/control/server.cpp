// The control server's thread: accept, check peers, read lines, dispatch
// requests, deliver replies in order, enforce limits and timeouts.
#include "mcproxy/control/server.hpp"

#include "mcproxy/control/client_session.hpp"
#include "mcproxy/control/listening_socket.hpp"
#include "mcproxy/control/peer_access.hpp"
#include "mcproxy/control/reply_queue.hpp"
#include "mcproxy/control/responses.hpp"
#include "modules/common/thread_name.hpp"

#include <log4cplus/logger.h>
#include <log4cplus/loggingmacros.h>

#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <thread>

namespace mcproxy::control {
namespace {

constexpr std::uint64_t kListenTag = 0;
constexpr std::uint64_t kStopTag = 1;
constexpr std::uint64_t kRepliesTag = 2;
constexpr std::uint64_t kFirstClientId = 16;
constexpr std::size_t kReadChunk = 16 * 1024;
// Per wake-up and client, so one fast client cannot starve the others.
constexpr std::size_t kReadBudget = 64 * 1024;
constexpr std::chrono::seconds kAcceptPause{1};

log4cplus::Logger logger() { return log4cplus::Logger::getInstance(LOG4CPLUS_TEXT("mcproxy.control")); }

// One Reply's shared state: answers once; if every copy is dropped
// unanswered, the client still gets an answer.
struct ReplyState {
  std::shared_ptr<ReplyQueue> queue;
  std::uint64_t client = 0;
  std::uint64_t seq = 0;
  std::atomic<bool> done{false};

  ReplyState(std::shared_ptr<ReplyQueue> q, std::uint64_t c, std::uint64_t s) : queue(std::move(q)), client(c), seq(s) {}
  ReplyState(const ReplyState&) = delete;
  ReplyState& operator=(const ReplyState&) = delete;
  ~ReplyState() {
    if (!done.exchange(true)) queue->post({client, seq, make_error("internal error: the daemon dropped the request")});
  }
};

Reply make_reply(const std::shared_ptr<ReplyQueue>& queue, std::uint64_t client, std::uint64_t seq) {
  auto state = std::make_shared<ReplyState>(queue, client, seq);
  return [state](nlohmann::json response) {
    if (!state->done.exchange(true)) state->queue->post({state->client, state->seq, std::move(response)});
  };
}

}  // namespace

class ControlServer::Impl {
 public:
  Impl(ServerOptions options, ControlHandler& handler, ListeningSocket socket, AccessPolicy policy)
      : options_(std::move(options)),
        handler_(handler),
        socket_(std::move(socket)),
        policy_(policy),
        limits_{options_.max_request_bytes, options_.max_pipelined, options_.client_timeout, options_.handler_timeout},
        epoll_(::epoll_create1(EPOLL_CLOEXEC)),
        stop_event_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
        replies_(std::make_shared<ReplyQueue>()) {}

  std::expected<void, std::string> init() {
    if (!epoll_) return std::unexpected(std::string("epoll_create1: ") + std::strerror(errno));
    if (!stop_event_ || replies_->fd() < 0) return std::unexpected(std::string("eventfd: ") + std::strerror(errno));
    for (auto [fd, tag] : {std::pair{socket_->fd(), kListenTag}, std::pair{stop_event_.get(), kStopTag},
                           std::pair{replies_->fd(), kRepliesTag}}) {
      epoll_event event{};
      event.events = EPOLLIN;
      event.data.u64 = tag;
      if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0)
        return std::unexpected(std::string("epoll_ctl: ") + std::strerror(errno));
    }
    return {};
  }

  void start_thread() {
    thread_ = std::thread([this] {
      name_this_thread("mcpx-control");
      run();
    });
  }

  void stop() {
    if (!thread_.joinable()) return;
    const std::uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(stop_event_.get(), &one, sizeof one);
    thread_.join();
    socket_.reset();  // removes the socket file
  }

  ServerCounters counters() const {
    ServerCounters c{connections_.load(), refused_permission_.load(), refused_too_many_.load(), requests_.load(), {}};
    for (std::size_t k = 0; k < SessionErrors::kReasons.size(); ++k)
      c.errors.*SessionErrors::kReasons[k].second = errors_[k].load();
    return c;
  }

  const std::string& path() const { return options_.path; }

 private:
  struct Client {
    UniqueFd fd;
    ClientSession session;
    std::uint32_t events = 0;
  };

  void run() {
    // Signals belong to the daemon's main thread.
    sigset_t signals;
    sigfillset(&signals);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    std::array<epoll_event, 32> events{};
    for (;;) {
      const int count = ::epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()), wait_ms());
      if (count < 0 && errno != EINTR) {
        LOG4CPLUS_ERROR(logger(), "epoll_wait: " << std::strerror(errno) << "; control server stops");
        break;
      }
      bool stopping = false;
      for (int i = 0; i < count; ++i) {
        const auto tag = events[static_cast<std::size_t>(i)].data.u64;
        const auto flags = events[static_cast<std::size_t>(i)].events;
        if (tag == kStopTag) stopping = true;
        else if (tag == kListenTag) accept_clients();
        else if (tag == kRepliesTag) deliver_replies();
        else on_client_event(tag, flags);
      }
      if (stopping) break;
      apply_timeouts();
    }
    replies_->close();
    clients_.clear();
  }

  int wait_ms() const {
    std::optional<TimePoint> next = accept_paused_until_;
    for (const auto& [id, client] : clients_)
      if (auto d = client.session.deadline(); d && (!next || *d < *next)) next = d;
    if (!next) return -1;
    const auto now = Clock::now();
    if (*next <= now) return 0;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(*next - now).count();
    return static_cast<int>(std::min<long long>(ms, 60'000));
  }

  void accept_clients() {
    for (;;) {
      UniqueFd fd(::accept4(socket_->fd(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
      if (!fd) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        if (errno == EINTR || errno == ECONNABORTED) continue;
        // Out of descriptors (EMFILE, ENFILE, ...): pause accepting instead of spinning.
        LOG4CPLUS_WARN(logger(), "accept on " << options_.path << ": " << std::strerror(errno));
        set_listening(false);
        accept_paused_until_ = Clock::now() + kAcceptPause;
        return;
      }
      auto peer = peer_credentials(fd.get());
      if (!peer || !peer_allowed(*peer, policy_)) {
        ++refused_permission_;
        if (peer) log_refusal("refused control connection from pid " + std::to_string(peer->pid) + " uid " +
                              std::to_string(peer->uid) + ": permission denied");
        else log_refusal("refused control connection: " + peer.error());
        refuse(fd, "permission denied");
        continue;
      }
      if (clients_.size() >= options_.max_clients) {
        ++refused_too_many_;
        log_refusal("refused control connection from pid " + std::to_string(peer->pid) + ": too many clients");
        refuse(fd, "too many clients (limit " + std::to_string(options_.max_clients) + ")");
        continue;
      }
      const auto id = next_client_id_++;
      epoll_event event{};
      event.events = EPOLLIN;
      event.data.u64 = id;
      if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd.get(), &event) != 0) {
        LOG4CPLUS_WARN(logger(), "epoll_ctl(ADD): " << std::strerror(errno));
        continue;
      }
      ++connections_;
      LOG4CPLUS_DEBUG(logger(), "control connection " << id << " from pid " << peer->pid << " uid " << peer->uid);
      clients_.emplace(id, Client{std::move(fd), ClientSession(limits_, Clock::now()), EPOLLIN});
    }
  }

  void set_listening(bool on) {
    epoll_event event{};
    event.events = on ? std::uint32_t{EPOLLIN} : std::uint32_t{0};
    event.data.u64 = kListenTag;
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, socket_->fd(), &event);
  }

  // A refused peer learns why; the socket buffer of a fresh connection is empty, so this does not block.
  static void refuse(const UniqueFd& fd, const std::string& message) {
    const auto line = serialize_response(make_error(message));
    [[maybe_unused]] auto sent = ::send(fd.get(), line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }

  // Local users can connect at will: at most one refusal line per second.
  void log_refusal(const std::string& message) {
    const auto now = Clock::now();
    if (now - last_refusal_log_ < std::chrono::seconds(1)) {
      ++refusals_not_logged_;
      return;
    }
    last_refusal_log_ = now;
    if (refusals_not_logged_ > 0) {
      LOG4CPLUS_WARN(logger(), message << " (and " << refusals_not_logged_ << " more not logged)");
      refusals_not_logged_ = 0;
    } else {
      LOG4CPLUS_WARN(logger(), message);
    }
  }

  void on_client_event(std::uint64_t id, std::uint32_t flags) {
    auto it = clients_.find(id);
    if (it == clients_.end()) return;
    Client& client = it->second;
    const auto now = Clock::now();
    if (flags & EPOLLIN) {
      std::array<char, kReadChunk> buffer{};
      std::size_t budget = kReadBudget;
      while (budget > 0 && client.session.wants_input()) {
        const auto n = ::recv(client.fd.get(), buffer.data(), buffer.size(), 0);
        if (n > 0) {
          client.session.on_input(std::string_view(buffer.data(), static_cast<std::size_t>(n)), now);
          budget -= std::min(budget, static_cast<std::size_t>(n));
          dispatch(id, client, now);
          continue;
        }
        if (n == 0) {
          client.session.on_end_of_input(now);
          break;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        close_client(id);  // ECONNRESET and the like: nobody to answer
        return;
      }
    }
    if (flags & (EPOLLHUP | EPOLLERR)) {
      close_client(id);  // both directions are gone: replies cannot be delivered
      return;
    }
    service(id, client, now);
  }

  // Hands the session's ready requests to the handler.
  void dispatch(std::uint64_t id, Client& client, TimePoint now) {
    for (auto& ready : client.session.take_requests(now)) {
      ++requests_;
      Reply reply = make_reply(replies_, id, ready.seq);
      try {
        handler_.handle(ready.request, reply);
      } catch (const std::exception& e) {
        LOG4CPLUS_ERROR(logger(), "control handler failed on '" << command_name(ready.request) << "': " << e.what());
        reply(make_error(std::string("internal error: ") + e.what()));
      } catch (...) {
        reply(make_error("internal error"));
      }
    }
  }

  // Takes new requests, writes what is ready, adjusts interest, closes when done.
  void service(std::uint64_t id, Client& client, TimePoint now) {
    dispatch(id, client, now);
    count_errors(client);
    while (!client.session.output().empty()) {
      const auto& out = client.session.output();
      const auto n = ::send(client.fd.get(), out.data(), out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        client.session.on_written(static_cast<std::size_t>(n), now);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      close_client(id);  // EPIPE, ECONNRESET: the client has gone
      return;
    }
    if (client.session.finished()) {
      close_client(id);
      return;
    }
    std::uint32_t wanted = 0;
    if (client.session.wants_input()) wanted |= EPOLLIN;
    if (!client.session.output().empty()) wanted |= EPOLLOUT;
    if (wanted != client.events) {
      epoll_event event{};
      event.events = wanted;
      event.data.u64 = id;
      ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, client.fd.get(), &event);
      client.events = wanted;
    }
  }

  void deliver_replies() {
    const auto now = Clock::now();
    for (auto& posted : replies_->take()) {
      auto it = clients_.find(posted.client);
      if (it == clients_.end()) continue;  // the client has gone: drop the reply
      it->second.session.on_reply(posted.seq, std::move(posted.response), now);
      service(posted.client, it->second, now);
    }
  }

  void apply_timeouts() {
    const auto now = Clock::now();
    if (accept_paused_until_ && *accept_paused_until_ <= now) {
      accept_paused_until_.reset();
      set_listening(true);
    }
    std::vector<std::uint64_t> due;
    for (const auto& [id, client] : clients_)
      if (auto d = client.session.deadline(); d && *d <= now) due.push_back(id);
    for (auto id : due) {
      auto it = clients_.find(id);
      if (it == clients_.end()) continue;
      it->second.session.on_timer(now);
      service(id, it->second, now);
    }
  }

  // The session's errors since the last look, into the totals.
  void count_errors(Client& client) {
    const SessionErrors e = client.session.take_errors();
    for (std::size_t k = 0; k < SessionErrors::kReasons.size(); ++k) errors_[k] += e.*SessionErrors::kReasons[k].second;
  }

  void close_client(std::uint64_t id) {
    auto it = clients_.find(id);
    if (it == clients_.end()) return;
    count_errors(it->second);
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, it->second.fd.get(), nullptr);
    LOG4CPLUS_DEBUG(logger(), "control connection " << id << " closed");
    clients_.erase(it);
  }

  ServerOptions options_;
  ControlHandler& handler_;
  std::optional<ListeningSocket> socket_;
  AccessPolicy policy_;
  SessionLimits limits_;
  UniqueFd epoll_;
  UniqueFd stop_event_;
  std::shared_ptr<ReplyQueue> replies_;
  std::thread thread_;

  // Server thread only.
  std::map<std::uint64_t, Client> clients_;
  std::uint64_t next_client_id_ = kFirstClientId;
  std::optional<TimePoint> accept_paused_until_;
  TimePoint last_refusal_log_{};
  std::uint64_t refusals_not_logged_ = 0;

  std::atomic<std::uint64_t> connections_{0};
  std::atomic<std::uint64_t> refused_permission_{0};
  std::atomic<std::uint64_t> refused_too_many_{0};
  std::atomic<std::uint64_t> requests_{0};
  std::array<std::atomic<std::uint64_t>, SessionErrors::kReasons.size()> errors_{};  // by SessionErrors::kReasons
};

std::expected<std::unique_ptr<ControlServer>, std::string> ControlServer::start(ServerOptions options,
                                                                                ControlHandler& handler) {
  AccessPolicy policy{::geteuid(), std::nullopt};
  if (options.group) {
    auto gid = resolve_group(*options.group);
    if (!gid) return std::unexpected("control socket group: " + gid.error());
    policy.group = *gid;
  }
  auto socket = ListeningSocket::open(options.path, policy.group);
  if (!socket) return std::unexpected(socket.error());
  auto impl = std::make_unique<Impl>(std::move(options), handler, std::move(*socket), policy);
  if (auto ok = impl->init(); !ok) return std::unexpected(ok.error());
  impl->start_thread();
  LOG4CPLUS_INFO(logger(), "control socket listening on " << impl->path());
  return std::unique_ptr<ControlServer>(new ControlServer(std::move(impl)));
}

ControlServer::ControlServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ControlServer::~ControlServer() { stop(); }
void ControlServer::stop() { impl_->stop(); }
ServerCounters ControlServer::counters() const { return impl_->counters(); }
const std::string& ControlServer::path() const { return impl_->path(); }

}  // namespace mcproxy::control
