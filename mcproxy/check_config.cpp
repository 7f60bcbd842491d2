// `mcproxy --check-config`: read and check a configuration file without root
// and without its interfaces, print a summary or every error with its position.
#include "mcproxy/commands.hpp"
#include "modules/config/load.hpp"
#include "modules/config/summary.hpp"

#include <sys/stat.h>
#include <sysexits.h>

namespace mcproxy {

int check_config(const std::string& file, std::ostream& out, std::ostream& err) {
  struct stat st{};
  if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    err << file << ":0:0: cannot read the configuration file\n";
    return EX_NOINPUT;
  }
  auto loaded = config::load_config_file(file);
  if (!loaded) {
    for (const auto& d : loaded.error()) err << d.to_string() << "\n";
    err << file << ": " << loaded.error().size() << (loaded.error().size() == 1 ? " error" : " errors") << "\n";
    return EX_CONFIG;
  }
  for (const auto& w : loaded->warnings) err << w.to_string() << "\n";
  out << config::summarize(*loaded);
  if (loaded->disabled) {
    err << file << ": the configuration says `disable;`: the daemon would not start\n";
    return EX_CONFIG;
  }
  out << file << ": OK\n";
  return EX_OK;
}

}  // namespace mcproxy
