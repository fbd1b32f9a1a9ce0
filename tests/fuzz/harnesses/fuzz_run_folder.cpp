// Run folders as the Runs dock, `simclr-cli runs`, resume and the metrics export read them.
// The input is the folder's files one after another, each section starting with a line
// "==> <name>" (see write_sections below): status.json, metrics.jsonl, process.json,
// config.json, evaluation/knn-h-step-*.json, checkpoint names...
#include <nlohmann/json.hpp>

#include "engine/project/run_folder.h"
#include "engine/project/run_process.h"
#include "engine/project/run_summary.h"
#include "engine/train/metrics_csv.h"
#include "engine/train/metrics_log.h"
#include "tests/fuzz/fuzz_harness.h"

namespace {
namespace fs = std::filesystem;

// Only these names may be written: a section's name is not a path into the scratch folder.
bool allowed_name(const std::string& name) {
  static const char* const names[] = {"status.json",
                                      "metrics.jsonl",
                                      "process.json",
                                      "config.json",
                                      "evaluation/knn-h-step-00000010.json",
                                      "evaluation/knn-h-step-00000020.json",
                                      "checkpoints/step-00000010.pt",
                                      "checkpoints/step-00000020.pt"};
  for (const char* n : names)
    if (name == n) return true;
  return false;
}

// "==> status.json\n{...}\n==> metrics.jsonl\n..." -> the files of runs/run-1. Text before
// the first mark is status.json; a section of a name not in the list above is dropped.
void write_sections(const std::string& text) {
  const std::string mark = "==> ";
  std::string name = "status.json", body;
  auto flush = [&] {
    if (allowed_name(name)) simclr::fuzz::write_input("runs/run-1/" + name, body);
    body.clear();
  };
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    end = end == std::string::npos ? text.size() : end + 1;
    const std::string line = text.substr(at, end - at);
    if (line.compare(0, mark.size(), mark) == 0) {
      flush();
      name = line.substr(mark.size());
      if (!name.empty() && name.back() == '\n') name.pop_back();
    } else {
      body += line;
    }
    at = end;
  }
  flush();
}
}  // namespace

SIMCLR_FUZZ_HARNESS(run_folder) {
  using namespace simclr;
  const fs::path root = fuzz::fresh_dir("runs");
  write_sections(std::string(reinterpret_cast<const char*>(data), size));
  return fuzz::expect_errors([&] {
    std::vector<RunFolder> runs = list_runs(root);  // only when config.json is there
    if (runs.empty()) runs.emplace_back(root / "run-1");
    for (const RunFolder& run : runs) {
      const RunSummary summary = read_run_summary(run);
      if (summary.process) (void)describe_process(*summary.process);
      const auto records = read_metrics(run.metrics_file());
      for (const char* type : {"step", "monitor"}) (void)metrics_csv(records, type);
      (void)run.latest_checkpoint();
      // Resuming at step 1 keeps the records of steps <= 1 (it rewrites metrics.jsonl).
      if (std::filesystem::exists(run.metrics_file())) MetricsLog(run.metrics_file(), 1);
      fuzz::expect_errors([&] { run.read_config(); });
    }
  });
}
