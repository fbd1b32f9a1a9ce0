#pragma once
// Weighted k-nearest-neighbour classification on L2-normalised features, as used to
// monitor contrastive training (Wu et al. 2018): neighbours by cosine similarity, each
// voting for its label with weight exp(similarity / temperature).
#include <cstdint>
#include <vector>

#include <torch/types.h>

namespace simclr {

struct KnnAccuracy {
  int64_t k = 0;
  double top1 = 0;  // fraction in [0, 1]
  double top5 = 0;
};

struct KnnOptions {
  std::vector<int64_t> ks{200};
  double temperature = 0.1;
  int64_t num_classes = 0;     // 0 = 1 + the largest label in the bank
  int64_t query_chunk = 1024;  // queries per similarity block, bounds memory
};

// bank: [M, D] features with bank_labels [M]; queries: [N, D] with labels [N]. Features are
// normalised here. Runs on the device of `bank`. One result per k, in options.ks order.
std::vector<KnnAccuracy> knn_accuracy(const torch::Tensor& bank, const torch::Tensor& bank_labels,
                                      const torch::Tensor& queries, const torch::Tensor& query_labels,
                                      const KnnOptions& options);

}  // namespace simclr
