#pragma once
// The t-SNE objective for the optimiser: gradient and KL divergence of a layout, with the
// repulsion either exact (all pairs) or by Barnes-Hut (2-D only).
//
// Conventions: w_ij = 1 / (1 + |y_i - y_j|^2), Z = sum_{i != j} w_ij, q_ij = w_ij / Z. The
// gradient is returned WITHOUT the usual factor 4:
//   g_i = exaggeration * sum_j p_ij w_ij (y_i - y_j) - sum_j w_ij^2 (y_i - y_j) / Z
// (as in openTSNE and FIt-SNE), which is why the "auto" learning rate is N / 12 here and
// N / 48 in scikit-learn. KL(P || Q) = sum p_ij log p_ij + sum p_ij log(1 + d_ij^2) + log Z
// over the non-zero p_ij, with the true (not exaggerated) P.
#include <cstdint>
#include <vector>

#include "engine/eval/barnes_hut_tree.h"
#include "engine/eval/tsne_affinities.h"

namespace simclr {

class TsneObjective {
 public:
  // theta > 0 uses Barnes-Hut (dimensions must be 2); theta == 0 sums all pairs exactly.
  TsneObjective(const TsneAffinities& p, int64_t dimensions, double theta, int threads);

  // y: [N, dims] row-major; grad: [N, dims]. Returns KL(P || Q) when with_kl (Z from the
  // same approximation as the forces), NaN otherwise.
  double gradient(const double* y, double exaggeration, bool with_kl, double* grad);

  // KL(P || Q) of a layout (one gradient evaluation's work).
  double kl_divergence(const double* y);

  bool barnes_hut() const { return theta_ > 0; }

 private:
  // sum_j p_ij w_ij (y_i - y_j) into out; returns sum p_ij log(1 + d_ij^2) when with_kl.
  double attraction(const double* y, bool with_kl, double* out);
  // sum_{j != i} w_ij^2 (y_i - y_j) into out; returns Z.
  double repulsion(const double* y, double* out);

  const TsneAffinities& p_;
  int64_t n_, dims_;
  double theta_;
  int threads_;
  double p_log_p_ = 0;  // sum p_ij log p_ij, fixed
  BarnesHutTree tree_;
  std::vector<double> attract_, repulse_, row_terms_, z_rows_;
};

}  // namespace simclr
