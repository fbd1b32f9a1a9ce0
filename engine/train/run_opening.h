#pragma once
// The first step of a run: a new run folder holding the resolved config, or the folder of
// the run being resumed, after checking that the project may continue it.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/project/project_config.h"
#include "engine/project/run_folder.h"
#include "engine/project/run_lock.h"
#include "engine/train/train_options.h"

namespace simclr {

struct OpenedRun {
  RunFolder folder{std::filesystem::path{}};
  std::filesystem::path runs_root;          // where the dataset statistics are cached
  std::filesystem::path resume_checkpoint;  // empty for a new run
  int64_t views_version = 2;                // the project's, or the resumed run's own
  std::vector<std::string> warnings;        // for the run's log: damaged checkpoints passed over
  // A resumed run that kept every checkpoint (made before they were pruned, or set so)
  // keeps them: they may be its only timeline frames.
  bool keeps_every_checkpoint = false;
  std::shared_ptr<RunLock> lock;            // rank 0's (or the only process's) hold on the folder
  bool resuming() const { return !resume_checkpoint.empty(); }
};

// Locks the folder (RunLock) for this process. Throws ConfigError when the run to resume
// differs in a binding setting, has no checkpoint or is being trained by another process,
// or when a new run's folder cannot be made. A resume starts from the newest
// intact checkpoint: damaged newer ones are moved aside (<name>.damaged) and named in
// `warnings` with the steps lost; DataError naming each when none is intact.
OpenedRun open_or_resume_run(const ProjectConfig& project, const TrainOptions& options);

}  // namespace simclr
