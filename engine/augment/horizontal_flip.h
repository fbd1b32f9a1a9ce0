#pragma once
// Mirror each image left-right with probability p.
#include "engine/augment/augment_op.h"

namespace simclr {

class HorizontalFlip final : public AugmentOp {
 public:
  explicit HorizontalFlip(double p = 0.5) : p_(p) {}
  double p() const { return p_; }

  std::string kind() const override { return "horizontal_flip"; }
  nlohmann::json to_json() const override;
  void apply(AugmentBatch& batch, at::Generator& gen, AugmentTrace* trace) const override;

 private:
  double p_;
};

}  // namespace simclr
