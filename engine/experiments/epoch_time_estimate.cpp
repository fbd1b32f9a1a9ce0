#include "engine/experiments/epoch_time_estimate.h"

#include <algorithm>
#include <vector>

#include <torch/torch.h>

#include "engine/core/device.h"
#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/experiments/training_step_probe.h"
#include "engine/train/trainer.h"

namespace simclr {

namespace {

struct ImageShape {
  int64_t count, channels, side;
};

ImageShape train_shape(const DatasetConfig& d) {
  if (d.name == "cifar10") return {50000, 3, 32};
  if (d.name == "mnist" || d.name == "fashion-mnist") return {60000, 1, 28};
  return {0, 3, d.image_size > 0 ? d.image_size : 64};
}

}  // namespace

int64_t known_train_size(const DatasetConfig& dataset) {
  const int64_t all = train_shape(dataset).count;
  return dataset.train_limit > 0 ? std::min(all, dataset.train_limit) : all;
}

EpochTimeEstimate estimate_epoch_time(const ProjectConfig& input, int timed_steps, const StopToken& stop) {
  const ProjectConfig project = resolve_for_device(input, TrainOptions{});
  const TrainingConfig& t = project.training;
  const ImageShape shape = train_shape(project.dataset);
  const int64_t images = known_train_size(project.dataset);
  if (images <= 0)
    throw ConfigError("dataset.name \"" + project.dataset.name + "\": its size is known once the folder is read");
  const torch::Device device = resolve_device(t.device);
  configure_threads(static_cast<int>(t.threads));

  TrainingStepProbe probe(project, shape.channels, shape.side, device);
  const ChannelStats stats{std::vector<double>(size_t(shape.channels), 0.5),
                           std::vector<double>(size_t(shape.channels), 0.25)};
  const int64_t batch = std::min(t.batch_size, images);
  auto generator = make_generator(derive_seed(t.seed, {0xe7}));
  const auto batch_images =
      at::randint(0, 256, {batch, shape.channels, shape.side, shape.side}, generator, torch::kByte).to(device);

  // The first steps of a process are slow (LibTorch's kernels and thread pool start up):
  // they are run, not timed.
  constexpr int kWarmUpSteps = 3;
  std::vector<double> seconds;
  for (int step = 0; step < kWarmUpSteps + std::max(1, timed_steps); ++step) {
    stop.throw_if_stopped("estimate");
    const double took = probe.step(stats, batch_images, step);
    if (step >= kWarmUpSteps) seconds.push_back(took);
  }
  std::nth_element(seconds.begin(), seconds.begin() + long(seconds.size() / 2), seconds.end());
  EpochTimeEstimate estimate;
  estimate.seconds_per_step = seconds[seconds.size() / 2];
  estimate.steps_per_epoch = images / batch;  // the last partial batch is dropped
  estimate.seconds_per_epoch = estimate.seconds_per_step * double(estimate.steps_per_epoch);
  estimate.device = describe_device(device);
  return estimate;
}

}  // namespace simclr
