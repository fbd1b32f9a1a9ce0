#include "engine/augment/color_jitter.h"

#include <algorithm>

#include "engine/augment/color_jitter_kernel.h"
#include "engine/augment/random_grayscale.h"

namespace simclr {

namespace {

enum JitterOp : int64_t { kBrightness = 0, kContrast = 1, kSaturation = 2, kHue = 3 };

// In place: images = clamp(scale * images + gray_weight * gray + mean_weight * mean(gray)),
// with per-image coefficients (float64 [n], CPU). Covers brightness (scale f), contrast
// (scale f, mean weight 1 - f) and saturation (scale f, gray weight 1 - f); identity rows
// have (1, 0, 0). Skips the work that every row leaves unchanged.
void linear_step(torch::Tensor& images, const torch::Tensor& scale, const torch::Tensor& gray_weight,
                 const torch::Tensor& mean_weight) {
  const bool any_scale = scale.ne(1.0).any().item<bool>();
  const bool any_gray = gray_weight.ne(0.0).any().item<bool>();
  const bool any_mean = mean_weight.ne(0.0).any().item<bool>();
  if (!any_scale && !any_gray && !any_mean) return;
  const auto device = images.device();
  torch::Tensor gray;
  if (any_gray || any_mean) gray = rgb_to_grayscale(images);
  torch::Tensor mean;
  if (any_mean) mean = gray.mean({1, 2, 3}, /*keepdim=*/true);  // [n, 1, 1, 1]
  if (any_gray && gray.is_same(images)) gray = gray.clone();    // 1 channel
  if (any_scale) images.mul_(augment_detail::per_sample(scale, device));
  if (any_gray) images.addcmul_(gray, augment_detail::per_sample(gray_weight, device));
  if (any_mean) images.add_(mean.mul_(augment_detail::per_sample(mean_weight, device)));
  images.clamp_(0.0, 1.0);
}

// Hue rotation of float [n, 3, H, W] by shifts (float [n, 1, 1, 1] on the images' device).
// With v = max, c = max - min and h the hue in sixths of the circle, HSV -> RGB keeping s and
// v gives channel k = min + c * clamp(2 - dist(h, centre_k), 0, 1), where dist is the
// distance around the circle and the centres are 0 (red), 2 (green) and 4 (blue); this is
// torchvision's hsv_to_rgb with p = min, q = max - c f, t = min + c f.
// Written with arithmetic masks instead of where() (several times faster on the CPU) and
// mostly in-place ops (fewer fresh allocations).
torch::Tensor hue_rotate(const torch::Tensor& images, const torch::Tensor& shifts) {
  const auto red = images.narrow(1, 0, 1);
  const auto green = images.narrow(1, 1, 1);
  const auto blue = images.narrow(1, 2, 1);
  const auto maxc = images.amax(1, /*keepdim=*/true);
  const auto minc = images.amin(1, /*keepdim=*/true);
  const auto chroma = maxc - minc;
  // Sector masks as 0/1 floats: max != red, and max is neither red nor green (blue).
  const auto not_red = (maxc - red).sign_();
  const auto is_blue = (maxc - green).sign_().mul_(not_red);
  // Hue numerator (hue * chroma): g - b when red is the max, b - r + 2c when green is, and
  // r - g + 4c when blue is (red wins ties, then green, as torchvision).
  auto hue = green - blue;
  hue.addcmul_(not_red, (blue - red).add_(chroma, 2.0).sub_(hue));
  hue.addcmul_(is_blue, (red - green).add_(chroma, 4.0).sub_(hue));
  // Hue in sixths, shifted and wrapped to [0, 6) (floor is much faster than remainder).
  hue.div_(chroma.clamp_min(1e-12)).add_(shifts * 6.0);
  hue.sub_(hue.mul(1.0 / 6.0).floor_(), 6.0);
  // d = |h - centre| in [0, 6); the distance around the circle is 3 - |d - 3|, so the
  // weight clamp(2 - distance, 0, 1) is clamp(|d - 3| - 1, 0, 1).
  const auto centres = torch::tensor({0.0f, 2.0f, 4.0f}, images.options()).reshape({1, 3, 1, 1});
  auto out = hue - centres;  // [n, 3, H, W]
  return out.abs_().sub_(3.0).abs_().sub_(1.0).clamp_(0.0, 1.0).mul_(chroma).add_(minc);
}

torch::Tensor factors_cpu(const torch::Tensor& factors) {
  return factors.to(torch::kCPU, torch::kDouble).reshape({-1});
}

}  // namespace

torch::Tensor adjust_brightness(const torch::Tensor& images, const torch::Tensor& factors) {
  auto out = images.clone();
  const auto f = factors_cpu(factors);
  linear_step(out, f, torch::zeros_like(f), torch::zeros_like(f));
  return out;
}

torch::Tensor adjust_contrast(const torch::Tensor& images, const torch::Tensor& factors) {
  auto out = images.clone();
  const auto f = factors_cpu(factors);
  linear_step(out, f, torch::zeros_like(f), 1.0 - f);
  return out;
}

torch::Tensor adjust_saturation(const torch::Tensor& images, const torch::Tensor& factors) {
  if (images.size(1) == 1) return images.clone();
  auto out = images.clone();
  const auto f = factors_cpu(factors);
  linear_step(out, f, 1.0 - f, torch::zeros_like(f));
  return out;
}

torch::Tensor adjust_hue(const torch::Tensor& images, const torch::Tensor& shifts) {
  if (images.size(1) == 1 || images.size(0) == 0) return images.clone();
  return hue_rotate(images, augment_detail::per_sample(shifts, images.device()));
}

nlohmann::json ColorJitter::to_json() const {
  return {{"op", kind()},
          {"brightness", params_.brightness},
          {"contrast", params_.contrast},
          {"saturation", params_.saturation},
          {"hue", params_.hue},
          {"p", params_.p}};
}

void ColorJitter::apply(AugmentBatch& batch, at::Generator& gen, AugmentTrace* trace) const {
  const int64_t count = batch.size();
  const auto opts = torch::TensorOptions().dtype(torch::kDouble);
  const auto apply = augment_detail::coin_flips(count, params_.p, gen);
  // Factors [B, 4]: brightness, contrast, saturation, hue shift.
  auto factors = torch::rand({count, 4}, gen, opts);
  const auto lo = torch::tensor({std::max(0.0, 1.0 - params_.brightness), std::max(0.0, 1.0 - params_.contrast),
                                 std::max(0.0, 1.0 - params_.saturation), -params_.hue},
                                opts);
  const auto hi =
      torch::tensor({1.0 + params_.brightness, 1.0 + params_.contrast, 1.0 + params_.saturation, params_.hue}, opts);
  factors.mul_(hi - lo).add_(lo);
  const auto order =
      torch::rand({count, 4}, gen, opts).argsort(/*dim=*/1, /*descending=*/false);  // a random permutation per image

  const bool color = batch.channels() == 3;
  augment_detail::apply_to_subset(
      batch, apply,
      [&](torch::Tensor& images, const torch::Tensor& index) {
        const auto f = factors.index_select(0, index);
        const auto ops = order.index_select(0, index);
        if (color_jitter_kernel_applies(images)) {
          color_jitter_cpu(images, f, ops);
          return images;
        }
        const auto one = torch::ones({f.size(0)}, opts);
        const auto zero = torch::zeros({f.size(0)}, opts);
        for (int64_t position = 0; position < 4; ++position) {
          const auto op = ops.select(1, position);
          const auto is_b = op.eq(kBrightness);
          const auto is_c = op.eq(kContrast);
          const auto is_s = color ? op.eq(kSaturation) : torch::zeros_like(is_b);
          auto scale = torch::where(is_b, f.select(1, 0), one);
          scale = torch::where(is_c, f.select(1, 1), scale);
          scale = torch::where(is_s, f.select(1, 2), scale);
          const auto mean_weight = torch::where(is_c, 1.0 - f.select(1, 1), zero);
          const auto gray_weight = torch::where(is_s, 1.0 - f.select(1, 2), zero);
          linear_step(images, scale, gray_weight, mean_weight);

          if (!color) continue;
          const auto shift = f.select(1, 3);
          const auto hue_mask = op.eq(kHue) & shift.ne(0.0);
          const int64_t hue_count = hue_mask.sum().item<int64_t>();
          if (hue_count == 0) continue;
          if (hue_count == images.size(0)) {
            images = hue_rotate(images, augment_detail::per_sample(shift, images.device()));
          } else {
            const auto rows = augment_detail::mask_indices(hue_mask);
            const auto device_rows = rows.to(images.device());
            const auto rotated = hue_rotate(images.index_select(0, device_rows),
                                            augment_detail::per_sample(shift.index_select(0, rows), images.device()));
            images.index_copy_(0, device_rows, rotated);
          }
        }
        return images;
      },
      /*in_place=*/true);

  if (trace) {
    trace->jittered.logical_or_(apply);
    const auto rows = apply.unsqueeze(1).expand({count, 4});
    trace->jitter_factors = torch::where(rows, factors.to(torch::kFloat), trace->jitter_factors);
    trace->jitter_order = torch::where(rows, order, trace->jitter_order);
  }
}

}  // namespace simclr
