#include "engine/augment/solarize.h"

namespace simclr {

nlohmann::json Solarize::to_json() const {
  return {{"op", kind()}, {"threshold", threshold_}, {"p", p_}};
}

void Solarize::apply(AugmentBatch& batch, at::Generator& gen, AugmentTrace* trace) const {
  const auto apply = augment_detail::coin_flips(batch.size(), p_, gen);
  const double threshold = threshold_;
  augment_detail::apply_to_subset(
      batch, apply,
      [threshold](torch::Tensor& images, const torch::Tensor&) {
        return torch::where(images.ge(threshold), images.neg().add_(1.0), images);
      },
      /*in_place=*/false);
  if (trace) trace->solarized.logical_or_(apply);
}

}  // namespace simclr
