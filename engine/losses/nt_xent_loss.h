#pragma once
// NT-Xent, the normalised temperature-scaled cross-entropy loss of SimCLR (Chen et al.
// 2020, eq. 1). For a batch of N images seen as two views, z1[k] and z2[k] (k < N) form a
// positive pair; the 2N views are stacked as z = [z1; z2], so the positive of view i is
// view i ± N and the other 2N − 2 views are its negatives:
//
//   l(i, j) = −log( exp(sim(z_i, z_j) / T) / Σ_{k ≠ i} exp(sim(z_i, z_k) / T) )
//   L       = 1/(2N) Σ_{i} l(i, pos(i))       sim = cosine similarity
//
// Computed as a cross-entropy over the rows of the [2N, 2N] similarity matrix divided by
// T, with the diagonal masked out (log-sum-exp form, stable for small T). Collapsed
// embeddings (all views equal) give exactly log(2N − 1); the minimum is 0 only as T → 0.
#include <string>

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include "engine/core/config_issue.h"

namespace simclr {

// z1, z2 [N, D] (need not be normalised; they are L2-normalised here) -> scalar loss.
// Float16/bfloat16 inputs are computed in float32; float64 stays float64.
// Throws ConfigError for a temperature that is not finite and > 0, for N < 1 or D < 1,
// and for z1, z2 that are not both [N, D] with the same N and D.
torch::Tensor nt_xent_loss(const torch::Tensor& z1, const torch::Tensor& z2, double temperature);

// Issues for a temperature setting, located at `path` (empty when valid).
ConfigIssues validate_temperature(double temperature, const std::string& path = "loss.temperature");

// The loss as a module holding a validated temperature: NTXentLoss loss(0.5); loss(z1, z2).
class NTXentLossImpl : public torch::nn::Module {
 public:
  // Throws ConfigError for a temperature that is not finite and > 0.
  explicit NTXentLossImpl(double temperature);
  // z1, z2 [N, D] -> scalar
  torch::Tensor forward(const torch::Tensor& z1, const torch::Tensor& z2);
  double temperature() const { return temperature_; }

 private:
  double temperature_;
};
TORCH_MODULE(NTXentLoss);

// How well each view finds its positive among the 2N − 1 other views by cosine similarity
// (the "contrastive accuracy" of the live monitor). No gradient; independent of T.
struct ContrastiveStats {
  double positive_top1 = 0;         // fraction of the 2N views whose nearest other view is its positive
  double mean_positive_rank = 0;    // mean rank of the positive, 1 = best, 2N − 1 = worst;
                                    // ties count against the positive (collapse ranks last)
  double mean_positive_cosine = 0;  // mean cosine similarity of positive pairs
  double mean_negative_cosine = 0;  // mean cosine similarity of negative pairs (0 when N = 1)
};

// z1, z2 [N, D]; same checks as nt_xent_loss.
ContrastiveStats contrastive_stats(const torch::Tensor& z1, const torch::Tensor& z2);

}  // namespace simclr
