#include "engine/train/metrics_log.h"

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"

namespace simclr {

MetricsLog::MetricsLog(std::filesystem::path file, int64_t keep_through_step) : file_(std::move(file)) {
  if (keep_through_step >= 0 && std::filesystem::exists(file_)) {
    std::string kept;
    for (const auto& record : read_metrics(file_))
      if (record.value("step", int64_t{0}) <= keep_through_step) kept += record.dump() + "\n";
    write_file_atomically(file_, kept);
  }
  out_.open(file_, std::ios::app);
  if (!out_) throw IoError(file_.string() + ": cannot open metrics log for writing");
}

void MetricsLog::write(const nlohmann::json& record) {
  out_ << record.dump() << '\n';
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
    if (!record.is_discarded()) records.push_back(std::move(record));
  }
  return records;
}

}  // namespace simclr
