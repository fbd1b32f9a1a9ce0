#include "engine/augment/random_grayscale.h"

namespace simclr {

torch::Tensor rgb_to_grayscale(const torch::Tensor& images) {
  if (images.size(1) == 1) return images;
  const auto red = images.narrow(1, 0, 1);
  const auto green = images.narrow(1, 1, 1);
  const auto blue = images.narrow(1, 2, 1);
  return red.mul(0.299).add_(green, 0.587).add_(blue, 0.114);
}

nlohmann::json RandomGrayscale::to_json() const {
  return {{"op", kind()}, {"p", p_}};
}

void RandomGrayscale::apply(AugmentBatch& batch, at::Generator& gen, AugmentTrace* trace) const {
  const auto apply = augment_detail::coin_flips(batch.size(), p_, gen);
  if (trace) trace->grayscaled.logical_or_(apply);
  if (batch.channels() == 1) return;
  augment_detail::apply_to_subset(
      batch, apply,
      [](torch::Tensor& images, const torch::Tensor&) {
        return rgb_to_grayscale(images).expand_as(images).contiguous();
      },
      /*in_place=*/false);
}

}  // namespace simclr
