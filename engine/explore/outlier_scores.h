#pragma once
// Outliers / uniqueness: how far each image is from its k nearest neighbours in the
// embedding; a high score is an unusual image, a duplicate scores ~0.
//
// By default the features are first whitened: centred and put in the collection's own units
// (the inverse Cholesky factor of their covariance, shrunk a little toward its mean variance
// so that fewer images than dimensions still give one), and the score is the mean Euclidean
// distance to the k nearest others there. A direction along which the collection hardly
// varies then counts as much as one along which it varies a lot: an encoder's features of
// noise or a checkerboard among photos stand out along directions the photos leave alone, and
// plain cosine distance, dominated by the directions every image shares, ranked such planted
// images anywhere from 24th to 140th of 256 (tests/app/cli/test_unlabelled_folder). Without
// whitening the score is the mean cosine distance (1 - cosine similarity), in [0, 2].
#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "engine/core/job.h"

namespace simclr {

struct OutlierOptions {
  int64_t k = 10;  // neighbours per image, in [1, N - 1]
  bool whiten = true;  // false: cosine distances of the features as they are
  double shrinkage = 0.01;  // whitening: covariance * (1 - s) + s * its mean variance
  int64_t max_block_elements = int64_t{1} << 22;  // bounds one block of the similarity matrix
};

struct OutlierScores {
  int64_t k = 0;
  bool whitened = false;
  std::vector<double> score;           // [N]: mean distance to the k nearest others
  std::vector<double> nearest;         // [N]: distance to the nearest other image
  std::vector<int64_t> nearest_index;  // [N]: that image's row
  // All rows, most unusual first: descending score, the smaller row first among equal scores.
  std::vector<int64_t> ranking;
  double seconds = 0;
};

// What a score is with these options, for reports: "mean distance to the k nearest, ...".
std::string outlier_score_meaning(const OutlierOptions& options);

// features: float [N, D] (any floating type, any device). Throws ConfigError for k outside
// [1, N - 1] or a bad shape, DataError for non-finite features, CancelledError on `stop`.
OutlierScores outlier_scores(const torch::Tensor& features, const OutlierOptions& options = {},
                             const JobCallbacks& callbacks = {}, const StopToken& stop = {});

}  // namespace simclr
