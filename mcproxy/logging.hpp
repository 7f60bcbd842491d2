// Logging setup for the mcproxy executables: log4cplus to stderr by default
// (systemd collects it), or as a log4cplus properties file says.
#pragma once

#include <string>

namespace mcproxy {

// verbosity: 0 = warnings and errors, 1 = info, 2 = debug, 3+ = trace.
// A non-empty properties_file replaces the default configuration entirely.
// Returns an error message, or an empty string on success.
std::string configure_logging(int verbosity, const std::string& properties_file);

// The verbosity of `-d` and `-v`: -v alone counts (-v info, -vv debug);
// -d, the original mcproxy's debug switch, means debug, and trace with any -v
// (so `-dsvv` shows everything, as it did).
int verbosity_of(bool debug, int verbose);

}  // namespace mcproxy
