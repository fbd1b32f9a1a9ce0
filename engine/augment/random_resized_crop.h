#pragma once
// Random resized crop with torchvision's algorithm: up to 10 attempts at a box whose area is
// a uniform fraction of the image (scale) and whose aspect ratio w/h is log-uniform (ratio);
// the first box that fits is placed uniformly; when none fits, a centre crop clamped to the
// ratio range. The box is resized bilinearly (align_corners = false, samples clamped to the
// box as when cropping then resizing, no antialiasing) to the output size. Batched: all
// boxes are drawn at once and the whole batch is resampled by separable row gathers.
#include "engine/augment/augment_op.h"

namespace simclr {

struct RandomResizedCropParams {
  int64_t size = 0;         // output side in pixels; 0 = the input's size
  double scale_min = 0.08;  // fraction of the input area
  double scale_max = 1.0;
  double ratio_min = 3.0 / 4.0;  // aspect ratio w / h
  double ratio_max = 4.0 / 3.0;
};

class RandomResizedCrop final : public AugmentOp {
 public:
  explicit RandomResizedCrop(RandomResizedCropParams params) : params_(params) {}
  const RandomResizedCropParams& params() const { return params_; }

  std::string kind() const override { return "random_resized_crop"; }
  nlohmann::json to_json() const override;
  void apply(AugmentBatch& batch, at::Generator& gen, AugmentTrace* trace) const override;
  ImageSize output_size(ImageSize in) const override;

  // Draws `count` boxes for an input of `size`: float64 [count, 4] (x, y, w, h) in whole
  // input pixels, on the CPU.
  torch::Tensor sample_boxes(int64_t count, ImageSize size, at::Generator& gen) const;

 private:
  RandomResizedCropParams params_;
};

// Crops boxes (float [B, 4]: x, y, w, h in input pixels, any device) out of images
// (float [B, C, H, W]) and resizes each bilinearly to out: float [B, C, out.height, out.width].
torch::Tensor resized_crop(const torch::Tensor& images, const torch::Tensor& boxes, ImageSize out);

}  // namespace simclr
