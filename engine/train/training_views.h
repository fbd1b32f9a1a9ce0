#pragma once
// One of the two augmented views of a batch as training draws it (see view_generator.h
// for the two versions of the draw).
#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "engine/augment/augment_pipeline.h"

namespace simclr {

struct ViewDraw {
  uint64_t seed = 0;
  int64_t step = 0;
  int64_t version = 2;             // training.views_version
  std::vector<int64_t> positions;  // version 2: each image's place in the global batch (empty: 0, 1, ...)
};

// images [B, C, H, W] -> the normalised views (apply_normalized) of view `view` (0 or 1).
torch::Tensor training_view(const AugmentPipeline& pipeline, const torch::Tensor& images, const ViewDraw& draw,
                            int view, const std::vector<double>& mean, const std::vector<double>& std);

}  // namespace simclr
