#pragma once
// A diverse subset: k-center greedy (coreset) selection. Starting from one seeded image,
// each pick is the image farthest from everything chosen so far (cosine distance of the
// L2-normalised embeddings), so N picks cover the embedding space with a radius within a
// factor 2 of the best possible. The radius after each pick (the largest distance of any
// image to its nearest chosen one) shows how well the subset covers the collection.
#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "engine/core/job.h"

namespace simclr {

struct KCenterOptions {
  int64_t count = 100;  // images to choose, in [1, N]
  uint64_t seed = 0;    // picks the first image (k_center_first_index) when first < 0
  int64_t first = -1;   // the first image's row, or -1 to draw it from the seed
};

struct KCenterSelection {
  std::vector<int64_t> indices;  // rows in the order they were chosen
  // After each pick: max over all images of the cosine distance to the nearest chosen
  // image (non-increasing; 0 once every distinct image is chosen).
  std::vector<double> radius;
  double seconds = 0;
};

// The first pick for a seed among n images: SeededDraws(seed).index(n).
int64_t k_center_first_index(uint64_t seed, int64_t n);

// features: float [N, D] (any floating type, any device). The farthest image is the one
// with the largest distance, the smallest row among equal distances; images already chosen
// are never chosen again (duplicates come last). Throws ConfigError for count outside
// [1, N], first outside [-1, N), a bad shape; DataError for non-finite features;
// CancelledError on `stop`. Progress: one step per pick.
KCenterSelection k_center_greedy(const torch::Tensor& features, const KCenterOptions& options,
                                 const JobCallbacks& callbacks = {}, const StopToken& stop = {});

}  // namespace simclr
