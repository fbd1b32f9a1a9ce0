#pragma once
// Nearest neighbours of each point among the other points of the same set (cosine
// similarity, the point itself excluded), and what the embedding timeline derives from them
// frame by frame: how many of its neighbours a point keeps from one checkpoint to the next
// (neighbour stability) and a leave-one-out kNN accuracy that needs no separate bank.
#include <cstdint>

#include <torch/types.h>

namespace simclr {

struct SetNeighbours {
  torch::Tensor indices;       // int64 [N, k], most similar first, never the row itself
  torch::Tensor similarities;  // float [N, k], descending along each row
};

// features: float [N, D] (any device), N > k >= 1. Ties go to the smaller index. Rows are
// processed in blocks so memory stays O(block x N). Throws ConfigError for bad shapes.
SetNeighbours neighbours_within_set(const torch::Tensor& features, int64_t k);

// Per point, the fraction of its neighbours in `current` that were also among its
// neighbours in `previous` (both int64 [N, k] over the same points): float [N] in [0, 1].
// 1 everywhere when the two tables are equal.
torch::Tensor neighbour_stability(const torch::Tensor& previous, const torch::Tensor& current);

// Weighted kNN (votes exp(similarity / temperature), as the training monitor uses) of each
// point from its neighbours in the same set: the fraction whose vote is their own label.
// labels: int64 [N]; uses the first k columns of `neighbours`.
double leave_one_out_knn_top1(const SetNeighbours& neighbours, const torch::Tensor& labels, int64_t k,
                              double temperature = 0.1);

}  // namespace simclr
