#pragma once
// Health of a representation during contrastive training. Collapse (every image mapped to
// the same point) shows in all of these long before it shows in the loss.
#include <torch/types.h>

namespace simclr {

// Wang & Isola (2020) alignment: mean ||f(x) - f(x+)||^2 over positive pairs of
// L2-normalised embeddings [N, D]. 0 = views map to the same point; at most 4.
double alignment(const torch::Tensor& z1, const torch::Tensor& z2);

// Wang & Isola uniformity: log of the mean over pairs i != j of exp(-2 ||zi - zj||^2) for
// L2-normalised z [N, D]. Lower is more uniform; 0 means collapsed.
double uniformity(const torch::Tensor& z);

// Mean over dimensions of the standard deviation of L2-normalised z [N, D]. About
// 1/sqrt(D) for a spread-out embedding; falls toward 0 as it collapses.
double normalized_std(const torch::Tensor& z);

// Effective rank (Roy & Vetterli 2007) of centred features h [N, D]: exp of the entropy
// of the normalised singular values. Between 1 and min(N, D).
double effective_rank(const torch::Tensor& h);

}  // namespace simclr
