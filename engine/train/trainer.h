#pragma once
// SimCLR training: run(config, callbacks, stop) in the engine's job style. Reports every
// step through callbacks and the run folder's metrics log, checks the stop token between
// steps (pause blocks there too), checkpoints atomically, and resumes exactly.
#include <filesystem>
#include <optional>
#include <string>

#include "engine/core/job.h"
#include "engine/project/project_config.h"
#include "engine/train/train_metrics.h"

namespace simclr {

struct TrainOptions {
  std::filesystem::path runs_root;   // empty = runs/ beside the project file
  std::string run_name;              // empty = <project>-<timestamp>
  std::filesystem::path resume_run;  // a run folder to continue; its config must match
  std::string device_override;       // non-empty replaces training.device (CLI --device)
  int64_t threads_override = -1;     // >= 0 replaces training.threads (CLI --threads)
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
};

// Throws ConfigError/DataError for bad projects or data, TrainingError when the loss
// diverges (the last good checkpoint is kept). A stop request ends the run cleanly with a
// checkpoint and state "stopped".
TrainResult train(const ProjectConfig& project, const TrainOptions& options, const TrainCallbacks& callbacks,
                  const StopToken& stop);

// The resolved config as it applies on a device: the device's profile merged in, overrides
// applied. Exposed so the CLI and GUI can show what a run will really use.
ProjectConfig resolve_for_device(const ProjectConfig& project, const TrainOptions& options);

}  // namespace simclr
