#pragma once
// A class-balanced subset of a split, as indices: for t-SNE layouts and projector exports
// of a few thousand points where every class should show, and for stating exactly which
// points were used (the indices go into the output's sidecar).
#include <cstdint>

#include <torch/types.h>

namespace simclr {

// labels: int64 [N] (any device), values >= 0, or all negative for an unlabelled split
// (then `total` evenly spaced points). Returns int64 [n] on the CPU, ascending:
// the first `total / C` points of each of the C classes present in split order, plus one
// more from each of the first `total % C` classes; a class with too few points gives all it
// has and the others are not topped up, so n <= total. total <= 0 or >= N: all N points.
torch::Tensor class_balanced_indices(const torch::Tensor& labels, int64_t total);

}  // namespace simclr
