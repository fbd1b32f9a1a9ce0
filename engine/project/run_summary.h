#pragma once
// What a run folder says about its run, for lists (the GUI's runs panel, reports): its
// state and final figures from status.json; for a run that trains now or whose process
// died, its process record (run_process.h); else what its checkpoints show.
#include <cstdint>
#include <optional>
#include <string>

#include "engine/project/run_folder.h"
#include "engine/project/run_process.h"

namespace simclr {

struct RunSummary {
  std::string name;
  std::filesystem::path dir;
  // "completed", "stopped", "running" (its process lives), "interrupted" (its process died
  // while training: resume continues it), or "incomplete" (no status.json, no process record)
  std::string state;
  int64_t steps_done = 0;   // running: at the last heartbeat; interrupted, incomplete: the latest checkpoint's
  int64_t total_steps = 0;  // 0 when unknown
  std::optional<ProcessRecord> process;  // running or interrupted: the process that trains or trained it
  std::optional<double> final_loss;
  std::optional<double> knn_top1;   // final kNN monitor, in [0, 1] (none without labels)
  std::optional<double> pair_top1;  // final monitor's positive-pair retrieval, in [0, 1]
  // The latest full-split kNN evaluation (<run>/evaluation/knn-h-step-*.json, written by
  // `simclr-cli evaluate RUN knn` and the workbench's Evaluate): its first k's top-1.
  std::optional<double> evaluated_knn_top1;
  int64_t evaluated_step = 0;
  std::string device;
  double train_seconds = 0;
  int64_t parameters = 0;  // encoder + projection head; 0 for runs from before it was recorded
  std::string dataset;     // from config.json
  std::string encoder;
  int64_t batch_size = 0;
};

// Never throws for a damaged folder: unreadable parts are left empty.
RunSummary read_run_summary(const RunFolder& run);

}  // namespace simclr
