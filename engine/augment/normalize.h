#pragma once
// Per-channel normalisation of augmented views before they enter an encoder.
#include <vector>

#include <torch/types.h>

namespace simclr {

// (images - mean[c]) / std[c] for float [B, C, H, W] on any device; mean and std hold C
// values (or one value for every channel). Throws ConfigError when the sizes do not match
// or a std is not > 0. Returns a new float32 tensor.
torch::Tensor normalize(const torch::Tensor& images, const std::vector<double>& mean, const std::vector<double>& std);

}  // namespace simclr
