#include "engine/augment/normalize.h"

#include "engine/core/error.h"

namespace simclr {

torch::Tensor normalize(const torch::Tensor& images, const std::vector<double>& mean, const std::vector<double>& std) {
  if (images.dim() != 4) throw DataError("normalize: expected images [B, C, H, W]");
  const int64_t channels = images.size(1);
  auto expand = [channels](const std::vector<double>& values, const char* name) {
    if (values.size() == 1) return std::vector<double>(static_cast<size_t>(channels), values[0]);
    if (static_cast<int64_t>(values.size()) != channels) {
      throw ConfigError(std::string("normalize: ") + name + " has " + std::to_string(values.size()) + " values for " +
                        std::to_string(channels) + "-channel images");
    }
    return values;
  };
  const auto m = expand(mean, "mean");
  const auto s = expand(std, "std");
  std::vector<float> scale(m.size()), shift(m.size());
  for (size_t c = 0; c < m.size(); ++c) {
    if (!(s[c] > 0.0)) throw ConfigError("normalize: std values must be > 0");
    scale[c] = static_cast<float>(1.0 / s[c]);
    shift[c] = static_cast<float>(-m[c] / s[c]);
  }
  const auto opts = torch::TensorOptions().dtype(torch::kFloat);
  const auto scale_t = torch::tensor(scale, opts).reshape({1, channels, 1, 1}).to(images.device());
  const auto shift_t = torch::tensor(shift, opts).reshape({1, channels, 1, 1}).to(images.device());
  // One pass: shift + images * scale.
  return torch::addcmul(shift_t, images.to(torch::kFloat), scale_t);
}

}  // namespace simclr
