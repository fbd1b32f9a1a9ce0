#include "engine/augment/horizontal_flip.h"

namespace simclr {

nlohmann::json HorizontalFlip::to_json() const {
  return {{"op", kind()}, {"p", p_}};
}

void HorizontalFlip::apply(AugmentBatch& batch, at::Generator& gen, AugmentTrace* trace) const {
  const auto flip = augment_detail::coin_flips(batch.size(), p_, gen);
  augment_detail::apply_to_subset(
      batch, flip, [](torch::Tensor& images, const torch::Tensor&) { return images.flip({3}); }, /*in_place=*/false);
  if (trace) trace->flipped.logical_xor_(flip);
}

}  // namespace simclr
