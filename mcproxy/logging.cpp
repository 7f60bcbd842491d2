// Logging setup for the mcproxy executables (see logging.hpp).
#include "mcproxy/logging.hpp"

#include <log4cplus/configurator.h>
#include <log4cplus/consoleappender.h>
#include <log4cplus/helpers/property.h>
#include <log4cplus/logger.h>
#include <log4cplus/spi/loggingevent.h>
#include <log4cplus/syslogappender.h>

#include <sys/stat.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <unistd.h>

namespace mcproxy {

namespace {

constexpr const char* kPattern = "%D{%Y-%m-%d %H:%M:%S.%q} %-5p %c: %m%n";
// The journal stamps and ranks each line itself.
constexpr const char* kJournalPattern = "%c: %m%n";

template <typename T>
bool parse_number(std::string_view text, T& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc{} && end == text.data() + text.size() && !text.empty();
}

}  // namespace

std::optional<LogTarget> parse_log_target(std::string_view word) {
  if (word == "auto") return LogTarget::automatic;
  if (word == "stderr") return LogTarget::stderr_lines;
  if (word == "journal") return LogTarget::journal;
  if (word == "syslog") return LogTarget::syslog;
  return std::nullopt;
}

int syslog_priority(log4cplus::LogLevel level) {
  if (level >= log4cplus::FATAL_LOG_LEVEL) return 2;
  if (level >= log4cplus::ERROR_LOG_LEVEL) return 3;
  if (level >= log4cplus::WARN_LOG_LEVEL) return 4;
  if (level >= log4cplus::INFO_LOG_LEVEL) return 6;
  return 7;
}

bool is_journal_stream(const char* journal_stream, int fd) {
  if (journal_stream == nullptr) return false;
  const std::string_view text(journal_stream);
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  unsigned long long device = 0;
  unsigned long long inode = 0;
  if (!parse_number(text.substr(0, colon), device) || !parse_number(text.substr(colon + 1), inode)) return false;
  struct stat st {};
  if (fstat(fd, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == device && static_cast<unsigned long long>(st.st_ino) == inode;
}

JournalLayout::JournalLayout() : pattern_(kJournalPattern) {}

void JournalLayout::formatAndAppend(log4cplus::tostream& output, const log4cplus::spi::InternalLoggingEvent& event) {
  std::ostringstream formatted;
  pattern_.formatAndAppend(formatted, event);
  const std::string text = formatted.str();
  const std::string prefix = "<" + std::to_string(syslog_priority(event.getLogLevel())) + ">";
  std::size_t begin = 0;
  while (begin < text.size()) {
    auto end = text.find('\n', begin);
    end = end == std::string::npos ? text.size() : end + 1;
    output << prefix << std::string_view(text).substr(begin, end - begin);
    begin = end;
  }
}

std::string configure_logging(int verbosity, const std::string& properties_file, LogTarget target) {
  if (!properties_file.empty()) {
    std::ifstream probe(properties_file);
    if (!probe) return "cannot read log configuration " + properties_file;
    log4cplus::PropertyConfigurator::doConfigure(properties_file);
    return {};
  }
  if (target == LogTarget::automatic) {
    target = is_journal_stream(std::getenv("JOURNAL_STREAM"), STDERR_FILENO) ? LogTarget::journal
                                                                             : LogTarget::stderr_lines;
  }
  log4cplus::SharedAppenderPtr appender;
  if (target == LogTarget::syslog) {
    log4cplus::helpers::Properties properties;
    properties.setProperty(LOG4CPLUS_TEXT("ident"), LOG4CPLUS_TEXT("mcproxy"));
    properties.setProperty(LOG4CPLUS_TEXT("facility"), LOG4CPLUS_TEXT("daemon"));
    appender = new log4cplus::SysLogAppender(properties);
    appender->setLayout(std::make_unique<log4cplus::PatternLayout>("%c: %m"));
  } else {
    appender = new log4cplus::ConsoleAppender(/*logToStdErr=*/true, /*immediateFlush=*/true);
    if (target == LogTarget::journal) appender->setLayout(std::make_unique<JournalLayout>());
    else appender->setLayout(std::make_unique<log4cplus::PatternLayout>(kPattern));
  }
  auto root = log4cplus::Logger::getRoot();
  root.removeAllAppenders();
  root.addAppender(appender);
  log4cplus::LogLevel level = log4cplus::WARN_LOG_LEVEL;
  if (verbosity == 1) level = log4cplus::INFO_LOG_LEVEL;
  if (verbosity == 2) level = log4cplus::DEBUG_LOG_LEVEL;
  if (verbosity >= 3) level = log4cplus::TRACE_LOG_LEVEL;
  root.setLogLevel(level);
  return {};
}

int verbosity_of(bool debug, int verbose) {
  if (!debug) return verbose;
  return verbose > 0 ? 3 : 2;
}

}  // namespace mcproxy
