#include "engine/eval/pca.h"

#include <algorithm>
#include <string>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/core/seeding.h"

namespace simclr {

namespace {

// Orthonormal basis of the columns of a [M, L] (reduced QR).
torch::Tensor orthonormal_columns(const torch::Tensor& a) {
  return std::get<0>(at::linalg_qr(a, "reduced"));
}

// Top `k` right singular vectors [k, D] and singular values [k] of the centred data x [N, D]
// by a randomised range finder with subspace iterations (Halko et al. 2011, algorithms 4.4
// and 5.1). Re-orthonormalising after every product keeps the small singular directions
// from drowning in rounding error.
std::pair<torch::Tensor, torch::Tensor> randomized_svd(const torch::Tensor& x, int64_t k, const PcaOptions& options) {
  const int64_t width = std::min(k + std::max<int64_t>(options.oversampling, 0), std::min(x.size(0), x.size(1)));
  // The random test matrix is drawn on the CPU from the seeded generator, so a seed gives the
  // same components on every device.
  auto generator = make_generator(derive_seed(options.seed, {0x70CA}));
  const auto omega =
      at::randn({x.size(1), width}, generator, torch::TensorOptions().dtype(torch::kDouble)).to(x.device());  // [D, L]
  auto q = orthonormal_columns(x.mm(omega));                                                                  // [N, L]
  for (int64_t i = 0; i < options.power_iterations; ++i) {
    const auto z = orthonormal_columns(x.t().mm(q));  // [D, L]
    q = orthonormal_columns(x.mm(z));                 // [N, L]
  }
  const auto b = q.t().mm(x);  // [L, D]
  const auto svd = at::linalg_svd(b, /*full_matrices=*/false);
  return {std::get<2>(svd).slice(0, 0, k), std::get<1>(svd).slice(0, 0, k)};
}

bool use_randomized(const PcaOptions& options, int64_t n, int64_t d) {
  switch (options.solver) {
    case PcaSolver::Full:
      return false;
    case PcaSolver::Randomized:
      return true;
    case PcaSolver::Auto:
      break;
  }
  return options.components < std::min(n, d) / 4;
}

}  // namespace

torch::Tensor PcaResult::transform(const torch::Tensor& data) const {
  if (data.dim() != 2 || data.size(1) != mean.size(0))
    throw ConfigError("PCA transform: data must be [M, " + std::to_string(mean.size(0)) + "]");
  torch::NoGradGuard no_grad;
  const auto x = data.to(mean.device(), torch::kDouble) - mean.to(torch::kDouble);
  return x.mm(components.to(torch::kDouble).t()).to(components.scalar_type());  // [M, K]
}

PcaResult pca(const torch::Tensor& data, const PcaOptions& options) {
  if (data.dim() != 2 || data.size(0) < 1 || data.size(1) < 1)
    throw ConfigError("PCA: data must be a non-empty [N, D] matrix");
  if (!data.is_floating_point()) throw ConfigError("PCA: data must be floating point");
  const int64_t n = data.size(0), d = data.size(1);
  const int64_t max_components = std::min(n, d);
  if (options.components < 1 || options.components > max_components)
    throw ConfigError("PCA: components must be in [1, " + std::to_string(max_components) + "] for [" +
                      std::to_string(n) + ", " + std::to_string(d) + "] data, got " +
                      std::to_string(options.components));
  if (options.oversampling < 0 || options.power_iterations < 0)
    throw ConfigError("PCA: oversampling and power_iterations must be >= 0");
  torch::NoGradGuard no_grad;
  // Double precision throughout: the small components and the variance ratios of float
  // features lose digits quickly in float; results come back in the input's dtype.
  const auto out_type = data.scalar_type();
  const auto x64 = data.to(torch::kDouble);
  const auto mean = x64.mean(0);    // [D]
  const auto centred = x64 - mean;  // [N, D]
  const int64_t k = options.components;

  torch::Tensor components, singular;  // [K, D], [K]
  if (use_randomized(options, n, d)) {
    std::tie(components, singular) = randomized_svd(centred, k, options);
  } else {
    const auto svd = at::linalg_svd(centred, /*full_matrices=*/false);
    components = std::get<2>(svd).slice(0, 0, k);
    singular = std::get<1>(svd).slice(0, 0, k);
  }
  // Deterministic signs: the entry of largest magnitude in each component is positive.
  const auto largest = components.abs().argmax(1, /*keepdim=*/true);                  // [K, 1]
  const auto signs = components.gather(1, largest).ge(0).to(torch::kDouble) * 2 - 1;  // [K, 1], +-1
  components = components * signs;

  const double dof = static_cast<double>(std::max<int64_t>(n - 1, 1));
  const auto variance = singular.pow(2) / dof;                     // [K]
  const double total = centred.pow(2).sum().item<double>() / dof;  // trace of the covariance

  PcaResult result;
  result.mean = mean.to(out_type);
  result.components = components.to(out_type).contiguous();
  result.explained_variance = variance.to(out_type);
  result.explained_variance_ratio = (total > 0 ? variance / total : torch::zeros_like(variance)).to(out_type);
  result.projected = centred.mm(components.t()).to(out_type);  // [N, K]
  return result;
}

}  // namespace simclr
