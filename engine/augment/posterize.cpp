#include "engine/augment/posterize.h"

namespace simclr {

nlohmann::json Posterize::to_json() const {
  return {{"op", kind()}, {"bits", bits_}, {"p", p_}};
}

void Posterize::apply(AugmentBatch& batch, at::Generator& gen, AugmentTrace* trace) const {
  const auto apply = augment_detail::coin_flips(batch.size(), p_, gen);
  // Clearing the low bits of a byte b is floor(b / step) * step with step = 2^(8 - bits);
  // every step is exact in float32, and dividing by 255 last matches uint8 / 255 exactly.
  const double step = static_cast<double>(int64_t{1} << (8 - bits_));
  augment_detail::apply_to_subset(
      batch, apply,
      [step](torch::Tensor& images, const torch::Tensor&) {
        return images.mul_(255.0).round_().div_(step).floor_().mul_(step).div_(255.0);
      },
      /*in_place=*/true);
  if (trace) trace->posterized.logical_or_(apply);
}

}  // namespace simclr
