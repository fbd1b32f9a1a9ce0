#pragma once
// Gaussian blur with probability p and a per-image sigma drawn uniformly from
// [sigma_min, sigma_max] (torchvision's GaussianBlur): a separable kernel of kernel_size
// taps, exp(-x^2 / (2 sigma^2)) normalised to sum 1, with reflect padding.
#include "engine/augment/augment_op.h"

namespace simclr {

struct GaussianBlurParams {
  int64_t kernel_size = 0;  // odd; 0 = about 10 % of the smaller image side (odd, >= 3)
  double sigma_min = 0.1;
  double sigma_max = 2.0;
  double p = 0.5;
};

class GaussianBlur final : public AugmentOp {
 public:
  explicit GaussianBlur(GaussianBlurParams params) : params_(params) {}
  const GaussianBlurParams& params() const { return params_; }

  std::string kind() const override { return "gaussian_blur"; }
  nlohmann::json to_json() const override;
  void apply(AugmentBatch& batch, at::Generator& gen, AugmentTrace* trace) const override;

  // The kernel size used for images of `size`.
  int64_t kernel_size_for(ImageSize size) const;

 private:
  GaussianBlurParams params_;
};

// Blurs each image b of float [B, C, H, W] with its own sigmas[b] (CPU or device, [B]) and a
// kernel of kernel_size taps (odd). The radius is clipped to the image (reflect padding needs
// radius < side).
torch::Tensor gaussian_blur(const torch::Tensor& images, const torch::Tensor& sigmas, int64_t kernel_size);

}  // namespace simclr
