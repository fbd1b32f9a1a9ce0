#pragma once
// Everything a run holds while it trains, built once by build_run_state(): the resolved
// project, the data, the model with its optimizer and schedule, the metrics log, the
// monitor, and where the run stands (step, last loss, time spent).
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <torch/types.h>

#include "engine/augment/augment_pipeline.h"
#include "engine/distributed/gradient_all_reduce.h"
#include "engine/distributed/process_group.h"
#include "engine/losses/nt_xent_loss.h"
#include "engine/models/simclr_model.h"
#include "engine/project/project_config.h"
#include "engine/train/knn_monitor.h"
#include "engine/train/loss_scaler.h"
#include "engine/train/lr_schedule.h"
#include "engine/train/metrics_log.h"
#include "engine/train/run_opening.h"
#include "engine/train/run_setup.h"
#include "engine/train/train_optimizer.h"

namespace simclr {

struct RunState {
  ProjectConfig project;  // resolved for the device
  torch::Device device = torch::kCPU;
  torch::ScalarType amp_dtype = torch::kFloat;  // kFloat: no autocast
  OpenedRun opened;
  std::shared_ptr<ProcessGroup> group;  // a data-parallel run's ranks; nullptr alone
  RunData run_data;
  AugmentPipeline pipeline;

  int64_t batch = 0;            // training.batch_size
  int64_t steps_per_epoch = 0;  // the last partial batch of an epoch is dropped
  int64_t total_steps = 0;      // epochs * steps_per_epoch
  int64_t stop_at = 0;          // total_steps, or training.max_steps when smaller

  SimCLRModel model{nullptr};
  std::unique_ptr<TrainOptimizer> optimizer;
  std::unique_ptr<LrSchedule> schedule;
  std::unique_ptr<MetricsLog> metrics;
  std::optional<KnnMonitor> monitor;
  NTXentLoss loss_fn{nullptr};
  LossScaler scaler{false};
  std::vector<torch::Tensor> parameters;
  std::unique_ptr<GradientReducer> gradients;  // with a group: sums them over the ranks

  int64_t step = 0;        // optimizer steps done
  int64_t first_step = 0;  // where this process started (a resumed run's checkpoint)
  double last_loss = 0;
  int64_t last_checkpoint_step = -1;
  double train_seconds = 0;        // a resumed run counts the time its earlier parts took
  double first_train_seconds = 0;  // train_seconds when this process started
  torch::Tensor permutation;       // of the training split for the current epoch
  int64_t permutation_epoch = -1;
  TrainResult result;

  const TrainingConfig& training() const { return project.training; }
  // Rank 0 (or the only process) writes the run folder and runs the monitor.
  bool leader() const { return !group || group->rank() == 0; }
  int world_size() const { return group ? group->world_size() : 1; }
  const DatasetSplits& data() const { return run_data.data; }
};

// Loads the data, builds the seeded model, optimizer, schedule and monitor, and restores
// the checkpoint of a resumed run. Throws ConfigError/DataError for a bad project or data.
// `device`: this rank's (rank_device); `group` may be nullptr.
std::unique_ptr<RunState> build_run_state(const ProjectConfig& project, const torch::Device& device, OpenedRun opened,
                                          std::shared_ptr<ProcessGroup> group, const TrainCallbacks& callbacks);

}  // namespace simclr
