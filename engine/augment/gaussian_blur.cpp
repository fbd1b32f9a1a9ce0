#include "engine/augment/gaussian_blur.h"

#include <algorithm>

#include <torch/nn/functional/padding.h>

namespace simclr {

namespace {

// Separable pass along `dim` (2 = rows, 3 = columns); weights float [taps, B, 1, 1, 1].
torch::Tensor blur_axis(const torch::Tensor& images, const torch::Tensor& weights, int64_t dim) {
  const int64_t taps = weights.size(0);
  const int64_t radius = taps / 2;
  namespace F = torch::nn::functional;
  const std::vector<int64_t> pad =
      dim == 3 ? std::vector<int64_t>{radius, radius, 0, 0} : std::vector<int64_t>{0, 0, radius, radius};
  const auto padded = F::pad(images, F::PadFuncOptions(pad).mode(torch::kReflect));
  const int64_t length = images.size(dim);
  auto out = padded.narrow(dim, 0, length).mul(weights[0]);
  for (int64_t t = 1; t < taps; ++t) out.addcmul_(padded.narrow(dim, t, length), weights[t]);
  return out;
}

}  // namespace

nlohmann::json GaussianBlur::to_json() const {
  return {{"op", kind()},
          {"kernel_size", params_.kernel_size},
          {"sigma", {params_.sigma_min, params_.sigma_max}},
          {"p", params_.p}};
}

int64_t GaussianBlur::kernel_size_for(ImageSize size) const {
  if (params_.kernel_size > 0) return params_.kernel_size;
  const int64_t side = std::min(size.height, size.width);
  return std::max<int64_t>(3, 2 * (side / 20) + 1);
}

void GaussianBlur::apply(AugmentBatch& batch, at::Generator& gen, AugmentTrace* trace) const {
  const int64_t count = batch.size();
  const auto apply = augment_detail::coin_flips(count, params_.p, gen);
  const auto sigmas = augment_detail::uniform(count, params_.sigma_min, params_.sigma_max, gen);
  const int64_t kernel_size = kernel_size_for(batch.image_size());
  augment_detail::apply_to_subset(
      batch, apply,
      [&](torch::Tensor& images, const torch::Tensor& index) {
        return gaussian_blur(images, sigmas.index_select(0, index), kernel_size);
      },
      /*in_place=*/false);
  if (trace) {
    trace->blurred.logical_or_(apply);
    trace->blur_sigma.masked_scatter_(apply, sigmas.masked_select(apply).to(torch::kFloat));
  }
}

torch::Tensor gaussian_blur(const torch::Tensor& images, const torch::Tensor& sigmas, int64_t kernel_size) {
  const int64_t max_radius = std::min(images.size(2), images.size(3)) - 1;
  const int64_t radius = std::min(kernel_size / 2, max_radius);
  if (radius <= 0 || images.size(0) == 0) return images;
  const int64_t taps = 2 * radius + 1;
  // Kernel weights in float64 on the CPU: [B, taps], each row sums to 1.
  const auto x = torch::arange(-radius, radius + 1, torch::kDouble).unsqueeze(0);
  const auto s = sigmas.to(torch::kCPU, torch::kDouble).reshape({-1, 1});
  auto weights = x.div(s).pow_(2).mul_(-0.5).exp_();
  weights.div_(weights.sum(1, /*keepdim=*/true));
  const auto w = weights.t().to(torch::kFloat).contiguous().reshape({taps, -1, 1, 1, 1}).to(images.device());
  return blur_axis(blur_axis(images, w, 3), w, 2);
}

}  // namespace simclr
