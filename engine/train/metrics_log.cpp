#include "engine/train/metrics_log.h"

#include <cstring>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/json_value.h"
#include "engine/core/fault_point.h"

namespace simclr {

MetricsLog::MetricsLog(std::filesystem::path file, int64_t keep_through_step) : file_(std::move(file)) {
  if (keep_through_step >= 0 && std::filesystem::exists(file_)) {
    std::string kept;
    for (const auto& record : read_metrics(file_))
      if (json_value_or(record, "step", int64_t{0}) <= keep_through_step) kept += record.dump() + "\n";
    write_file_atomically(file_, kept);
  }
  out_.open(file_, std::ios::app);
  if (!out_) throw IoError(file_.string() + ": cannot open metrics log for writing");
}

void MetricsLog::write(const nlohmann::json& record) {
  const std::string line = record.dump() + "\n";
  // A test's injected fault: half the line gets out, as when the disk fills or the process
  // is killed in the middle of it.
  const auto cut_short = [&] {
    out_.write(line.data(), static_cast<std::streamsize>(line.size() / 2));
    out_.flush();
  };
  if (const int error = fault_point("metrics_append", cut_short)) {
    cut_short();
    throw IoError(file_.string() + ": cannot write metrics: " + std::strerror(error));
  }
  out_ << line;
  out_.flush();
  if (!out_) throw IoError(file_.string() + ": cannot write metrics (disk full?)");
}

std::vector<nlohmann::json> read_metrics(const std::filesystem::path& file) {
  std::vector<nlohmann::json> records;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (record.is_object()) records.push_back(std::move(record));  // not: discarded (torn) or a bare value
  }
  return records;
}

}  // namespace simclr
