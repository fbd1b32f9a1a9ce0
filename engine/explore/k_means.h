#pragma once
// k-means clustering (Lloyd's algorithm) with a seeded k-means++ start, for colouring a
// collection by cluster when it has no labels and for judging an encoder against labels
// when it has (see clustering_agreement.h). Squared Euclidean distance on the rows as
// given: pass L2-normalised embeddings to cluster by cosine geometry.
#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "engine/core/job.h"

namespace simclr {

struct KMeansOptions {
  int64_t k = 10;                // clusters, in [1, N]
  uint64_t seed = 0;             // the k-means++ draws (SeededDraws)
  int64_t max_iterations = 100;  // assignment steps at most
};

struct KMeansResult {
  std::vector<int64_t> assignments;  // [N], each in [0, k)
  torch::Tensor centroids;           // float [k, D] on the CPU: those the final assignment was made with
  std::vector<int64_t> sizes;        // [k] members per cluster
  std::vector<int64_t> initial;      // [k] the rows k-means++ chose as first centroids
  double inertia = 0;                // sum of squared distances to the assigned centroids
  int64_t iterations = 0;            // assignment steps done
  bool converged = false;            // the last step changed no assignment
  double seconds = 0;
};

// data: float [N, D] (any floating type, any device). k-means++: the first centroid is
// row SeededDraws(seed).index(N), each next one a row drawn with probability proportional
// to its squared distance to the nearest centroid so far (when every row coincides with a
// centroid, the smallest row not chosen yet). Lloyd iterations until no assignment
// changes or max_iterations; a cluster left empty is given the row farthest from its
// centroid. Ties go to the smaller cluster index. The same seed and data give the same
// result on a device. Throws ConfigError for k outside [1, N], max_iterations < 1 or a bad
// shape; DataError for non-finite data; CancelledError on `stop`. Progress: one step per
// iteration.
KMeansResult k_means(const torch::Tensor& data, const KMeansOptions& options, const JobCallbacks& callbacks = {},
                     const StopToken& stop = {});

}  // namespace simclr
