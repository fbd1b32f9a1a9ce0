#pragma once
// Negatives gathered across the ranks of a data-parallel run, so that every rank's NT-Xent
// sees the whole global batch: the loss of 2 x 4 ranks of batch 64 is the loss of one
// batch of 256, not of four batches of 64. c10d's all-gather is not differentiable; here
// its backward sums every rank's gradient of the gathered tensor and returns this rank's
// slice, so each rank's encoder gets the gradient of the global loss.
#include <torch/types.h>

#include "engine/distributed/process_group.h"

namespace simclr {

// x [n, ...] on every rank -> [W * n, ...] in rank order, differentiable.
torch::Tensor all_gather_with_grad(const torch::Tensor& x, ProcessGroup& group);

struct GatheredLoss {
  torch::Tensor loss;            // this rank's share: the ranks' shares sum to the global loss
  torch::Tensor z1_all, z2_all;  // [N, P] the global batch's projections (rank order)
};

// z1, z2 [n, P]: this rank's views. The global batch's NT-Xent counts each of the 2N rows
// once, on the rank that owns it: loss = Σ_{own rows} l(i) / (2N).
GatheredLoss gathered_nt_xent_loss(const torch::Tensor& z1, const torch::Tensor& z2, ProcessGroup& group,
                                   double temperature);

}  // namespace simclr
