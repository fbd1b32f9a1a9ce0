#pragma once
// The terminal progress of training (`train`, and each run of a `sweep`): the bar with the
// step's loss, learning rate and views/s after it.
#include "app/cli/terminal_progress.h"
#include "engine/train/train_metrics.h"

namespace simclr::cli {

// Sets callbacks' progress and log to `bar`, and its per-step metrics to the bar's suffix.
void attach_training_progress(TerminalProgress& bar, TrainCallbacks& callbacks);

}  // namespace simclr::cli
