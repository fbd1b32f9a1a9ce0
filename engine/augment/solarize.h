#pragma once
// Solarisation with probability p: pixels at or above the threshold become 1 - value
// (torchvision's solarize on [0, 1] images).
#include "engine/augment/augment_op.h"

namespace simclr {

class Solarize final : public AugmentOp {
 public:
  Solarize(double threshold = 0.5, double p = 0.5) : threshold_(threshold), p_(p) {}
  double threshold() const { return threshold_; }
  double p() const { return p_; }

  std::string kind() const override { return "solarize"; }
  nlohmann::json to_json() const override;
  void apply(AugmentBatch& batch, at::Generator& gen, AugmentTrace* trace) const override;

 private:
  double threshold_;
  double p_;
};

}  // namespace simclr
