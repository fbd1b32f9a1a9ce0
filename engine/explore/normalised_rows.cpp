#include "engine/explore/normalised_rows.h"

#include <torch/torch.h>

#include "engine/core/error.h"

namespace simclr {

torch::Tensor checked_rows(const torch::Tensor& features, const std::string& what) {
  if (!features.defined() || features.dim() != 2 || features.size(0) < 1 || features.size(1) < 1)
    throw ConfigError(what + ": features must be a [N, D] matrix with N >= 1 and D >= 1");
  if (!features.is_floating_point()) throw ConfigError(what + ": features must be floating point");
  const torch::Tensor x = features.to(torch::kFloat).contiguous();
  if (!torch::isfinite(x).all().item<bool>()) throw DataError(what + ": features contain NaN or infinite values");
  return x;
}

torch::Tensor normalised_rows(const torch::Tensor& features, const std::string& what) {
  const torch::Tensor x = checked_rows(features, what);
  const torch::Tensor norms = x.norm(2, 1, true);  // [N, 1]
  return x / norms.clamp_min(1e-12);
}

}  // namespace simclr
