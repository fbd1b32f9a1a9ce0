#include "engine/augment/random_resized_crop.h"

#include <cmath>
#include <vector>

#include <ATen/Parallel.h>

#include "engine/augment/vector_clones.h"

namespace simclr {

namespace {

constexpr int64_t kAttempts = 10;

// Linear interpolation taps along one axis for every (sample, output position): the two
// source indices and the weight of the second, as crop-then-resize with align_corners =
// false computes them (source coordinate (o + 0.5) * length / out - 0.5, clamped to the box).
// start, length: float64 [B, 1] on the CPU. Returns int64 [B, out] (x2) and float [B, out].
struct AxisTaps {
  torch::Tensor first, second, weight;
};

AxisTaps axis_taps(const torch::Tensor& start, const torch::Tensor& length, int64_t out) {
  const auto centres = torch::arange(out, torch::kDouble).add_(0.5).unsqueeze(0);  // [1, out]
  auto src = centres.mul(length.div(static_cast<double>(out))).sub_(0.5).clamp_min_(0.0);
  src = torch::min(src, length - 1.0);  // relative to the box start
  const auto lower = src.floor();
  const auto upper = torch::min(lower + 1.0, length - 1.0);
  return {lower.add(start).to(torch::kLong), upper.add(start).to(torch::kLong), src.sub_(lower).to(torch::kFloat)};
}

// Interpolates rows of planes [P, L, M] (P = B * C) along L: output [P, out, M] with
// out[p, o] = lerp(planes[p, first[b, o]], planes[p, second[b, o]], weight[b, o]), b = p / C.
// Taps: int64 / float [B, out] on the planes' device.
torch::Tensor interpolate_rows(const torch::Tensor& planes, const AxisTaps& taps, int64_t channels) {
  const int64_t count = taps.first.size(0), out = taps.first.size(1);
  const int64_t length = planes.size(1), width = planes.size(2);
  // Row r of plane p sits at p * length + r in the [P * L, M] view.
  const auto plane_base =
      torch::arange(count * channels, taps.first.options()).mul_(length).reshape({count, channels, 1});
  auto flat_index = [&](const torch::Tensor& rows) { return (plane_base + rows.unsqueeze(1)).reshape({-1}); };
  const auto rows = planes.reshape({-1, width});
  auto result = rows.index_select(0, flat_index(taps.first));
  auto second = rows.index_select(0, flat_index(taps.second));
  const auto weight = taps.weight.unsqueeze(1).expand({count, channels, out}).reshape({-1, 1});
  result.addcmul_(second.sub_(result), weight);
  return result.view({count * channels, out, width});
}

SIMCLR_VECTOR_CLONES void lerp_rows(const float* a, const float* b, float weight, float* out, int64_t width) {
  for (int64_t x = 0; x < width; ++x) out[x] = a[x] + (b[x] - a[x]) * weight;
}

// The same resampling on the CPU, one image at a time so that it stays in the cache: rows
// first, then columns, with the tensor form's arithmetic (a + (b - a) * w at each step).
void resized_crop_cpu(const torch::Tensor& images, const AxisTaps& rows, const AxisTaps& columns, torch::Tensor& out) {
  const int64_t count = images.size(0), channels = images.size(1);
  const int64_t height = images.size(2), width = images.size(3);
  const int64_t out_h = out.size(2), out_w = out.size(3);
  const float* src = images.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  // Taps come out of axis_taps contiguous.
  const int64_t* row0 = rows.first.data_ptr<int64_t>();
  const int64_t* row1 = rows.second.data_ptr<int64_t>();
  const float* row_w = rows.weight.data_ptr<float>();
  const int64_t* col0 = columns.first.data_ptr<int64_t>();
  const int64_t* col1 = columns.second.data_ptr<int64_t>();
  const float* col_w = columns.weight.data_ptr<float>();
  at::parallel_for(0, count, 8, [&](int64_t begin, int64_t end) {
    std::vector<float> line(static_cast<size_t>(width));
    for (int64_t k = begin; k < end; ++k) {
      for (int64_t c = 0; c < channels; ++c) {
        const float* plane = src + (k * channels + c) * height * width;
        float* target = dst + (k * channels + c) * out_h * out_w;
        for (int64_t oy = 0; oy < out_h; ++oy) {
          const float* a = plane + row0[k * out_h + oy] * width;
          const float* b = plane + row1[k * out_h + oy] * width;
          lerp_rows(a, b, row_w[k * out_h + oy], line.data(), width);
          for (int64_t ox = 0; ox < out_w; ++ox) {
            const float left = line[col0[k * out_w + ox]], right = line[col1[k * out_w + ox]];
            target[oy * out_w + ox] = left + (right - left) * col_w[k * out_w + ox];
          }
        }
      }
    }
  });
}

AxisTaps taps_to(const AxisTaps& taps, const torch::Device& device) {
  return {taps.first.to(device), taps.second.to(device), taps.weight.to(device)};
}

}  // namespace

nlohmann::json RandomResizedCrop::to_json() const {
  return {{"op", kind()},
          {"size", params_.size},
          {"scale", {params_.scale_min, params_.scale_max}},
          {"ratio", {params_.ratio_min, params_.ratio_max}}};
}

ImageSize RandomResizedCrop::output_size(ImageSize in) const {
  return params_.size > 0 ? ImageSize{params_.size, params_.size} : in;
}

torch::Tensor RandomResizedCrop::sample_boxes(int64_t count, ImageSize size, at::Generator& gen) const {
  const auto opts = torch::TensorOptions().dtype(torch::kDouble);
  const auto u_scale = torch::rand({count, kAttempts}, gen, opts);
  const auto u_ratio = torch::rand({count, kAttempts}, gen, opts);
  const auto u_position = torch::rand({count, 2}, gen, opts);

  const double height = static_cast<double>(size.height);
  const double width = static_cast<double>(size.width);
  const double area = height * width;
  const double log_lo = std::log(params_.ratio_min);
  const double log_hi = std::log(params_.ratio_max);

  const auto target = u_scale.mul(area * (params_.scale_max - params_.scale_min)).add_(area * params_.scale_min);
  const auto aspect = u_ratio.mul(log_hi - log_lo).add_(log_lo).exp_();
  const auto w = (target * aspect).sqrt_().round_();  // round half to even, as Python's round
  const auto h = (target / aspect).sqrt_().round_();
  const auto fits = w.gt(0) & w.le(width) & h.gt(0) & h.le(height);

  // The first attempt that fits, per sample.
  const auto attempt = torch::arange(kAttempts, torch::kLong).expand({count, kAttempts});
  const auto first =
      std::get<0>(torch::where(fits, attempt, torch::full_like(attempt, kAttempts)).min(1, /*keepdim=*/true));
  const auto found = first.lt(kAttempts).squeeze(1);
  const auto pick = first.clamp_max(kAttempts - 1);
  auto box_w = w.gather(1, pick).squeeze(1);
  auto box_h = h.gather(1, pick).squeeze(1);

  // Fallback: centre crop of the whole image, narrowed to the ratio range.
  double fallback_w = width, fallback_h = height;
  const double in_ratio = width / height;
  if (in_ratio < params_.ratio_min) {
    fallback_h = std::nearbyint(width / params_.ratio_min);
  } else if (in_ratio > params_.ratio_max) {
    fallback_w = std::nearbyint(height * params_.ratio_max);
  }
  box_w = torch::where(found, box_w, torch::full_like(box_w, fallback_w));
  box_h = torch::where(found, box_h, torch::full_like(box_h, fallback_h));

  auto x = u_position.select(1, 0).mul(box_w.neg().add(width + 1.0)).floor_();
  auto y = u_position.select(1, 1).mul(box_h.neg().add(height + 1.0)).floor_();
  x = torch::where(found, x, torch::full_like(x, std::floor((width - fallback_w) / 2)));
  y = torch::where(found, y, torch::full_like(y, std::floor((height - fallback_h) / 2)));
  return torch::stack({x, y, box_w, box_h}, 1);
}

void RandomResizedCrop::apply(AugmentBatch& batch, at::Generator& gen, AugmentTrace* trace) const {
  const ImageSize in = batch.image_size();
  const auto boxes = sample_boxes(batch.size(), in, gen);
  batch.replace(resized_crop(batch.images(), boxes, output_size(in)));
  if (trace) trace->set_crop(boxes);
}

torch::Tensor resized_crop(const torch::Tensor& images, const torch::Tensor& boxes, ImageSize out) {
  const int64_t count = images.size(0), channels = images.size(1);
  const int64_t height = images.size(2), width = images.size(3);
  auto result = images.new_empty({count, channels, out.height, out.width});
  if (count == 0) return result;
  // Separable bilinear resampling with whole-row copies: rows first, then (on the transposed
  // planes) columns. Tap positions are computed on the CPU from the boxes.
  const auto b = boxes.to(torch::kCPU, torch::kDouble);
  const auto device = images.device();
  const auto row_taps = taps_to(axis_taps(b.slice(1, 1, 2), b.slice(1, 3, 4), out.height), device);
  const auto column_taps = taps_to(axis_taps(b.slice(1, 0, 1), b.slice(1, 2, 3), out.width), device);
  if (images.device().is_cpu() && images.scalar_type() == torch::kFloat) {  // float64 keeps the tensor form
    resized_crop_cpu(images.contiguous(), row_taps, column_taps, result);
    return result;
  }
  const auto planes = images.reshape({count * channels, height, width});
  const auto rows = interpolate_rows(planes, row_taps, channels);                                   // [P, out.h, W]
  const auto columns = interpolate_rows(rows.transpose(1, 2).contiguous(), column_taps, channels);  // [P, out.w, out.h]
  result.view({count * channels, out.height, out.width}).copy_(columns.transpose(1, 2));
  return result;
}

}  // namespace simclr
