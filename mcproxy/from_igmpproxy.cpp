// `mcproxy --from-igmpproxy FILE`: prints the equivalent mcproxy configuration
// on stdout, and what has no equivalent on stderr as FILE:LINE: message.
#include "mcproxy/commands.hpp"
#include "modules/config/igmpproxy_import.hpp"

#include <sysexits.h>

#include <fstream>
#include <sstream>

namespace mcproxy {

int import_igmpproxy(const std::string& file, std::ostream& out, std::ostream& err) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  if (!in || !(text << in.rdbuf())) {
    err << file << ":0: cannot read the igmpproxy configuration file\n";
    return EX_NOINPUT;
  }
  const auto result = config::import_igmpproxy(text.str(), file);
  for (const auto& n : result.notes) {
    const char* kind = n.kind == config::ImportNote::Kind::Error           ? "error"
                       : n.kind == config::ImportNote::Kind::NotTranslated ? "not translated"
                                                                            : "note";
    err << file << ":" << n.line << ": " << kind << ": " << n.message << "\n";
  }
  if (result.has(config::ImportNote::Kind::Error)) return EX_DATAERR;
  out << result.configuration;
  return result.has(config::ImportNote::Kind::NotTranslated) ? kImportIncomplete : EX_OK;
}

}  // namespace mcproxy
