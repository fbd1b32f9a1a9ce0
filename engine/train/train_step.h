#pragma once
// One optimisation step of a run: the next batch of the epoch's permutation, its two
// views, forward, NT-Xent, backward and the optimizer step.
#include "engine/train/run_state.h"
#include "engine/train/train_metrics.h"

namespace simclr {

// Advances s.step by one and returns what the step measured. Throws TrainingError when
// the loss or, outside float16 (whose loss scaler skips such steps), a gradient is not
// finite, before the optimizer steps (naming the last good checkpoint).
StepMetrics train_step(RunState& s, const TrainCallbacks& callbacks);

}  // namespace simclr
