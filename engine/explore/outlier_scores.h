#pragma once
// Outliers / uniqueness: how far each image is from its k nearest neighbours in the
// embedding. The score of an image is the mean cosine distance (1 - cosine similarity) to
// its k nearest other images; a high score is an unusual image, a duplicate scores ~0.
#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "engine/core/job.h"

namespace simclr {

struct OutlierOptions {
  int64_t k = 10;  // neighbours per image, in [1, N - 1]
  int64_t max_block_elements = int64_t{1} << 22;  // bounds one block of the similarity matrix
};

struct OutlierScores {
  int64_t k = 0;
  std::vector<double> score;           // [N]: mean cosine distance to the k nearest others, in [0, 2]
  std::vector<double> nearest;         // [N]: cosine distance to the nearest other image
  std::vector<int64_t> nearest_index;  // [N]: that image's row
  // All rows, most unusual first: descending score, the smaller row first among equal scores.
  std::vector<int64_t> ranking;
  double seconds = 0;
};

// features: float [N, D] (any floating type, any device). Throws ConfigError for k outside
// [1, N - 1] or a bad shape, DataError for non-finite features, CancelledError on `stop`.
OutlierScores outlier_scores(const torch::Tensor& features, const OutlierOptions& options = {},
                             const JobCallbacks& callbacks = {}, const StopToken& stop = {});

}  // namespace simclr
