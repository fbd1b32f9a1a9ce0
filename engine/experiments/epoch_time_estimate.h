#pragma once
// How long an epoch of a project takes on this machine, before any run: a few timed
// training steps (the project's augmentations, model, loss, optimizer, precision, on its
// device with its device profile) on synthetic images of the dataset's size, times the
// steps in an epoch. Reading images from disk and the kNN monitor are not counted, so real
// epochs take somewhat longer. For the start page's expected times.
#include <cstdint>
#include <string>

#include "engine/core/job.h"
#include "engine/project/project_config.h"

namespace simclr {

struct EpochTimeEstimate {
  double seconds_per_step = 0;  // the median of the timed steps (after three warm-up steps)
  int64_t steps_per_epoch = 0;
  double seconds_per_epoch = 0;
  std::string device;  // as describe_device() says
};

// The training split's size of a built-in dataset (cifar10, mnist, fashion-mnist) with
// dataset.train_limit applied, or 0 for an image folder (its size is known once read).
int64_t known_train_size(const DatasetConfig& dataset);

// Throws ConfigError for a bad project or a dataset of unknown size (an image folder).
EpochTimeEstimate estimate_epoch_time(const ProjectConfig& project, int timed_steps = 3, const StopToken& stop = {});

}  // namespace simclr
