// mcproxyctl's flow: command words -> request -> daemon -> output and exit status.
#include "mcproxy/ctl/run.hpp"

#include "mcproxy/control/client.hpp"
#include "mcproxy/ctl/arguments.hpp"
#include "mcproxy/ctl/show_format.hpp"

#include <sysexits.h>

namespace mcproxy::ctl {

int run_ctl(const CtlOptions& options, std::ostream& out, std::ostream& err) {
  auto request = translate_arguments(options.words);
  if (!request) {
    err << "mcproxyctl: " << request.error() << "\ntry 'mcproxyctl --help'\n";
    return EX_USAGE;
  }
  auto response = control::send_request(options.socket, control::to_json(*request), options.timeout);
  if (!response) {
    err << "mcproxyctl: " << response.error().message << "\n";
    switch (response.error().kind) {
      case control::ClientError::Kind::Unavailable: return EX_UNAVAILABLE;
      case control::ClientError::Kind::PermissionDenied: return EX_NOPERM;
      case control::ClientError::Kind::Timeout: return EX_TEMPFAIL;
      case control::ClientError::Kind::Failed: return EX_IOERR;
    }
    return EX_IOERR;
  }
  const auto ok = response->find("ok");
  const bool success = ok != response->end() && ok->is_boolean() && ok->get<bool>();
  if (options.json) out << response->dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  if (!success) {
    const auto error = response->find("error");
    err << "mcproxyctl: "
        << (error != response->end() && error->is_string() ? error->get<std::string>() : "the daemon reported an error")
        << "\n";
    return 1;
  }
  if (!options.json) out << format_response(*request, *response);
  return 0;
}

}  // namespace mcproxy::ctl
