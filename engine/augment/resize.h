#pragma once
// Resize every image of the batch to size x size (bilinear, align_corners = false), e.g. to
// 224 as the seed paper does. Downscaling is antialiased; a resize to the current size is
// a no-op. Non-square inputs are stretched to the square.
#include "engine/augment/augment_op.h"

namespace simclr {

class Resize final : public AugmentOp {
 public:
  explicit Resize(int64_t size) : size_(size) {}
  int64_t size() const { return size_; }

  std::string kind() const override { return "resize"; }
  nlohmann::json to_json() const override;
  void apply(AugmentBatch& batch, at::Generator& gen, AugmentTrace* trace) const override;
  ImageSize output_size(ImageSize in) const override { return {size_, size_}; }

 private:
  int64_t size_;
};

// float [B, C, H, W] -> float [B, C, out.height, out.width]; returns `images` when the size
// already matches.
torch::Tensor resize_images(const torch::Tensor& images, ImageSize out);

}  // namespace simclr
