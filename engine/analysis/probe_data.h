#pragma once
// What every probe on frozen features shares: the labelled train/test matrices, their
// standardisation with training statistics, class-balanced seeded validation hold-outs and
// top-k accuracy.
#include <cstdint>
#include <string>

#include <torch/types.h>

namespace simclr {

struct ProbeData {
  torch::Tensor train_x;    // float [N, D] (any trailing shape is flattened by the probes)
  torch::Tensor train_y;    // int64 [N]
  torch::Tensor test_x;     // float [M, D]
  torch::Tensor test_y;     // int64 [M]
  int64_t num_classes = 0;  // 0 = 1 + the largest label seen

  // Throws ConfigError(`what` + problem) for empty or mismatched tensors.
  void check(const std::string& what) const;
  int64_t classes() const;    // num_classes, or inferred from the labels
  int64_t input_dim() const;  // D after flattening
};

// Per-feature standardisation fitted on training rows: (x - mean) / std, where a feature
// that never varies keeps std 1 (it stays constant instead of becoming NaN).
struct Standardizer {
  torch::Tensor mean;  // [D]
  torch::Tensor std;   // [D]

  static Standardizer fit(const torch::Tensor& x);    // x [N, D]
  torch::Tensor apply(const torch::Tensor& x) const;  // [M, D] -> [M, D]
};

// x [N, ...] -> float [N, prod(...)].
torch::Tensor flatten_rows(const torch::Tensor& x);

// A seeded class-balanced selection: from each class, round(fraction * its count) rows
// (at least one when the class has two or more), chosen uniformly. Returns sorted int64
// indices of the selected rows and of the rest.
std::pair<torch::Tensor, torch::Tensor> balanced_holdout(const torch::Tensor& labels, double fraction, uint64_t seed);

// Fraction of rows whose label is among the k highest logits [N, C] (k capped at C).
double top_k_accuracy(const torch::Tensor& logits, const torch::Tensor& labels, int64_t k);

}  // namespace simclr
