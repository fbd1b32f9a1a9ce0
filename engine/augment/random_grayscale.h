#pragma once
// Random grayscale with probability p: every channel becomes the luma
// 0.299 R + 0.587 G + 0.114 B. A no-op on 1-channel images.
#include "engine/augment/augment_op.h"

namespace simclr {

class RandomGrayscale final : public AugmentOp {
 public:
  explicit RandomGrayscale(double p = 0.1) : p_(p) {}
  double p() const { return p_; }

  std::string kind() const override { return "random_grayscale"; }
  nlohmann::json to_json() const override;
  void apply(AugmentBatch& batch, at::Generator& gen, AugmentTrace* trace) const override;

 private:
  double p_;
};

// Luma of float [B, 3, H, W] images: float [B, 1, H, W]. A 1-channel batch is returned as is.
torch::Tensor rgb_to_grayscale(const torch::Tensor& images);

}  // namespace simclr
