#include "engine/augment/augment_op.h"

namespace simclr {

torch::Tensor& AugmentBatch::writable() {
  if (!owned_) {
    images_ = images_.clone(at::MemoryFormat::Contiguous);
    owned_ = true;
  }
  return images_;
}

void AugmentBatch::replace(torch::Tensor images) {
  images_ = std::move(images);
  owned_ = true;
}

void run_ops(const AugmentOps& ops, AugmentBatch& batch, at::Generator& gen, AugmentTrace* trace) {
  for (const auto& op : ops) op->apply(batch, gen, trace);
}

namespace augment_detail {

torch::Tensor uniform(int64_t n, double lo, double hi, at::Generator& gen) {
  auto u = torch::rand({n}, gen, torch::TensorOptions().dtype(torch::kDouble));
  if (lo == 0.0 && hi == 1.0) return u;
  return u.mul_(hi - lo).add_(lo);
}

torch::Tensor coin_flips(int64_t n, double p, at::Generator& gen) {
  return torch::rand({n}, gen, torch::TensorOptions().dtype(torch::kDouble)).lt(p);
}

torch::Tensor per_sample(const torch::Tensor& values, const torch::Device& device) {
  return values.to(torch::kFloat).reshape({-1, 1, 1, 1}).to(device);
}

torch::Tensor mask_indices(const torch::Tensor& mask) {
  return mask.nonzero().reshape({-1});
}

}  // namespace augment_detail

}  // namespace simclr
