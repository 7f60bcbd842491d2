// Logging setup for the mcproxy executables (see logging.hpp).
#include "mcproxy/logging.hpp"

#include <log4cplus/configurator.h>
#include <log4cplus/consoleappender.h>
#include <log4cplus/layout.h>
#include <log4cplus/logger.h>
#include <log4cplus/loglevel.h>

#include <fstream>
#include <memory>

namespace mcproxy {

int verbosity_of(bool debug, int verbose) {
  if (!debug) return verbose;
  return verbose > 0 ? 3 : 2;
}

std::string configure_logging(int verbosity, const std::string& properties_file) {
  if (!properties_file.empty()) {
    std::ifstream probe(properties_file);
    if (!probe) return "cannot read log configuration " + properties_file;
    log4cplus::PropertyConfigurator::doConfigure(properties_file);
    return {};
  }
  log4cplus::SharedAppenderPtr appender(new log4cplus::ConsoleAppender(/*logToStdErr=*/true, /*immediateFlush=*/true));
  appender->setLayout(std::make_unique<log4cplus::PatternLayout>("%D{%Y-%m-%d %H:%M:%S.%q} %-5p %c: %m%n"));
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

}  // namespace mcproxy
