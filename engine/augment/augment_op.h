#pragma once
// The small interface every augmentation op implements, the batch it transforms and the
// helpers the ops share (parameter draws, per-sample subsets).
//
// Conventions for every op:
//  - the batch is float32 [B, C, H, W] in [0, 1] (C = 1 or 3) on any device;
//  - per-sample random parameters are drawn on the CPU from the caller's generator, always
//    the same number of draws for a given batch size, then moved to the images' device as
//    small tensors, so one seed gives the same views on the CPU and on a GPU;
//  - pixel work is batched tensor code: no loop over images.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Generator.h>
#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "engine/augment/augment_trace.h"

namespace simclr {

struct ImageSize {
  int64_t height = 0;
  int64_t width = 0;
  bool operator==(const ImageSize& o) const { return height == o.height && width == o.width; }
  bool operator!=(const ImageSize& o) const { return !(*this == o); }
};

// The images flowing through a pipeline. Ops write in place only through writable(), which
// copies the caller's tensor once when the batch does not own its storage yet.
class AugmentBatch {
 public:
  AugmentBatch(torch::Tensor images, bool owned) : images_(std::move(images)), owned_(owned) {}
  const torch::Tensor& images() const { return images_; }
  torch::Tensor& writable();
  // Replaces the images with a tensor the op made (owned from now on).
  void replace(torch::Tensor images);
  int64_t size() const { return images_.size(0); }
  int64_t channels() const { return images_.size(1); }
  ImageSize image_size() const { return {images_.size(2), images_.size(3)}; }

 private:
  torch::Tensor images_;
  bool owned_;
};

class AugmentOp {
 public:
  virtual ~AugmentOp() = default;
  // The JSON "op" name ("horizontal_flip").
  virtual std::string kind() const = 0;
  // The op as it appears in a pipeline spec, with every key explicit.
  virtual nlohmann::json to_json() const = 0;
  // Transforms the batch; fills the rows of `trace` (if given) for this batch.
  virtual void apply(AugmentBatch& batch, at::Generator& gen, AugmentTrace* trace) const = 0;
  // Spatial size of the output for an input of size `in`.
  virtual ImageSize output_size(ImageSize in) const { return in; }
};

using AugmentOpPtr = std::shared_ptr<const AugmentOp>;
using AugmentOps = std::vector<AugmentOpPtr>;

// Runs `ops` in order on the batch.
void run_ops(const AugmentOps& ops, AugmentBatch& batch, at::Generator& gen, AugmentTrace* trace);

namespace augment_detail {

// float64 [n] uniform in [lo, hi), on the CPU.
torch::Tensor uniform(int64_t n, double lo, double hi, at::Generator& gen);
// bool [n], true with probability p, on the CPU. Always draws n numbers.
torch::Tensor coin_flips(int64_t n, double p, at::Generator& gen);
// float32 [n, 1, 1, 1] on `device` from a CPU tensor [n], ready to broadcast over images.
torch::Tensor per_sample(const torch::Tensor& values, const torch::Device& device);
// Runs fn(images, index) on the samples where mask (bool [B], CPU) is true and stores what
// it returns (float [n, C, H, W]) in their place. index holds the CPU indices of those
// samples, for picking their parameters. With in_place, fn may modify `images` (then a
// private copy) and return it; otherwise fn must leave it alone. Does nothing when the mask
// is empty; runs on the whole batch without gathering when the mask is full.
template <typename Fn>
void apply_to_subset(AugmentBatch& batch, const torch::Tensor& mask, Fn&& fn, bool in_place);
// The indices (int64 [n], CPU) where mask (bool [B], CPU) is true.
torch::Tensor mask_indices(const torch::Tensor& mask);

}  // namespace augment_detail

template <typename Fn>
void augment_detail::apply_to_subset(AugmentBatch& batch, const torch::Tensor& mask, Fn&& fn, bool in_place) {
  const int64_t count = mask.sum().item<int64_t>();
  if (count == 0) return;
  const auto index = mask_indices(mask);
  if (count == batch.size()) {
    torch::Tensor images = in_place ? batch.writable() : batch.images();
    torch::Tensor result = fn(images, index);
    if (!result.is_same(batch.images())) batch.replace(std::move(result));
    return;
  }
  const auto device_index = index.to(batch.images().device());
  torch::Tensor subset = batch.images().index_select(0, device_index);
  torch::Tensor result = fn(subset, index);
  batch.writable().index_copy_(0, device_index, result);
}

}  // namespace simclr
