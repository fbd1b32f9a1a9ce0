#pragma once
// What a training run reports, as plain values (they cross into the GUI thread as-is).
#include <cstdint>
#include <functional>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/core/job.h"

namespace simclr {

struct StepMetrics {
  int64_t step = 0;  // optimizer steps done (1-based after the first step)
  double epoch = 0;  // fractional epochs done
  double loss = 0;   // NT-Xent of this batch
  double learning_rate = 0;
  double views_per_s = 0;    // augmented views through forward + backward per second
  double augment_ms = 0;     // building both views of the batch
  double model_ms = 0;       // forward, loss, backward and optimizer step
  double positive_top1 = 0;  // fraction of views whose positive is their most similar view
};

struct MonitorMetrics {
  int64_t step = 0;
  double epoch = 0;
  int64_t knn_k = 200;
  double knn_top1 = 0;      // weighted kNN top-1 on the monitor set, k = knn_k, in [0, 1]
  double knn_top1_k10 = 0;  // same with k = 10
  bool has_knn = true;      // false without labels: the kNN fields are not measured (nor written)
  // Label-free: fixed views of the first pair_count monitor images. pair_top1 is the share
  // of the 2 * pair_count views whose nearest other view (cosine of h) is their partner;
  // pair_loss the NT-Xent of their z at the run's temperature (so over 2 * pair_count
  // views, not comparable with the training batch's loss). NaN in records made before.
  double pair_top1 = std::numeric_limits<double>::quiet_NaN();
  double pair_loss = std::numeric_limits<double>::quiet_NaN();
  int64_t pair_count = 0;
  double alignment = 0;  // Wang & Isola, positive pairs of the monitor set
  double uniformity = 0;
  double z_std = 0;  // std of L2-normalised z; collapse -> 0
  double h_effective_rank = 0;
  double seconds = 0;  // time the evaluation took
};

struct TrainCallbacks : JobCallbacks {
  std::function<void(const StepMetrics&)> on_step;
  std::function<void(const MonitorMetrics&)> on_monitor;
  std::function<void(const std::string& checkpoint)> on_checkpoint;
};

// One line for the log: "step 780: kNN top-1 48.66% (k=200), 46.10% (k=10), pairs 71.3%, ...".
std::string monitor_summary(const MonitorMetrics& m);

nlohmann::json to_json(const StepMetrics& m);
nlohmann::json to_json(const MonitorMetrics& m);
// Back from a metrics-log record (see metrics_log.h); missing fields keep their defaults.
StepMetrics step_metrics_from_json(const nlohmann::json& record);
MonitorMetrics monitor_metrics_from_json(const nlohmann::json& record);

}  // namespace simclr
