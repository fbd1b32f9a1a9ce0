#pragma once
// The plan of a batch-size sweep (the paper's Figure 11): for each batch size of the
// project's sweep section, the ordinary run configuration it trains with. Pure: no files,
// no training, so the CLI can show the plan (--plan) and tests can check the rules.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/project/project_config.h"

namespace simclr {

struct SweepPoint {
  int64_t batch_size = 0;
  double learning_rate = 0;  // the peak learning rate the run will use (after scaling)
  int64_t epochs = 0;
  int64_t steps = 0;     // optimizer steps the run will take
  std::string run_name;  // folder name inside the sweep folder: "bs-0032"
  ProjectConfig config;  // the run's project: batch size, scaling, epochs, max_steps set; no sweep
};

struct SweepPlan {
  int64_t train_images = 0;        // after dataset.train_limit
  int64_t reference_batch = 0;     // the project's own training.batch_size
  int64_t reference_steps = 0;     // the reference's steps (what "steps" budgets hold equal)
  std::vector<SweepPoint> points;  // in ascending batch size
};

// Throws ConfigError when the project has no sweep (empty sweep.batch_sizes), or when a
// batch size exceeds the training set (named with the path sweep.batch_sizes[i]).
//
// Budgets: "epochs" gives every point training.epochs epochs (larger batches take fewer
// steps); "steps" gives every point the steps of the reference (training.batch_size for
// training.epochs epochs, or training.max_steps when set), in as many epochs as that needs.
// The learning rate: the reference run's (training.learning_rate after training.lr_scaling)
// times the sweep.lr_scaling factor of batch / training.batch_size (1, the ratio, or its
// square root), written into each point as a plain rate (lr_scaling "none").
SweepPlan plan_sweep(const ProjectConfig& project, int64_t train_images);

// "bs-0032": sorts by batch size in a folder listing.
std::string sweep_point_name(int64_t batch_size);

}  // namespace simclr
