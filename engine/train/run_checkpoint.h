#pragma once
// Saves the run's checkpoint for its current step (atomically; once per step).
#include "engine/train/run_state.h"

namespace simclr {

void save_run_checkpoint(RunState& s, const TrainCallbacks& callbacks);

}  // namespace simclr
