#pragma once
// Branching: each image takes the "then" ops with probability p and the "else" ops
// otherwise (Algorithm 1 of the seed paper is such a choice). Both branches must produce
// images of the same size. The trace's `branch` records 0 (then) or 1 (else).
#include "engine/augment/augment_op.h"

namespace simclr {

class RandomChoice final : public AugmentOp {
 public:
  RandomChoice(double p, AugmentOps then_ops, AugmentOps else_ops)
      : p_(p), then_(std::move(then_ops)), else_(std::move(else_ops)) {}
  double p() const { return p_; }
  const AugmentOps& then_ops() const { return then_; }
  const AugmentOps& else_ops() const { return else_; }

  std::string kind() const override { return "random_choice"; }
  nlohmann::json to_json() const override;
  // Throws ConfigError when the branches give different output sizes for this input.
  void apply(AugmentBatch& batch, at::Generator& gen, AugmentTrace* trace) const override;
  ImageSize output_size(ImageSize in) const override;

 private:
  double p_;
  AugmentOps then_;
  AugmentOps else_;
};

// Output size of a chain of ops.
ImageSize ops_output_size(const AugmentOps& ops, ImageSize in);

}  // namespace simclr
