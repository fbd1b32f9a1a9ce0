#pragma once
// The run's metrics as JSON lines (one object per step or evaluation), flushed per line so
// a crash loses at most the line being written and the GUI can follow the file live.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

namespace simclr {

class MetricsLog {
 public:
  // Opens for appending. With keep_through_step >= 0, first drops the records of steps
  // after it (a resumed run repeats those steps).
  explicit MetricsLog(std::filesystem::path file, int64_t keep_through_step = -1);
  void write(const nlohmann::json& record);
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  std::ofstream out_;
};

// All records of a metrics file; lines that are not valid JSON (a torn last line) are skipped.
std::vector<nlohmann::json> read_metrics(const std::filesystem::path& file);

}  // namespace simclr
