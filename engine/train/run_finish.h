#pragma once
// The end of a run: a final measurement when the run reached its planned end, the last
// checkpoint, and status.json with the result.
#include "engine/core/job.h"
#include "engine/train/run_state.h"

namespace simclr {

// `stopped`: the run ended on a stop request.
TrainResult finish_run(RunState& s, bool stopped, const TrainCallbacks& callbacks, const StopToken& stop);

}  // namespace simclr
