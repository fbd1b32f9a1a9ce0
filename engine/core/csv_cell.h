#pragma once
// CSV cells and lines as RFC 4180 writes them: a cell is quoted (with its quotes doubled)
// only when it holds a comma, a quote or a line break. Every CSV the engine and the CLI
// write goes through these.
#include <string>
#include <vector>

namespace simclr {

std::string csv_cell(const std::string& text);
// The cells, each through csv_cell, joined by commas, ending in a newline.
std::string csv_line(const std::vector<std::string>& cells);

}  // namespace simclr
