// Logging setup for the mcproxy executables: log4cplus to stderr on a
// terminal, with syslog priorities for the journal under systemd, to syslog,
// or as a log4cplus properties file says.
#pragma once

#include <log4cplus/layout.h>
#include <log4cplus/loglevel.h>

#include <optional>
#include <string>
#include <string_view>

namespace mcproxy {

// Where log lines go (--log-target).
//   automatic: the journal's format if stderr is systemd's journal stream
//              (JOURNAL_STREAM names it), else plain lines on stderr;
//   stderr:    plain lines with a time stamp;
//   journal:   "<N>" priority prefixes, as sd-daemon(3) describes, no time
//              stamp (the journal has its own);
//   syslog:    syslog(3), facility daemon, ident "mcproxy".
enum class LogTarget { automatic, stderr_lines, journal, syslog };

std::optional<LogTarget> parse_log_target(std::string_view word);

// The syslog priority (RFC 5424 severity) of a log4cplus level: fatal 2
// (crit), error 3, warn 4, info 6, debug and trace 7.
int syslog_priority(log4cplus::LogLevel level);

// Whether JOURNAL_STREAM ("DEVICE:INODE", set by systemd for a unit whose
// output goes to the journal) names the file open as `fd` (systemd.exec(5)).
bool is_journal_stream(const char* journal_stream, int fd);

// "<N>" before every line of a formatted event, so a message of several
// lines keeps its priority on each (the journal reads each line apart).
class JournalLayout : public log4cplus::Layout {
 public:
  JournalLayout();
  void formatAndAppend(log4cplus::tostream& output, const log4cplus::spi::InternalLoggingEvent& event) override;

 private:
  log4cplus::PatternLayout pattern_;
};

// verbosity: 0 = warnings and errors, 1 = info, 2 = debug, 3+ = trace.
// A non-empty properties_file replaces the default configuration entirely
// (and the target with it). Returns an error message, or an empty string.
std::string configure_logging(int verbosity, const std::string& properties_file,
                              LogTarget target = LogTarget::automatic);

// The verbosity of `-d` and `-v`: -v alone counts (-v info, -vv debug);
// -d, the original mcproxy's debug switch, means debug, and trace with any -v
// (so `-dsvv` shows everything, as it did).
int verbosity_of(bool debug, int verbose);

}  // namespace mcproxy
