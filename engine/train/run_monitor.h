#pragma once
// The live monitor of a run: kNN accuracy and embedding health of the encoder at a step,
// written to the metrics log, reported and logged; when it is due; and the baseline at
// initialisation (measured when the run starts, kept when it resumes).
#include "engine/core/job.h"
#include "engine/train/run_state.h"

namespace simclr {

MonitorMetrics monitor_run(RunState& s, int64_t at_step, const TrainCallbacks& callbacks, const StopToken& stop);

// After the step just taken: at every knn_every_epochs-th epoch end and the last epoch's.
bool monitor_due(const RunState& s);

// Fills s.result.initial_monitor: measured now for a new run (when knn_at_start), read
// back from the metrics log for a resumed one.
void measure_initial_monitor(RunState& s, const TrainCallbacks& callbacks, const StopToken& stop);

}  // namespace simclr
