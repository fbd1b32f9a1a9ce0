#include "engine/experiments/epoch_time_estimate.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include <torch/torch.h>

#include "engine/augment/augment_pipeline.h"
#include "engine/core/device.h"
#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/train/contrastive_step.h"
#include "engine/train/precision.h"
#include "engine/train/run_setup.h"
#include "engine/train/train_optimizer.h"
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

  const AugmentPipeline pipeline = AugmentPipeline::from_json(project.augmentation);
  torch::manual_seed(derive_seed(t.seed, {0}));
  SimCLRModel model = build_model(project, shape.channels, pipeline.output_size(shape.side));
  model->to(device);
  if (t.channels_last) to_channels_last(*model);
  model->train();
  TrainOptimizer optimizer(t, model->named_parameters());
  NTXentLoss loss_fn(t.temperature);
  ContrastiveStepSettings settings;
  settings.seed = t.seed;
  settings.channels_last = t.channels_last;
  settings.autocast = autocast_dtype(t.precision, device);
  settings.views_version = t.views_version;
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
    const auto start = std::chrono::steady_clock::now();
    const ContrastiveForward forward =
        contrastive_forward(model, pipeline, stats, batch_images, step, settings, loss_fn);
    optimizer.zero_grad();
    forward.loss.backward();
    optimizer.step();
    (void)forward.loss.item<double>();  // waits for the device
    if (step >= kWarmUpSteps) seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
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
