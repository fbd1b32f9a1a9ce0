#pragma once
// What a run keeps on disk as it trains: its resume checkpoint for the current step
// (atomically; once per step; older ones pruned to training.keep_last_checkpoints) and the
// model-only snapshots of training.timeline (thinned under training.timeline_max_mb).
#include "engine/train/run_state.h"
#include "engine/train/snapshot_schedule.h"

namespace simclr {

void save_run_checkpoint(RunState& s, const TrainCallbacks& callbacks);

// Saves the timeline snapshot of the current step (when snapshot_due says so), then thins.
void save_snapshot(RunState& s, const TrainCallbacks& callbacks);

// The disk the run's snapshots and checkpoints will take, from the model's size.
DiskPlan run_disk_plan(const RunState& s);

}  // namespace simclr
