#pragma once
// The rows of a CSV file the tests wrote or read back, header first, split at every comma:
// for files whose cells hold no quoted commas (numbers, plain file names).
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "engine/core/atomic_file.h"

namespace simclr::test {

using CsvRows = std::vector<std::vector<std::string>>;

inline CsvRows read_csv_rows(const std::filesystem::path& file) {
  CsvRows rows;
  std::istringstream in(read_file(file));
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> cells;
    std::istringstream cells_in(line);
    std::string cell;
    while (std::getline(cells_in, cell, ',')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

}  // namespace simclr::test
