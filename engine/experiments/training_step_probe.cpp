#include "engine/experiments/training_step_probe.h"

#include <chrono>

#include <torch/torch.h>

#include "engine/core/seeding.h"
#include "engine/train/precision.h"
#include "engine/train/run_setup.h"

namespace simclr {

TrainingStepProbe::TrainingStepProbe(const ProjectConfig& project, int64_t channels, int64_t input_side,
                                     const torch::Device& device)
    : pipeline_(AugmentPipeline::from_json(project.augmentation)) {
  const TrainingConfig& t = project.training;
  torch::manual_seed(derive_seed(t.seed, {0}));
  model_ = build_model(project, channels, pipeline_.output_size(input_side));
  model_->to(device);
  if (t.channels_last) to_channels_last(*model_);
  model_->train();
  optimizer_ = std::make_unique<TrainOptimizer>(t, model_->named_parameters());
  loss_ = NTXentLoss(t.temperature);
  settings_.seed = t.seed;
  settings_.channels_last = t.channels_last;
  settings_.autocast = autocast_dtype(t.precision, device);
  settings_.views_version = t.views_version;
}

double TrainingStepProbe::step(const ChannelStats& stats, const torch::Tensor& images, int64_t step) {
  const auto start = std::chrono::steady_clock::now();
  const ContrastiveForward forward = contrastive_forward(model_, pipeline_, stats, images, step, settings_, loss_);
  optimizer_->zero_grad();
  forward.loss.backward();
  optimizer_->step();
  (void)forward.loss.item<double>();  // waits for the device
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace simclr
