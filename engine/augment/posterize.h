#pragma once
// Posterisation with probability p: each channel keeps its top `bits` bits (AutoAugment's
// and torchvision's posterize). Images are float [0, 1], so a value is read as the byte
// round(255 x), its low 8 - bits bits are cleared and the byte is divided by 255 again:
// 2^bits levels k * 2^(8 - bits) / 255. A uint8 image gives exactly torchvision's result;
// bits = 8 only snaps floats to the byte grid.
#include <cstdint>

#include "engine/augment/augment_op.h"

namespace simclr {

class Posterize final : public AugmentOp {
 public:
  static constexpr int64_t kMinBits = 1;  // 0 bits would leave every image black
  static constexpr int64_t kMaxBits = 8;

  Posterize(int64_t bits = 4, double p = 0.5) : bits_(bits), p_(p) {}
  int64_t bits() const { return bits_; }
  double p() const { return p_; }

  std::string kind() const override { return "posterize"; }
  nlohmann::json to_json() const override;
  void apply(AugmentBatch& batch, at::Generator& gen, AugmentTrace* trace) const override;

 private:
  int64_t bits_;
  double p_;
};

}  // namespace simclr
