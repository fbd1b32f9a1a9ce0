#pragma once
// Principal component analysis through LibTorch's linear algebra: the data are centred,
// then decomposed by a full SVD or, for a few components of a large matrix, a randomised
// SVD (Halko, Martinsson & Tropp 2011). Used for the paper's PCA-reduced embeddings, for
// t-SNE's initialisation and for the GUI's 2-D PCA scatter.
#include <cstdint>

#include <torch/types.h>

namespace simclr {

enum class PcaSolver { Auto, Full, Randomized };

struct PcaOptions {
  int64_t components = 2;
  PcaSolver solver = PcaSolver::Auto;  // Auto: randomised when components < min(N, D) / 4
  int64_t oversampling = 10;           // randomised solver: extra random directions
  int64_t power_iterations = 4;        // randomised solver: subspace iterations
  uint64_t seed = 0;                   // randomised solver: its random projection
};

struct PcaResult {
  torch::Tensor mean;                      // [D]
  torch::Tensor components;                // [K, D], orthonormal rows, sign fixed (largest |entry| > 0)
  torch::Tensor explained_variance;        // [K], variance along each component (divided by N - 1)
  torch::Tensor explained_variance_ratio;  // [K], share of the total variance
  torch::Tensor projected;                 // [N, K], the centred data in component coordinates

  // New data [M, D] into the same coordinates [M, K].
  torch::Tensor transform(const torch::Tensor& data) const;
};

// data: float [N, D] (any device). Throws ConfigError when components is not in
// [1, min(N, D)].
PcaResult pca(const torch::Tensor& data, const PcaOptions& options);

}  // namespace simclr
