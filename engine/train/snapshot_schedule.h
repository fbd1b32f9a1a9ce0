#pragma once
// Which steps keep a model-only snapshot for the embedding timeline (training.timeline),
// how snapshots are thinned under the disk cap, and the disk a run will use. Torch-free.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/project/project_config.h"

namespace simclr {

// Whether `step` keeps a snapshot: by training.timeline, and always the run's last step
// (`stop_at`) unless the timeline is off.
bool snapshot_due(const TrainingConfig& training, int64_t step, int64_t steps_per_epoch, int64_t stop_at);

// The steps from `first` to `stop_at` (both included) that keep a snapshot.
std::vector<int64_t> snapshot_steps(const TrainingConfig& training, int64_t first, int64_t steps_per_epoch,
                                    int64_t stop_at);

struct StoredSnapshot {
  int64_t step = 0;
  uint64_t bytes = 0;
};

// The snapshots to remove (steps, ascending) so that the rest fit in cap_bytes: evenly in
// log(1 + step), so early training, where most changes, stays dense. The first and the
// latest are always kept, even when the two alone exceed the cap. cap_bytes 0: no cap.
std::vector<int64_t> snapshots_to_thin(std::vector<StoredSnapshot> snapshots, uint64_t cap_bytes);

// The resume checkpoints to remove (steps, ascending): all but the newest `keep` (0 keeps all).
std::vector<int64_t> checkpoints_to_prune(const std::vector<int64_t>& steps, int64_t keep);

// What a run's snapshots and checkpoints will take, for the log before it starts.
struct DiskPlan {
  int64_t snapshots = 0;        // kept at the end (after thinning)
  uint64_t snapshot_bytes = 0;  // each
  int64_t checkpoints = 0;      // kept at the end
  uint64_t checkpoint_bytes = 0;
  bool capped = false;  // the snapshots reach training.timeline_max_mb and are thinned
  uint64_t total() const { return snapshots * snapshot_bytes + checkpoints * checkpoint_bytes; }
  std::string text() const;
};

DiskPlan plan_disk_use(const TrainingConfig& training, int64_t first, int64_t steps_per_epoch, int64_t stop_at,
                       uint64_t snapshot_bytes, uint64_t checkpoint_bytes);

// "12.3 MB"
std::string megabytes(uint64_t bytes);

}  // namespace simclr
