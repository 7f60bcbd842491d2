// `mcproxy --from-igmpproxy FILE`: translates an igmpproxy configuration
// (igmpproxy 0.3/0.4, and the files VyOS and OpenWrt generate) into mcproxy's.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mcproxy::config {

// What became of one statement of the igmpproxy file.
struct ImportNote {
  enum class Kind {
    Note,           // translated; a remark on how mcproxy does it
    NotTranslated,  // no equivalent in mcproxy: the output behaves differently
    Error,          // igmpproxy itself would refuse the file: nothing is printed
  };
  Kind kind = Kind::Note;
  int line = 0;
  std::string message;
};

struct ImportResult {
  std::string configuration;  // mcproxy's language; empty if not translatable
  std::vector<ImportNote> notes;
  bool has(ImportNote::Kind kind) const;
};

// The instance the translation defines (igmpproxy has exactly one proxy).
inline constexpr const char* kImportedInstance = "igmpproxy";

// `source_name` names the file in the header comment of the output. Pure:
// no file or interface is looked at.
ImportResult import_igmpproxy(std::string_view text, const std::string& source_name);

}  // namespace mcproxy::config
