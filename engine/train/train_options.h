#pragma once
// What a caller asks of a training run, and what it gets back.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "engine/distributed/launch_environment.h"
#include "engine/train/train_metrics.h"

namespace simclr {

class ProcessGroup;

struct TrainOptions {
  std::filesystem::path runs_root;   // empty = runs/ beside the project file
  std::string run_name;              // empty = <project>-<timestamp>
  std::filesystem::path resume_run;  // a run folder to continue; its config must match
  std::string device_override;       // non-empty replaces training.device (CLI --device)
  int64_t threads_override = -1;     // >= 0 replaces training.threads (CLI --threads)
  // This process's place in a data-parallel run (read_launch_environment); none or a
  // world size of 1 trains alone.
  std::optional<LaunchEnvironment> launch;
  // A group these ranks already joined (a sweep trains its runs in one): used instead of
  // joining one from `launch`.
  std::shared_ptr<ProcessGroup> group;
};

struct TrainResult {
  std::filesystem::path run_dir;
  std::string state;  // "completed" or "stopped"
  int64_t steps_done = 0;
  int64_t total_steps = 0;
  double final_loss = 0;
  std::optional<MonitorMetrics> initial_monitor;  // the encoder at initialisation
  std::optional<MonitorMetrics> final_monitor;
  double train_seconds = 0;  // optimizer steps only, monitor excluded; all parts of a resumed run
  int64_t parameters = 0;    // trainable parameters of encoder + projection head
  std::string device;
  int world_size = 1;  // processes that trained it (this part of it, when resumed)
};

}  // namespace simclr
