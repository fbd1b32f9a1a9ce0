#pragma once
// The terminal progress of training (`train`, and each run of a `sweep`): the bar with the
// step's loss, learning rate and views/s after it.
#include <optional>

#include "app/cli/terminal_progress.h"
#include "engine/distributed/launch_environment.h"
#include "engine/train/train_metrics.h"

namespace simclr::cli {

// Sets callbacks' progress and log to `bar`, and its per-step metrics to the bar's suffix.
void attach_training_progress(TerminalProgress& bar, TrainCallbacks& callbacks);

// Ranks other than 0 of a data-parallel run: no progress, only warnings and errors, each
// marked with the rank. Rank 0 (or a process alone) reports as set.
void quiet_for_other_ranks(const std::optional<LaunchEnvironment>& launch, TrainCallbacks& callbacks);

}  // namespace simclr::cli
