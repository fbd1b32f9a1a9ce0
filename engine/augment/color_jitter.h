#pragma once
// Colour jitter with torchvision's semantics, applied to each image with probability p:
// brightness, contrast and saturation factors uniform in [max(0, 1 - s), 1 + s], a hue
// shift uniform in [-h, h] (fraction of the hue circle), the four ops in a random order
// drawn per image, each result clamped to [0, 1]. Contrast blends with the mean of the
// image's grayscale, saturation with its grayscale; saturation and hue are no-ops on
// 1-channel images. A strength of 0 disables that op.
#include "engine/augment/augment_op.h"

namespace simclr {

struct ColorJitterParams {
  double brightness = 0.0;
  double contrast = 0.0;
  double saturation = 0.0;
  double hue = 0.0;  // in [0, 0.5]
  double p = 1.0;
};

class ColorJitter final : public AugmentOp {
 public:
  explicit ColorJitter(ColorJitterParams params) : params_(params) {}
  const ColorJitterParams& params() const { return params_; }

  std::string kind() const override { return "color_jitter"; }
  nlohmann::json to_json() const override;
  void apply(AugmentBatch& batch, at::Generator& gen, AugmentTrace* trace) const override;

 private:
  ColorJitterParams params_;
};

// The single ops on float [B, C, H, W] in [0, 1], one factor per image (float [B], any
// device); each returns a new tensor.
torch::Tensor adjust_brightness(const torch::Tensor& images, const torch::Tensor& factors);
torch::Tensor adjust_contrast(const torch::Tensor& images, const torch::Tensor& factors);
torch::Tensor adjust_saturation(const torch::Tensor& images, const torch::Tensor& factors);
// Rotates the HSV hue by shifts[b] (fraction of the circle, in [-0.5, 0.5]), keeping
// saturation and value.
torch::Tensor adjust_hue(const torch::Tensor& images, const torch::Tensor& shifts);

}  // namespace simclr
