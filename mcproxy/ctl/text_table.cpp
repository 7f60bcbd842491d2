// Aligned text columns.
#include "mcproxy/ctl/text_table.hpp"

#include <algorithm>

namespace mcproxy::ctl {

std::size_t display_width(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

TextTable::TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}

void TextTable::add_row(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  // A newline or tab inside a cell would break the alignment.
  for (auto& cell : cells)
    std::replace_if(cell.begin(), cell.end(), [](char c) { return c == '\n' || c == '\t' || c == '\r'; }, ' ');
  rows_.push_back(std::move(cells));
}

std::string TextTable::render() const {
  std::vector<std::size_t> widths(columns_.size());
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    widths[c] = display_width(columns_[c].title);
    for (const auto& row : rows_) widths[c] = std::max(widths[c], display_width(row[c]));
  }
  auto render_row = [&](auto cell_of) {
    std::string line;
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      const std::string& cell = cell_of(c);
      const std::size_t pad = widths[c] - display_width(cell);
      if (c > 0) line += "  ";
      if (columns_[c].align == Align::Right) line += std::string(pad, ' ') + cell;
      else line += cell + std::string(pad, ' ');
    }
    line.erase(line.find_last_not_of(' ') + 1);
    return line + "\n";
  };
  std::string out = render_row([&](std::size_t c) -> const std::string& { return columns_[c].title; });
  for (const auto& row : rows_) out += render_row([&](std::size_t c) -> const std::string& { return row[c]; });
  return out;
}

}  // namespace mcproxy::ctl
