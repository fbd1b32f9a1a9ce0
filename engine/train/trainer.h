#pragma once
// SimCLR training: run(config, callbacks, stop) in the engine's job style. Reports every
// step through callbacks and the run folder's metrics log, checks the stop token between
// steps (pause blocks there too), checkpoints atomically, and resumes exactly.
#include "engine/core/job.h"
#include "engine/project/project_config.h"
#include "engine/train/train_options.h"

namespace simclr {

// Throws ConfigError/DataError for bad projects or data, TrainingError when the loss
// diverges (the last good checkpoint is kept). A stop request ends the run cleanly with a
// checkpoint and state "stopped".
TrainResult train(const ProjectConfig& project, const TrainOptions& options, const TrainCallbacks& callbacks,
                  const StopToken& stop);

// The resolved config as it applies on a device: the device's profile merged in, overrides
// applied. Exposed so the CLI and GUI can show what a run will really use.
ProjectConfig resolve_for_device(const ProjectConfig& project, const TrainOptions& options);

}  // namespace simclr
