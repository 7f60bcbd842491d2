// mcproxy, the daemon's entry: the command line (TCLAP), then one of
// --check-config, --check-kernel or running the proxy in the foreground.
// Exit codes follow sysexits(3). The original mcproxy's flags keep their
// meaning: -c -r -d -s -v -f -h (`mcproxy -dsvv -f FILE`).
#include "mcproxy/commands.hpp"
#include "mcproxy/logging.hpp"
#include "mcproxy/version.hpp"

#include <tclap/CmdLine.h>

#include <sysexits.h>

#include <iostream>
#include <string>

int main(int argc, char** argv) {
  try {
    TCLAP::CmdLine cmd(
        "mcproxy: a multicast proxy (IGMP/MLD, RFC 4605). Runs in the foreground; "
        "logs to stderr (to the journal with priorities under systemd) unless --log-target or "
        "--log-config says otherwise.",
        ' ', mcproxy::kVersion);
    cmd.setExceptionHandling(false);
    TCLAP::ValueArg<std::string> file("f", "config", "configuration file", false,
                                      "/etc/mcproxy/mcproxy.conf", "FILE", cmd);
    TCLAP::SwitchArg check_config("", "check-config",
                                  "check the configuration file, print a summary and exit "
                                  "(needs neither root nor the interfaces)",
                                  cmd);
    TCLAP::SwitchArg check_kernel("c", "check-kernel",
                                  "report the multicast routing features of the running kernel and exit",
                                  cmd);
    TCLAP::MultiSwitchArg verbose("v", "verbose", "more log output: -v info, -vv debug, -vvv trace", cmd);
    TCLAP::SwitchArg debug("d", "debug", "debug log output (with -v: trace), as the original mcproxy's -d", cmd);
    TCLAP::SwitchArg status("s", "status", "print the interfaces and groups tables on stdout every few seconds",
                            cmd);
    TCLAP::SwitchArg reset_rp_filter("r", "reset-rp-filter",
                                     "turn IPv4 reverse path filtering off on the configured interfaces "
                                     "(and 'all') while running; restored at exit",
                                     cmd);
    TCLAP::ValueArg<std::string> log_config("", "log-config", "log4cplus properties file", false, "",
                                            "FILE", cmd);
    TCLAP::ValueArg<std::string> log_target("", "log-target",
                                            "where log lines go: auto (the journal's format when stderr is "
                                            "systemd's journal stream, else stderr), stderr, journal, syslog",
                                            false, "auto", "TARGET", cmd);
    TCLAP::ValueArg<std::string> from_igmpproxy("", "from-igmpproxy",
                                                 "print the mcproxy configuration equivalent to an igmpproxy "
                                                 "configuration file, and what has no equivalent on stderr",
                                                 false, "", "FILE", cmd);
    TCLAP::ValueArg<std::string> control_socket("", "control-socket", "path of the control socket", false,
                                                mcproxy::control::kDefaultControlSocket, "PATH", cmd);
    TCLAP::ValueArg<std::string> control_group("", "control-group",
                                               "group (name or number) whose members may use the control socket "
                                               "(default: only root and the daemon's user)",
                                               false, "", "GROUP", cmd);
    TCLAP::ValueArg<std::string> user("", "user",
                                      "started as root, continue as user NAME with only CAP_NET_ADMIN and "
                                      "CAP_NET_RAW (mcproxy(8))",
                                      false, "", "NAME", cmd);
    cmd.parse(argc, argv);

    const int verbosity = mcproxy::verbosity_of(debug.getValue(), verbose.getValue());
    const auto target = mcproxy::parse_log_target(log_target.getValue());
    if (!target) {
      std::cerr << "mcproxy: --log-target: '" << log_target.getValue()
                << "' is none of auto, stderr, journal, syslog\n";
      return EX_USAGE;
    }
    if (auto error = mcproxy::configure_logging(verbosity, log_config.getValue(), *target); !error.empty()) {
      std::cerr << "mcproxy: " << error << "\n";
      return EX_NOINPUT;
    }
    if (check_config.getValue() && check_kernel.getValue()) {
      std::cerr << "mcproxy: --check-config and --check-kernel exclude each other\n";
      return EX_USAGE;
    }
    if (check_config.getValue()) return mcproxy::check_config(file.getValue(), std::cout, std::cerr);
    if (check_kernel.getValue()) return mcproxy::check_kernel(std::cout);
    if (from_igmpproxy.isSet()) return mcproxy::import_igmpproxy(from_igmpproxy.getValue(), std::cout, std::cerr);
    mcproxy::DaemonOptions options{file.getValue(), control_socket.getValue(), std::nullopt};
    options.print_status = status.getValue();
    options.reset_rp_filter = reset_rp_filter.getValue();
    if (control_group.isSet()) options.control_group = control_group.getValue();
    if (user.isSet()) options.user = user.getValue();
    return mcproxy::run_daemon(options);
  } catch (const TCLAP::ExitException& e) {  // --help, --version
    return e.getExitStatus();
  } catch (const TCLAP::ArgException& e) {
    std::cerr << "mcproxy: " << e.argId() << ": " << e.error() << "\n"
              << "try 'mcproxy --help'\n";
    return EX_USAGE;
  }
}
