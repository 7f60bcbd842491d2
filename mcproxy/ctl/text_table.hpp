// Aligned text columns for mcproxyctl's human-readable output.
#pragma once

#include <string>
#include <vector>

namespace mcproxy::ctl {

class TextTable {
 public:
  enum class Align { Left, Right };
  struct Column {
    std::string title;
    Align align = Align::Left;
  };

  explicit TextTable(std::vector<Column> columns);

  // Missing cells print empty; extra cells are ignored.
  void add_row(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }

  // Title row and rows, columns two spaces apart, no trailing spaces.
  std::string render() const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// Display width of UTF-8 text: code points, not bytes.
std::size_t display_width(const std::string& text);

}  // namespace mcproxy::ctl
