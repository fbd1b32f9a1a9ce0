#pragma once
// Running a batch-size sweep (the paper's §6.4, Figure 11): the memory check, then one
// ordinary run per batch size in <runs root>/<sweep name>/bs-NNNN/, each evaluated with kNN
// and a linear probe on frozen h, and the results tabulated in the sweep folder as
// sweep.json (everything), sweep.csv and sweep.md. Tables are rewritten after every point,
// so an interrupted sweep shows what it finished and resumes where it stopped.
//
// Data-parallel (SweepOptions.launch with several ranks): the ranks join one group for the
// whole sweep and train every point together, each with batch / world size images, so the
// sweep reaches batch sizes that one device cannot hold. Rank 0 alone makes the folders,
// checks memory (per rank), evaluates and writes the tables; it tells the others, point by
// point, what to do.
#include <cmath>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/experiments/memory_check.h"
#include "engine/experiments/sweep_plan.h"
#include "engine/train/trainer.h"

namespace simclr {

struct SweepOptions {
  std::filesystem::path runs_root;     // empty = runs/ beside the project file
  std::string sweep_name;              // empty = <project>-sweep-<timestamp>
  std::filesystem::path resume_sweep;  // a sweep folder to continue
  std::string device_override;         // as TrainOptions
  int64_t threads_override = -1;
  std::optional<LaunchEnvironment> launch;  // as TrainOptions: the ranks of a data-parallel sweep
};

struct SweepPointResult {
  int64_t batch_size = 0;
  double learning_rate = 0;
  int64_t epochs = 0, steps = 0;
  std::string run;  // folder name inside the sweep folder
  // "pending", "done", "skipped-memory" (would not fit), "failed" (message says why),
  // "stopped" (stop requested during this point).
  std::string status = "pending";
  std::string message;
  std::string memory_note;
  // NaN = not measured. Accuracies are fractions in [0, 1].
  double final_loss = NAN, knn_top1 = NAN, linear_top1 = NAN;
  double views_per_second = NAN, train_seconds = NAN, wall_seconds = NAN;
};

struct SweepResult {
  std::filesystem::path sweep_dir;
  std::string project_name, device, budget, lr_scaling;
  int64_t train_images = 0, reference_batch = 0, knn_k = 0;
  int world_size = 1;                    // processes that trained each point
  std::vector<SweepPointResult> points;  // ascending batch size
  bool stopped = false;
};

struct SweepCallbacks : TrainCallbacks {
  // A point starts (index into the plan, its batch size) and ends (its result).
  std::function<void(size_t index, int64_t batch_size)> on_point_start;
  std::function<void(const SweepPointResult&)> on_point_done;
};

// Throws ConfigError/DataError for a bad project (no sweep section, batch sizes larger than
// the data or, with several ranks, not divisible by their number) before any folder is made. A point whose training
// diverges is recorded as "failed" and the sweep goes on; a stop request ends it after the current step. Ranks other
// than 0 of a data-parallel sweep return an empty result.
SweepResult run_sweep(const ProjectConfig& project, const SweepOptions& options, const SweepCallbacks& callbacks,
                      const StopToken& stop);

// Writes sweep.json, sweep.csv and sweep.md into result.sweep_dir, each atomically.
void write_sweep_tables(const SweepResult& result);

// Reads a sweep folder's sweep.json back. Throws DataError when it is missing or damaged.
SweepResult read_sweep(const std::filesystem::path& sweep_dir);

// True when `dir` holds a sweep.json.
bool is_sweep_folder(const std::filesystem::path& dir);

}  // namespace simclr
