#include "engine/explore/outlier_scores.h"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <string>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/eval/neighbour_search.h"
#include "engine/explore/normalised_rows.h"

namespace simclr {

OutlierScores outlier_scores(const torch::Tensor& features, const OutlierOptions& options,
                             const JobCallbacks& callbacks, const StopToken& stop) {
  const auto start = std::chrono::steady_clock::now();
  const torch::Tensor x = checked_rows(features, "outliers");
  const int64_t n = x.size(0);
  if (options.k < 1 || options.k > n - 1)
    throw ConfigError("outliers: k must be in [1, " + std::to_string(n - 1) + "] (the other images of " +
                      std::to_string(n) + "), got " + std::to_string(options.k));

  const NeighbourIndex index(x);
  NeighbourSearchOptions search;
  search.max_block_elements = options.max_block_elements;
  search.stage = "outliers";
  const NeighbourTable table = index.search_self(options.k, true, search, callbacks, stop);
  // Distances in float64 from the float similarities: [N, k], nearest first.
  const torch::Tensor distance = (1.0 - table.similarities.to(torch::kDouble)).clamp(0.0, 2.0).contiguous();
  const torch::Tensor mean = distance.mean(1).contiguous();
  const torch::Tensor first = distance.select(1, 0).contiguous();
  const torch::Tensor first_index = table.indices.select(1, 0).contiguous();

  OutlierScores out;
  out.k = options.k;
  out.score.assign(mean.data_ptr<double>(), mean.data_ptr<double>() + n);
  out.nearest.assign(first.data_ptr<double>(), first.data_ptr<double>() + n);
  out.nearest_index.assign(first_index.data_ptr<int64_t>(), first_index.data_ptr<int64_t>() + n);
  out.ranking.resize(static_cast<size_t>(n));
  std::iota(out.ranking.begin(), out.ranking.end(), int64_t{0});
  std::stable_sort(out.ranking.begin(), out.ranking.end(), [&out](int64_t a, int64_t b) {
    return out.score[static_cast<size_t>(a)] > out.score[static_cast<size_t>(b)];
  });
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace simclr
