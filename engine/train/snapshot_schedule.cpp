#include "engine/train/snapshot_schedule.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace simclr {

namespace {

// 0, 10, 20, 50, 100, 200, 500, 1000, ...
bool log_spaced(int64_t step) {
  if (step == 0) return true;
  int64_t decade = 10;
  while (decade <= step / 10 && step % decade == 0) decade *= 10;
  if (step % decade != 0) return false;
  const int64_t mantissa = step / decade;
  return mantissa == 1 || mantissa == 2 || mantissa == 5;
}

}  // namespace

bool snapshot_due(const TrainingConfig& training, int64_t step, int64_t steps_per_epoch, int64_t stop_at) {
  const std::string& mode = training.timeline;
  if (mode == "off") return false;
  if (step == stop_at) return true;
  const bool epoch_end = step > 0 && steps_per_epoch > 0 && step % steps_per_epoch == 0;
  if (mode == "log") return log_spaced(step) || epoch_end;
  if (mode == "epochs") return step == 0 || epoch_end;
  const auto& listed = training.timeline_steps;
  return std::find(listed.begin(), listed.end(), step) != listed.end();
}

std::vector<int64_t> snapshot_steps(const TrainingConfig& training, int64_t first, int64_t steps_per_epoch,
                                    int64_t stop_at) {
  std::vector<int64_t> steps;
  for (int64_t step = first; step <= stop_at; ++step)
    if (snapshot_due(training, step, steps_per_epoch, stop_at)) steps.push_back(step);
  return steps;
}

std::vector<int64_t> snapshots_to_thin(std::vector<StoredSnapshot> snapshots, uint64_t cap_bytes) {
  std::sort(snapshots.begin(), snapshots.end(), [](const auto& a, const auto& b) { return a.step < b.step; });
  uint64_t total = 0;
  for (const auto& s : snapshots) total += s.bytes;
  std::vector<int64_t> removed;
  const auto position = [](int64_t step) { return std::log1p(static_cast<double>(std::max<int64_t>(step, 0))); };
  while (cap_bytes > 0 && total > cap_bytes && snapshots.size() > 2) {
    // The interior snapshot whose neighbours are closest together: removing it leaves the
    // smallest gap, so the rest stay as evenly spread as they can.
    size_t victim = 1;
    double smallest = INFINITY;
    for (size_t i = 1; i + 1 < snapshots.size(); ++i) {
      const double gap = position(snapshots[i + 1].step) - position(snapshots[i - 1].step);
      if (gap < smallest) {
        smallest = gap;
        victim = i;
      }
    }
    total -= snapshots[victim].bytes;
    removed.push_back(snapshots[victim].step);
    snapshots.erase(snapshots.begin() + static_cast<std::ptrdiff_t>(victim));
  }
  std::sort(removed.begin(), removed.end());
  return removed;
}

std::vector<int64_t> checkpoints_to_prune(const std::vector<int64_t>& steps, int64_t keep) {
  std::vector<int64_t> sorted = steps;
  std::sort(sorted.begin(), sorted.end());
  if (keep <= 0 || static_cast<int64_t>(sorted.size()) <= keep) return {};
  sorted.resize(sorted.size() - static_cast<size_t>(keep));
  return sorted;
}

std::string megabytes(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

std::string DiskPlan::text() const {
  std::string out = "disk: about " + megabytes(total()) + ": ";
  if (snapshots > 0)
    out += std::to_string(snapshots) + " timeline snapshots of " + megabytes(snapshot_bytes) +
           (capped ? " (thinned to stay under training.timeline_max_mb)" : "");
  else
    out += "no timeline snapshots";
  return out + ", " + std::to_string(checkpoints) + " resume checkpoints of " + megabytes(checkpoint_bytes);
}

DiskPlan plan_disk_use(const TrainingConfig& training, int64_t first, int64_t steps_per_epoch, int64_t stop_at,
                       uint64_t snapshot_bytes, uint64_t checkpoint_bytes) {
  DiskPlan plan;
  plan.snapshot_bytes = snapshot_bytes;
  plan.checkpoint_bytes = checkpoint_bytes;
  std::vector<StoredSnapshot> snapshots;
  for (const int64_t step : snapshot_steps(training, first, steps_per_epoch, stop_at))
    snapshots.push_back({step, snapshot_bytes});
  const auto cap = static_cast<uint64_t>(training.timeline_max_mb * 1e6);
  const auto thinned = snapshots_to_thin(snapshots, cap);
  plan.capped = !thinned.empty();
  plan.snapshots = static_cast<int64_t>(snapshots.size() - thinned.size());
  // One checkpoint every checkpoint_every_steps and one at the end.
  const int64_t every = std::max<int64_t>(1, training.checkpoint_every_steps);
  const int64_t written = stop_at / every - first / every + (stop_at > first && stop_at % every != 0 ? 1 : 0);
  const int64_t held = written + (first > 0 ? 1 : 0);  // a resumed run's own
  plan.checkpoints = training.keep_last_checkpoints > 0 ? std::min(held, training.keep_last_checkpoints) : held;
  return plan;
}

}  // namespace simclr
