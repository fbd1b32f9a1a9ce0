#pragma once
// A project's training step outside a run, for measuring it before one starts (the sweep's
// memory check, the start page's expected times): the seeded model, optimizer, NT-Xent
// loss, augmentations and precision as the trainer builds them, on a device.
#include <cstdint>

#include <torch/types.h>

#include "engine/augment/augment_pipeline.h"
#include "engine/data/channel_stats.h"
#include "engine/losses/nt_xent_loss.h"
#include "engine/models/simclr_model.h"
#include "engine/project/project_config.h"
#include "engine/train/contrastive_step.h"
#include "engine/train/train_optimizer.h"

namespace simclr {

class TrainingStepProbe {
 public:
  // `input_side`: the dataset's image side (the augmentations' output size follows from it).
  TrainingStepProbe(const ProjectConfig& project, int64_t channels, int64_t input_side, const torch::Device& device);

  TrainOptimizer& optimizer() { return *optimizer_; }
  // One step (two views, forward, backward, optimizer) on uint8 `images` [B, C, H, W] on
  // the device; returns its seconds, the device waited for.
  double step(const ChannelStats& stats, const torch::Tensor& images, int64_t step);

 private:
  AugmentPipeline pipeline_;
  SimCLRModel model_{nullptr};
  std::unique_ptr<TrainOptimizer> optimizer_;
  NTXentLoss loss_{nullptr};
  ContrastiveStepSettings settings_;
};

}  // namespace simclr
