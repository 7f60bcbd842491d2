// Whole-file and incremental parsing: lexer -> parser -> builder -> checker.
#include "modules/config/load.hpp"

#include "modules/config/builder.hpp"
#include "modules/config/parser.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace mcproxy::config {

std::vector<Diagnostic> parse_statements(std::string_view text, const std::string& file_name, Configuration& base) {
  SyntaxResult syntax = parse_syntax(text, file_name);
  std::vector<Diagnostic> diagnostics = std::move(syntax.diagnostics);
  auto applied = apply_statements(std::move(syntax.statements), base);
  diagnostics.insert(diagnostics.end(), applied.begin(), applied.end());
  sort_and_unique(diagnostics);
  return diagnostics;
}

std::expected<Configuration, std::vector<Diagnostic>> parse_config(std::string_view text, std::string file_name) {
  Configuration config;
  config.file = file_name;
  std::vector<Diagnostic> diagnostics = parse_statements(text, file_name, config);
  auto checked = check(config);
  diagnostics.insert(diagnostics.end(), checked.begin(), checked.end());
  sort_and_unique(diagnostics);
  if (!diagnostics.empty()) return std::unexpected(std::move(diagnostics));
  sort_and_unique(config.warnings);
  return config;
}

std::expected<Configuration, std::vector<Diagnostic>> load_config_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return std::unexpected(
        std::vector<Diagnostic>{{SourceLocation{path, 0, 0}, "cannot read configuration file: is a directory"}});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int saved = errno;
    return std::unexpected(std::vector<Diagnostic>{
        {SourceLocation{path, 0, 0}, std::string("cannot read configuration file: ") + std::strerror(saved)}});
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    return std::unexpected(
        std::vector<Diagnostic>{{SourceLocation{path, 0, 0}, "cannot read configuration file: read error"}});
  }
  return parse_config(content.str(), path);
}

}  // namespace mcproxy::config
