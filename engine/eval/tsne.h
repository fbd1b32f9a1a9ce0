#pragma once
// t-SNE (van der Maaten & Hinton 2008) with Barnes-Hut repulsion (van der Maaten 2014), in
// the engine's job style so the GUI can run it in the background.
//
// Affinities: Gaussian kernels calibrated to the perplexity over each point's
// k = 3 * perplexity nearest neighbours, symmetrised. Optimisation: PCA initialisation
// scaled to standard deviation 1e-4, early exaggeration for the first iterations, momentum
// 0.5 then 0.8, per-parameter gains, learning rate N / early_exaggeration ("auto"), and
// Barnes-Hut (theta) repulsion on several threads; exact gradients for small N.
#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "engine/core/job.h"

namespace simclr {

struct TsneOptions {
  int64_t dimensions = 2;
  double perplexity = 30;
  int64_t iterations = 1000;  // in total, early exaggeration included
  int64_t exaggeration_iterations = 250;
  double early_exaggeration = 12;
  double learning_rate = 0;     // 0 = auto: max(N / early_exaggeration, 200)
                                //   (Belkina et al. 2019), equal to scikit-learn's
                                //   "auto" (max(N / ee / 4, 50)) whose gradient
                                //   carries an extra factor 4
  double theta = 0.5;           // Barnes-Hut accuracy; 0 = exact gradients
  int64_t exact_below = 500;    // N below this uses exact gradients: O(N^2) costs
                                //   less than 1 s there and has no BH error
  uint64_t seed = 0;            // PCA init's randomised SVD, ties; same seed = same layout
  int threads = 0;              // 0 = torch::get_num_threads()
  int64_t kl_every = 50;        // compute and report the KL divergence every n iterations
  torch::Tensor initial;        // [N, dimensions] start layout instead of PCA (e.g. the previous
                                //   frame of a timeline); undefined = PCA
  bool rescale_initial = true;  // shrink `initial` to the PCA start's spread (for a fresh
                                //   optimisation); false: continue from it as it is
};

struct TsneResult {
  torch::Tensor embedding;                             // float [N, dimensions] on the CPU
  double kl_divergence = 0;                            // at the end (without exaggeration)
  std::vector<std::pair<int64_t, double>> kl_history;  // (iteration, KL) every kl_every
  int64_t iterations_done = 0;
  double learning_rate = 0;  // the rate used ("auto" resolved)
  double seconds = 0;
};

// data: float [N, D] (any device; copied to the CPU). Progress stage "t-SNE" with
// iterations as steps (the affinity stage reports as "t-SNE affinities"); every kl_every
// iterations a Debug log line "t-SNE iteration <i>: KL divergence <kl>". Throws
// ConfigError for perplexity >= N or other bad options, CancelledError on stop.
TsneResult tsne(const torch::Tensor& data, const TsneOptions& options, const JobCallbacks& callbacks = {},
                const StopToken& stop = {});

}  // namespace simclr
