#include "app/cli/result_table.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "engine/core/csv_cell.h"

namespace simclr::cli {

namespace {
bool looks_numeric(const std::string& s) {
  if (s.empty()) return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end && *end == '\0';
}

}  // namespace

void ResultTable::add_row(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::string ResultTable::text() const {
  std::vector<size_t> width(headers_.size());
  for (size_t c = 0; c < headers_.size(); ++c) {
    width[c] = headers_[c].size();
    for (const auto& row : rows_) width[c] = std::max(width[c], row[c].size());
  }
  auto line = [&](const std::vector<std::string>& cells, bool header) {
    std::string out;
    for (size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(width[c] - cells[c].size(), ' ');
      const bool right = !header && looks_numeric(cells[c]);
      out += (c ? "  " : "") + (right ? pad + cells[c] : cells[c] + (c + 1 < cells.size() ? pad : ""));
    }
    return out + "\n";
  };
  std::string out = line(headers_, true);
  size_t total = 0;
  for (size_t c = 0; c < width.size(); ++c) total += width[c] + (c ? 2 : 0);
  out += std::string(total, '-') + "\n";
  for (const auto& row : rows_) out += line(row, false);
  return out;
}

std::string ResultTable::csv() const {
  std::string out = csv_line(headers_);
  for (const auto& row : rows_) out += csv_line(row);
  return out;
}

std::string percent_text(double fraction) {
  return number_text(100 * fraction, 2);
}

std::string number_text(double value, int decimals) {
  char text[64];
  if (decimals < 0)
    std::snprintf(text, sizeof text, "%g", value);
  else
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

}  // namespace simclr::cli
