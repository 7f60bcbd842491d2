// The running daemon (see daemon.hpp): start-up, the main loop with signals
// and control requests, reload, and an orderly shutdown.
#include "mcproxy/daemon.hpp"
#include "mcproxy/ask_each.hpp"
#include "mcproxy/reload_plan.hpp"

#include "modules/config/load.hpp"
#include "mcproxy/control/server.hpp"
#include "mcproxy/ctl/show_format.hpp"
#include "mcproxy/rp_filter.hpp"
#include "modules/routing/table_probe.hpp"
#include "mcproxy/privileges.hpp"
#include "mcproxy/service_notify.hpp"

#include <log4cplus/loggingmacros.h>

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sysexits.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>

namespace mcproxy {

Daemon::Daemon(DaemonOptions options, config::Configuration configuration, std::unique_ptr<kernel::KernelApi> kernel)
    : options_(std::move(options)),
      log_(log4cplus::Logger::getInstance("mcproxy")),
      kernel_(kernel ? std::move(kernel) : std::make_unique<kernel::LinuxKernel>()),
      timer_(clock_),
      receiver_(*kernel_),
      sender_(*kernel_),
      routing_(*kernel_, [this](receiver::ReceiverMessage m) { receiver_.post(std::move(m)); }),
      running_(std::move(configuration)) {}

Daemon::~Daemon() { stop(); }

std::optional<std::string> Daemon::start() {
  timer_.start();
  if (auto s = receiver_.start(); !s) return "receiver: " + s.error().message();
  if (auto s = sender_.start(); !s) return "sender: " + s.error().message();
  routing_.start();
  started_ = true;
  for (const auto& cfg : running_.instances) start_instance(cfg);
  return std::nullopt;
}

void Daemon::stop() {
  if (!started_) return;
  started_ = false;
  // Instances first: they leave their groups and hand their tables back
  // while the modules still run.
  for (auto& [name, instance] : instances_) instance->stop();
  instances_.clear();
  sender_.stop();
  routing_.stop();  // removes every remaining MFC entry, VIF, rule; MRT_DONE
  receiver_.stop();
  timer_.stop();
}

TableId Daemon::allocate_table(const config::InstanceConfig& cfg) {
  const Family family = config::family_of(running_.protocol_of(cfg));
  if (cfg.table) return TableId{family, *cfg.table};
  // ipmr and ip6mr number their tables apart: only this family's count.
  std::set<std::uint32_t> used;
  for (const auto& [name, instance] : instances_)
    if (instance->table().family == family) used.insert(instance->table().table);
  for (const auto& other : running_.instances)
    if (other.table && config::family_of(running_.protocol_of(other)) == family) used.insert(*other.table);
  // A table another process holds (a second mcproxy, igmpproxy, pimd) is
  // skipped, so that daemons on one host never share one.
  auto free = [&](std::uint32_t t) {
    return !used.contains(t) && routing::probe_table(*kernel_, family, t) != routing::TableOwner::Somebody;
  };
  // The first instance without a table number uses the kernel's default table
  // (no policy rules needed, as classic mcproxy); the others get their own.
  if (free(default_mroute_table(family))) return TableId{family, default_mroute_table(family)};
  std::uint32_t t = 1000;
  while (!free(t)) ++t;
  return TableId{family, t};
}

void Daemon::start_instance(const config::InstanceConfig& cfg) {
  auto table = allocate_table(cfg);
  auto instance = std::make_unique<instances::ProxyInstance>(
      running_.protocol_of(cfg), cfg, table, instances::Modules{*kernel_, receiver_, sender_, routing_, timer_, clock_, instance_totals_});
  instance->start();
  LOG4CPLUS_INFO(log_, "instance " << cfg.name << " uses " << to_string(table));
  instances_[cfg.name] = std::move(instance);
}

void Daemon::stop_instance(const std::string& name) {
  auto it = instances_.find(name);
  if (it == instances_.end()) return;
  it->second->stop();
  instances_.erase(it);
}

void Daemon::reconfigure_each(std::vector<std::pair<std::string, config::InstanceConfig>> changes) {
  if (changes.empty()) return;
  std::vector<instances::ProxyInstance*> selected;
  std::map<std::string, config::InstanceConfig> by_name;
  for (auto& [name, cfg] : changes) {
    selected.push_back(instances_.at(name).get());
    by_name.emplace(name, std::move(cfg));
  }
  // Read by every instance thread, written by none.
  auto configs = std::make_shared<const std::map<std::string, config::InstanceConfig>>(std::move(by_name));
  const auto answers = ask_each(
      selected,
      [configs](instances::ProxyInstance& i, std::function<void(nlohmann::json)> done) {
        i.reconfigure(configs->at(i.name()));
        done(nlohmann::json::object());
      },
      kReconfigureTimeout);
  // An instance that did not answer in time still applies its configuration
  // when it gets to it; the log says that it was late.
  for (const auto& answer : answers)
    if (answer.contains("error"))
      LOG4CPLUS_WARN(log_, "reconfiguration: " << answer["error"].get<std::string>());
}

std::vector<std::string> Daemon::apply_configuration(config::Configuration candidate) {
  if (candidate.disabled) return {candidate.file + ": the configuration says `disable;`"};
  std::vector<std::string> restart;
  // 1. Instances that go away (or whose protocol or table changes) stop first,
  //    so their interfaces are free for the others.
  for (const auto& [name, instance] : instances_) {
    const auto* next = candidate.find_instance(name);
    const auto* now = running_.find_instance(name);
    const bool protocol_changed =
        next && now && candidate.protocol_of(*next) != running_.protocol_of(*now);
    const bool table_changed = next && next->table && *next->table != instance->table().table;
    if (!next || protocol_changed || table_changed) restart.push_back(name);
  }
  for (const auto& name : restart) stop_instance(name);
  // 2. Instances that stay are reconfigured in place (their state is kept).
  //    An interface that moves to another running instance must be released
  //    before it is taken, whatever the instances' order: so first every
  //    instance that gives one away lets it go (its new configuration without
  //    the interfaces it gains), then all take their full new configuration.
  //    Without such a move the first round is left out (under a flood each
  //    round waits for the instance's current batch of reports). Within a
  //    round the instances work at once, each on its own thread, and the
  //    round waits for all of them under one deadline.
  std::vector<std::string> staying;
  for (const auto& [name, instance] : instances_) staying.push_back(name);
  reconfigure_each(release_round(running_, candidate, staying));
  running_ = std::move(candidate);
  std::vector<std::pair<std::string, config::InstanceConfig>> taking;
  for (const auto& name : staying) taking.emplace_back(name, *running_.find_instance(name));
  reconfigure_each(std::move(taking));
  // 3. New instances start.
  for (const auto& cfg : running_.instances)
    if (!instances_.contains(cfg.name)) start_instance(cfg);
  return {};
}

std::vector<std::string> Daemon::reload() {
  // systemd: RELOADING=1 ... READY=1 around the reload, whatever its outcome.
  service::notify("RELOADING=1");
  auto loaded = config::load_config_file(options_.config_file);
  std::vector<std::string> errors;
  if (!loaded) {
    for (const auto& d : loaded.error()) errors.push_back(d.to_string());
  } else {
    for (const auto& w : loaded->warnings) LOG4CPLUS_WARN(log_, w.to_string());
    errors = apply_configuration(std::move(*loaded));
    if (errors.empty()) LOG4CPLUS_INFO(log_, "configuration reloaded from " << options_.config_file);
  }
  service::notify("READY=1\nSTATUS=" + status());
  return errors;
}

void Daemon::handle(const control::Request& request, control::Reply reply) {
  // The control thread only hands over; the main thread does the work.
  // The control lane: a control request is never lost (the control server
  // bounds how many are in flight).
  main_mailbox_.post_control([this, request, reply = std::move(reply)]() mutable { handle_on_main(request, reply); });
}

int Daemon::run() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  Fd sfd(::signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!sfd) {
    LOG4CPLUS_FATAL(log_, "signalfd failed: errno " << errno);
    return EX_OSERR;
  }
  main_mailbox_.owner().bind_to_current_thread();
  // Under systemd: a round of probes every watchdog period (or every 10 s
  // for the STATUS= line alone); READY=1 as soon as every thread answered.
  const bool notify = service::notify_enabled();
  const auto watchdog = service::watchdog_period();
  std::optional<std::chrono::milliseconds> period = watchdog;
  if (!period && notify) period = std::chrono::seconds(10);
  auto next_tick = std::chrono::steady_clock::now();
  auto next_status = std::chrono::steady_clock::now();
  for (;;) {
    int timeout_ms = -1;
    const auto now = std::chrono::steady_clock::now();
    auto until = [&](std::chrono::steady_clock::time_point t) {
      const int ms = static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(t - now).count());
      timeout_ms = timeout_ms < 0 ? ms : std::min(timeout_ms, ms);
    };
    if (options_.print_status) {
      if (now >= next_status) {
        print_status(std::cout);
        next_status = now + kStatusPeriod;
      }
      until(next_status);
    }
    if (period) {
      if (now >= next_tick) {
        watchdog_tick(watchdog.has_value());
        next_tick = now + *period;
      }
      until(next_tick);
    }
    pollfd fds[2] = {{sfd.get(), POLLIN, 0}, {main_mailbox_.fd(), POLLIN, 0}};
    if (::poll(fds, 2, timeout_ms) < 0 && errno != EINTR) return EX_OSERR;
    signalfd_siginfo info{};
    while (::read(sfd.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      if (info.ssi_signo == SIGHUP) {
        LOG4CPLUS_INFO(log_, "SIGHUP: reloading " << options_.config_file);
        for (const auto& e : reload()) LOG4CPLUS_ERROR(log_, "reload refused: " << e);
      } else {
        LOG4CPLUS_INFO(log_, "signal " << info.ssi_signo << ": shutting down");
        service::notify("STOPPING=1");
        return EX_OK;
      }
    }
    main_mailbox_.drain([](std::function<void()>&& fn) { fn(); });
    if (stop_requested_) {
      LOG4CPLUS_INFO(log_, "stop requested: shutting down");
      service::notify("STOPPING=1");
      return EX_OK;
    }
    if (notify && !ready_sent_ && watch_.complete()) announce_ready();
  }
}

void Daemon::request_stop() {
  main_mailbox_.post_control([this] { stop_requested_ = true; });
}

void Daemon::print_status(std::ostream& out) {
  for (auto what : {control::ShowWhat::Interfaces, control::ShowWhat::Groups}) {
    const control::Request request = control::ShowRequest{what, std::nullopt};
    nlohmann::json answer;
    control::Reply reply = [&answer](nlohmann::json j) { answer = std::move(j); };
    handle_on_main(request, reply);
    out << "## " << (what == control::ShowWhat::Interfaces ? "interfaces" : "groups") << "\n"
        << ctl::format_response(request, answer);
  }
  out << std::endl;
}

int run_daemon(const DaemonOptions& options) {
  auto log = log4cplus::Logger::getInstance("mcproxy");
  auto loaded = config::load_config_file(options.config_file);
  if (!loaded) {
    for (const auto& d : loaded.error()) std::cerr << d.to_string() << "\n";
    return EX_CONFIG;
  }
  for (const auto& w : loaded->warnings) LOG4CPLUS_WARN(log, w.to_string());
  if (loaded->disabled) {
    std::cerr << options.config_file << ": the configuration says `disable;`: not starting\n";
    return EX_CONFIG;
  }
  if (auto refused = settle_privileges(options.user, options.control_socket, std::cerr)) return *refused;
  // Signals are taken by the main loop's signalfd: block them before any
  // thread starts, so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // -r (original mcproxy): rp_filter would drop data from foreign subnets on
  // the upstream before the multicast routing sees it.
  ReversePathFilterReset rp_filter;
  if (options.reset_rp_filter) {
    std::vector<std::string> names;
    for (const auto& inst : loaded->instances)
      if (config::family_of(loaded->protocol_of(inst)) == Family::V4)
        for (const auto* list : {&inst.upstreams, &inst.downstreams})
          for (const auto& i : *list) names.push_back(i.name);
    for (const auto& e : rp_filter.reset(names)) LOG4CPLUS_WARN(log, "-r: " << e);
    for (const auto& [name, before] : rp_filter.changed())
      LOG4CPLUS_INFO(log, "rp_filter of " << name << " set to 0 (was " << before << ")");
  }

  Daemon daemon(options, std::move(*loaded));
  if (auto error = daemon.start()) {
    std::cerr << "mcproxy: " << *error << "\n";
    return EX_OSERR;
  }
  control::ServerOptions server_options;
  server_options.path = options.control_socket;
  server_options.group = options.control_group;  // its members may connect too (socket 0660)
  auto server = control::ControlServer::start(server_options, daemon);
  if (!server) {
    std::cerr << "mcproxy: control socket: " << server.error() << "\n";
    daemon.stop();
    return EX_UNAVAILABLE;
  }
  daemon.set_control_counters([s = server->get()] { return s->counters(); });
  LOG4CPLUS_INFO(log, "mcproxy running; control socket " << options.control_socket);
  const int code = daemon.run();
  daemon.set_control_counters(nullptr);
  (*server)->stop();
  daemon.stop();
  LOG4CPLUS_INFO(log, "mcproxy stopped");
  return code;
}

}  // namespace mcproxy
