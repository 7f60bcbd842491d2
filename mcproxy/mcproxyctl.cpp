// mcproxyctl, the control client of mcproxy: parses its command line (TCLAP)
// and hands over to ctl::run_ctl (doc/control-protocol.md).
#include "mcproxy/control/defaults.hpp"
#include "mcproxy/ctl/arguments.hpp"
#include "mcproxy/ctl/run.hpp"
#include "mcproxy/version.hpp"

#include <tclap/CmdLine.h>

#include <sysexits.h>

#include <iostream>
#include <string>

int main(int argc, char** argv) {
  try {
    TCLAP::CmdLine cmd(std::string("mcproxyctl: inspect and change a running mcproxy through its control socket "
                                   "(doc/control-protocol.md). Quote '==>', '(', ')' and '|' in the shell.\n"
                                   "Commands:\n") +
                           mcproxy::ctl::kCommandSynopsis,
                       ' ', mcproxy::kVersion);
    cmd.setExceptionHandling(false);
    TCLAP::ValueArg<std::string> socket("s", "socket", "path of the daemon's control socket", false,
                                        mcproxy::control::kDefaultControlSocket, "PATH", cmd);
    TCLAP::SwitchArg json("j", "json", "print the daemon's JSON answer (pretty) instead of tables", cmd);
    TCLAP::ValueArg<unsigned> timeout("t", "timeout", "seconds to wait for the answer (default 10)", false, 10,
                                      "SECONDS", cmd);
    TCLAP::UnlabeledMultiArg<std::string> words("command", "the command and its arguments (see above)", true,
                                                "COMMAND", cmd);
    cmd.parse(argc, argv);
    if (timeout.getValue() == 0) {
      std::cerr << "mcproxyctl: --timeout must be at least 1 second\n";
      return EX_USAGE;
    }
    return mcproxy::ctl::run_ctl(
        {socket.getValue(), json.getValue(), std::chrono::seconds(timeout.getValue()), words.getValue()}, std::cout,
        std::cerr);
  } catch (const TCLAP::ExitException& e) {  // --help, --version
    return e.getExitStatus();
  } catch (const TCLAP::ArgException& e) {
    // Unlabeled arguments have a blank id: print only what is wrong then.
    std::string id = e.argId();
    if (id.find_first_not_of(' ') == std::string::npos) id.clear();
    std::cerr << "mcproxyctl: " << (id.empty() ? "" : id + ": ") << e.error() << "\ntry 'mcproxyctl --help'\n";
    return EX_USAGE;
  }
}
