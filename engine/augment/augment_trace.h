#pragma once
// A per-sample record of what an augmentation pipeline did to each image of a batch: which
// branch of a random_choice it took, where it was cropped, which ops fired and with which
// parameters. The GUI preview labels views with it and the tests check rates and ranges.
// Every tensor lives on the CPU, row b describes image b of the batch.
#include <cstdint>

#include <torch/types.h>

namespace simclr {

struct AugmentTrace {
  // int64 [B]: -1 when no random_choice ran, 0 "then", 1 "else". Records the last
  // top-level random_choice of the pipeline (an outer choice overrides nested ones).
  torch::Tensor branch;
  // float [B, 4]: x, y, w, h of the crop in the pixels of the crop op's input; undefined
  // when no crop op ran for any sample. Rows of samples that were not cropped hold the
  // whole input (0, 0, W, H).
  torch::Tensor crop_box;
  torch::Tensor cropped;     // bool [B]
  torch::Tensor flipped;     // bool [B]: mirrored an odd number of times
  torch::Tensor jittered;    // bool [B]: colour jitter was applied
  torch::Tensor grayscaled;  // bool [B]
  torch::Tensor blurred;     // bool [B]
  torch::Tensor solarized;   // bool [B]
  torch::Tensor posterized;  // bool [B]
  // float [B, 4]: brightness, contrast, saturation factors and hue shift of the last
  // colour jitter; (1, 1, 1, 0) where none was applied.
  torch::Tensor jitter_factors;
  // int64 [B, 4]: the order in which jitter ops ran (0 brightness, 1 contrast,
  // 2 saturation, 3 hue); -1 where no jitter was applied.
  torch::Tensor jitter_order;
  torch::Tensor blur_sigma;  // float [B]: sigma of the blur, 0 where not blurred

  int64_t input_height = 0;
  int64_t input_width = 0;

  // Clears the trace for a batch of `batch` images of input size height x width.
  void reset(int64_t batch, int64_t height, int64_t width);
  int64_t batch_size() const { return branch.defined() ? branch.size(0) : 0; }
  // The rows at `index` (int64 [n], CPU) as the starting trace of a sub-batch.
  AugmentTrace select_rows(const torch::Tensor& index) const;
  // Copies every row of `sub`, the trace of the images at `index` (int64 [n], CPU), into
  // those rows of this trace.
  void merge_rows(const AugmentTrace& sub, const torch::Tensor& index);
  // Records crops of every image of the batch: boxes float [B, 4] (x, y, w, h).
  void set_crop(const torch::Tensor& boxes);
};

}  // namespace simclr
