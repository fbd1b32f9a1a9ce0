#include "engine/experiments/sweep_plan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/core/error.h"
#include "engine/train/lr_schedule.h"

namespace simclr {

std::string sweep_point_name(int64_t batch_size) {
  char name[32];
  std::snprintf(name, sizeof name, "bs-%04lld", static_cast<long long>(batch_size));
  return name;
}

SweepPlan plan_sweep(const ProjectConfig& project, int64_t train_images) {
  const SweepConfig& sweep = project.sweep;
  if (sweep.batch_sizes.empty())
    throw ConfigError("sweep.batch_sizes: empty; list the batch sizes to sweep, e.g. [32, 64, 128, 256]");
  if (train_images < 2) throw ConfigError("sweep: the training set has " + std::to_string(train_images) + " images");

  SweepPlan plan;
  plan.train_images = train_images;
  plan.reference_batch = project.training.batch_size;
  const int64_t reference_steps_per_epoch = train_images / plan.reference_batch;
  if (reference_steps_per_epoch < 1)
    throw ConfigError("training.batch_size: " + std::to_string(plan.reference_batch) +
                      " is larger than the training set (" + std::to_string(train_images) + " images)");
  plan.reference_steps = project.training.epochs * reference_steps_per_epoch;
  if (project.training.max_steps > 0) plan.reference_steps = std::min(plan.reference_steps, project.training.max_steps);

  const double reference_lr =
      scaled_learning_rate(project.training.learning_rate, plan.reference_batch, project.training.lr_scaling);
  for (size_t i = 0; i < sweep.batch_sizes.size(); ++i) {
    const int64_t batch = sweep.batch_sizes[i];
    const int64_t steps_per_epoch = train_images / batch;  // the trainer drops the last partial batch
    if (steps_per_epoch < 1)
      throw ConfigError("sweep.batch_sizes[" + std::to_string(i) + "]: " + std::to_string(batch) +
                        " is larger than the training set (" + std::to_string(train_images) + " images)");
    SweepPoint p;
    p.batch_size = batch;
    p.run_name = sweep_point_name(batch);
    p.config = project;
    p.config.name = project.name + "-" + p.run_name;
    p.config.sweep = SweepConfig{};
    TrainingConfig& t = p.config.training;
    t.batch_size = batch;
    // The reference's own rate, scaled by the sweep's rule from the reference batch, written
    // out as the run's plain learning rate so its config states what it trained with.
    const double ratio = static_cast<double>(batch) / static_cast<double>(plan.reference_batch);
    t.learning_rate = reference_lr * (sweep.lr_scaling == "linear" ? ratio
                                      : sweep.lr_scaling == "sqrt" ? std::sqrt(ratio)
                                                                   : 1.0);
    t.lr_scaling = "none";
    if (sweep.budget == "steps") {
      p.steps = plan.reference_steps;
      t.epochs = (p.steps + steps_per_epoch - 1) / steps_per_epoch;
      t.max_steps = p.steps;
    } else {
      p.steps = t.epochs * steps_per_epoch;
      if (t.max_steps > 0) p.steps = std::min(p.steps, t.max_steps);
    }
    p.epochs = t.epochs;
    p.learning_rate = t.learning_rate;
    plan.points.push_back(std::move(p));
  }
  std::sort(plan.points.begin(), plan.points.end(),
            [](const SweepPoint& a, const SweepPoint& b) { return a.batch_size < b.batch_size; });
  return plan;
}

}  // namespace simclr
