#pragma once
// The end of a run: a final measurement when the run reached its planned end, the last
// checkpoint, and status.json with the result (written by rank 0 of a data-parallel run;
// every rank returns the result).
#include "engine/core/job.h"
#include "engine/train/run_state.h"

namespace simclr {

// `stopped`: the run ended on a stop request.
TrainResult finish_run(RunState& s, bool stopped, const TrainCallbacks& callbacks, const StopToken& stop);

}  // namespace simclr
