#include "engine/augment/resize.h"

#include <torch/nn/functional/upsampling.h>

namespace simclr {

nlohmann::json Resize::to_json() const {
  return {{"op", kind()}, {"size", size_}};
}

void Resize::apply(AugmentBatch& batch, at::Generator& gen, AugmentTrace* trace) const {
  const auto out = resize_images(batch.images(), output_size(batch.image_size()));
  if (!out.is_same(batch.images())) batch.replace(out);
}

torch::Tensor resize_images(const torch::Tensor& images, ImageSize out) {
  const int64_t height = images.size(2), width = images.size(3);
  if (height == out.height && width == out.width) return images;
  if (images.size(0) == 0) return images.new_empty({0, images.size(1), out.height, out.width});
  namespace F = torch::nn::functional;
  const bool downscale = out.height < height || out.width < width;
  return F::interpolate(images, F::InterpolateFuncOptions()
                                    .size(std::vector<int64_t>{out.height, out.width})
                                    .mode(torch::kBilinear)
                                    .align_corners(false)
                                    .antialias(downscale));
}

}  // namespace simclr
