#pragma once
// A small result table for evaluation commands: printed with aligned columns on stdout and
// saved as CSV, so what the terminal shows and what the run folder keeps are the same rows.
#include <string>
#include <vector>

namespace simclr::cli {

class ResultTable {
 public:
  explicit ResultTable(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  // One cell per header (missing cells are empty).
  void add_row(std::vector<std::string> cells);
  // Columns padded to their widest cell; text left-aligned, numbers right-aligned.
  std::string text() const;
  // RFC 4180 CSV with a header line.
  std::string csv() const;
  const std::vector<std::vector<std::string>>& rows() const { return rows_; }

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// "%.2f" of 100 * fraction: 0.4863 -> "48.63".
std::string percent_text(double fraction);
// printf-style "%g"/"%.Nf" without a stream: number_text(1e-4) -> "0.0001".
std::string number_text(double value, int decimals = -1);

}  // namespace simclr::cli
