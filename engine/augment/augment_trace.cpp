#include "engine/augment/augment_trace.h"

namespace simclr {

namespace {
torch::Tensor whole_image_boxes(int64_t batch, int64_t height, int64_t width) {
  auto boxes = torch::zeros({batch, 4}, torch::kFloat);
  boxes.select(1, 2).fill_(static_cast<double>(width));
  boxes.select(1, 3).fill_(static_cast<double>(height));
  return boxes;
}
}  // namespace

void AugmentTrace::reset(int64_t batch, int64_t height, int64_t width) {
  const auto flags = torch::zeros({batch}, torch::kBool);
  branch = torch::full({batch}, -1, torch::kLong);
  crop_box = torch::Tensor();
  cropped = flags.clone();
  flipped = flags.clone();
  jittered = flags.clone();
  grayscaled = flags.clone();
  blurred = flags.clone();
  solarized = flags.clone();
  posterized = flags.clone();
  jitter_factors = torch::tensor({1.0f, 1.0f, 1.0f, 0.0f}).repeat({batch, 1});
  jitter_order = torch::full({batch, 4}, -1, torch::kLong);
  blur_sigma = torch::zeros({batch}, torch::kFloat);
  input_height = height;
  input_width = width;
}

AugmentTrace AugmentTrace::select_rows(const torch::Tensor& index) const {
  AugmentTrace sub;
  sub.branch = branch.index_select(0, index);
  if (crop_box.defined()) sub.crop_box = crop_box.index_select(0, index);
  sub.cropped = cropped.index_select(0, index);
  sub.flipped = flipped.index_select(0, index);
  sub.jittered = jittered.index_select(0, index);
  sub.grayscaled = grayscaled.index_select(0, index);
  sub.blurred = blurred.index_select(0, index);
  sub.solarized = solarized.index_select(0, index);
  sub.posterized = posterized.index_select(0, index);
  sub.jitter_factors = jitter_factors.index_select(0, index);
  sub.jitter_order = jitter_order.index_select(0, index);
  sub.blur_sigma = blur_sigma.index_select(0, index);
  sub.input_height = input_height;
  sub.input_width = input_width;
  return sub;
}

void AugmentTrace::merge_rows(const AugmentTrace& sub, const torch::Tensor& index) {
  if (index.numel() == 0) return;
  branch.index_copy_(0, index, sub.branch);
  if (sub.crop_box.defined()) {
    if (!crop_box.defined()) crop_box = whole_image_boxes(batch_size(), input_height, input_width);
    crop_box.index_copy_(0, index, sub.crop_box);
  }
  cropped.index_copy_(0, index, sub.cropped);
  flipped.index_copy_(0, index, sub.flipped);
  jittered.index_copy_(0, index, sub.jittered);
  grayscaled.index_copy_(0, index, sub.grayscaled);
  blurred.index_copy_(0, index, sub.blurred);
  solarized.index_copy_(0, index, sub.solarized);
  posterized.index_copy_(0, index, sub.posterized);
  jitter_factors.index_copy_(0, index, sub.jitter_factors);
  jitter_order.index_copy_(0, index, sub.jitter_order);
  blur_sigma.index_copy_(0, index, sub.blur_sigma);
}

void AugmentTrace::set_crop(const torch::Tensor& boxes) {
  crop_box = boxes.to(torch::kFloat).contiguous();
  cropped.fill_(true);
}

}  // namespace simclr
