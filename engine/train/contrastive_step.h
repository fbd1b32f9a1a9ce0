#pragma once
// The forward half of one SimCLR step, shared by the trainer and the sweep's memory check:
// two augmented views of a batch drawn from the view generators of (seed, step), normalised
// with the run's channel statistics, through the model under the run's autocast, and the
// contrastive loss of the two projections (NT-Xent, or its gathered form across ranks).
#include <cstdint>
#include <functional>
#include <vector>

#include <torch/types.h>

#include "engine/augment/augment_pipeline.h"
#include "engine/data/channel_stats.h"
#include "engine/losses/nt_xent_loss.h"
#include "engine/models/simclr_model.h"

namespace simclr {

struct ContrastiveStepSettings {
  uint64_t seed = 0;
  bool channels_last = false;
  torch::ScalarType autocast = torch::kFloat;  // kFloat: no autocast
  int64_t views_version = 2;                   // training.views_version (view_generator.h)
  std::vector<int64_t> positions;              // version 2: the images' places in the global batch
};

// z1, z2 [B, P] -> scalar loss with the graph for backward().
using ContrastiveLoss = std::function<torch::Tensor(const torch::Tensor& z1, const torch::Tensor& z2)>;

struct ContrastiveForward {
  torch::Tensor z1, z2;   // float [B, P]: projections of view 0 and view 1
  torch::Tensor loss;     // scalar, with the graph for backward()
  double augment_ms = 0;  // time spent making the views
};

// images: uint8 [B, C, H, W] on the model's device.
ContrastiveForward contrastive_forward(SimCLRModel& model, const AugmentPipeline& pipeline, const ChannelStats& stats,
                                       const torch::Tensor& images, int64_t step,
                                       const ContrastiveStepSettings& settings, const ContrastiveLoss& loss);

}  // namespace simclr
