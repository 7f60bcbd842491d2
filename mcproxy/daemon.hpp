// The running daemon: module threads, proxy instances, signals, and the
// control socket's handler. Built and run by run_daemon() (commands.hpp).
#pragma once

#include "instances/runtime/proxy_instance.hpp"
#include "mcproxy/commands.hpp"
#include "modules/config/config.hpp"
#include "mcproxy/control/handler.hpp"
#include "mcproxy/control/server.hpp"
#include "mcproxy/thread_watch.hpp"
#include "modules/common/clock.hpp"
#include "modules/kernel/linux_kernel.hpp"
#include "modules/receiver/receiver.hpp"
#include "modules/routing/routing.hpp"
#include "modules/sender/sender.hpp"
#include "modules/timer/timer.hpp"

#include <log4cplus/logger.h>

#include <chrono>
#include <map>
#include <ostream>
#include <memory>
#include <functional>
#include "modules/common/mailbox.hpp"
#include <optional>
#include <set>
#include <string>

namespace mcproxy {

// Threading contract: everything runs on the main thread except handle(),
// which runs on the control server's thread and only posts the request to
// the main thread's mailbox (run() executes it). So the set of instances and
// the running configuration belong to the main thread alone; protocol state
// is reached through ProxyInstance::post_control (ask()).
class Daemon final : public control::ControlHandler {
 public:
  // `kernel`: the kernel it works on; the running one (LinuxKernel) when null
  // (the threaded tests give a FakeKernel).
  Daemon(DaemonOptions options, config::Configuration configuration,
         std::unique_ptr<kernel::KernelApi> kernel = nullptr);
  ~Daemon() override;

  // Starts the modules and every instance. An error message if a module
  // cannot open its sockets (e.g. not root).
  std::optional<std::string> start();
  // Stops instances (leaving groups, removing kernel state), then modules.
  void stop();
  // Main loop: signals (SIGINT/SIGTERM stop, SIGHUP reloads) and control
  // requests, until a stop signal or request_stop(). Returns the exit code.
  int run();
  // Any thread: makes run() return EX_OK once the requests posted before
  // this one are handled, as a SIGTERM does.
  void request_stop();
  // Re-reads the configuration file and applies the difference. Errors (with
  // FILE:LINE:COL) leave everything as it is.
  std::vector<std::string> reload();

  void handle(const control::Request& request, control::Reply reply) override;
  // How `show stats` and `metrics` read the control server's counters (set
  // once the server runs, before run(); main thread).
  void set_control_counters(std::function<control::ServerCounters()> read) { control_counters_ = std::move(read); }

  // -s: how often the status tables are printed.
  static constexpr std::chrono::seconds kStatusPeriod{5};

 private:
  // Prints `mcproxyctl show interfaces` and `show groups` to `out`.
  void print_status(std::ostream& out);
  void handle_on_main(const control::Request& request, control::Reply& reply);
  TableId allocate_table(const config::InstanceConfig& cfg);
  void start_instance(const config::InstanceConfig& cfg);
  void stop_instance(const std::string& name);
  // Validates `candidate` as a whole and applies its difference to the
  // running instances; on error nothing changes.
  std::vector<std::string> apply_configuration(config::Configuration candidate);
  // Runs ProxyInstance::reconfigure() with each named running instance's
  // configuration on the instances' threads at once; waits for all of them, at most
  // kReconfigureTimeout in all.
  void reconfigure_each(std::vector<std::pair<std::string, config::InstanceConfig>> changes);
  static constexpr std::chrono::seconds kReconfigureTimeout{5};
  // `mcproxyctl interface move` of a downstream: a handover with its state.
  static constexpr const char* kNotAHandover = "not a handover";
  // systemd (daemon_watchdog.cpp): a round of probes to every thread, the
  // WATCHDOG=1 ping when the last round was answered, and the STATUS= line.
  struct InstanceSummary {
    std::size_t interfaces = 0;  // active ones
    std::size_t groups = 0;      // distinct groups with members on its downstreams
  };
  std::map<std::string, ThreadWatch::Prober> probers();
  void watchdog_tick(bool ping);
  void announce_ready();
  std::string status() const;
  std::optional<std::string> move_downstream(const std::string& ifname, const std::string& from,
                                             const std::string& to);

  DaemonOptions options_;
  log4cplus::Logger log_;
  SteadyClockSource clock_;
  std::unique_ptr<kernel::KernelApi> kernel_;  // before the modules, which use it
  timer::Timer timer_;
  receiver::Receiver receiver_;
  sender::Sender sender_;
  routing::Routing routing_;
  Mailbox<std::function<void()>> main_mailbox_{1024};
  config::Configuration running_;
  std::map<std::string, std::unique_ptr<instances::ProxyInstance>> instances_;
  // What every instance took from the Receiver since start, stopped ones included.
  std::shared_ptr<instances::InstanceTotals> instance_totals_ = std::make_shared<instances::InstanceTotals>();
  bool started_ = false;
  bool stop_requested_ = false;  // main thread (request_stop posts the change)
  ThreadWatch watch_{main_mailbox_};
  std::map<std::string, InstanceSummary> summaries_;  // by instance, from the last probes
  bool ready_sent_ = false;
  std::function<control::ServerCounters()> control_counters_;

  // tests/unit/daemon_threaded/daemon_threaded_test.cpp: reaches an instance
  // to hold its thread (before run() starts, while instances_ is the main
  // thread's alone).
  friend struct DaemonTestAccess;
};

}  // namespace mcproxy
