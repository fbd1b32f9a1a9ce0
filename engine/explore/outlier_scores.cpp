#include "engine/explore/outlier_scores.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <tuple>
#include <numeric>
#include <string>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/eval/neighbour_search.h"
#include "engine/explore/normalised_rows.h"

namespace simclr {

namespace {

// x (float [N, D]) centred and whitened: rows of float [N, D] whose covariance is about the
// identity (exactly, without shrinkage and with a full-rank covariance).
torch::Tensor whitened(const torch::Tensor& x, double shrinkage) {
  const torch::Tensor values = x.to(torch::kDouble);
  const torch::Tensor centred = values - values.mean(0, /*keepdim=*/true);
  const int64_t n = x.size(0), dims = x.size(1);
  torch::Tensor cov = centred.t().mm(centred).div_(double(std::max<int64_t>(1, n - 1)));
  const double mean_variance = cov.trace().item<double>() / double(dims);
  cov.mul_(1.0 - shrinkage)
      .add_(torch::eye(dims, cov.options()).mul_(shrinkage * mean_variance + 1e-12 * (1.0 + mean_variance)));
  const torch::Tensor lower = torch::linalg_cholesky(cov);
  return torch::linalg_solve_triangular(lower, centred.t(), /*upper=*/false).t().to(torch::kFloat).contiguous();
}

// Each row's k nearest other rows by Euclidean distance, block by block: distances [N, k]
// (nearest first, float64) and their rows.
std::pair<torch::Tensor, torch::Tensor> euclidean_neighbours(const torch::Tensor& w, int64_t k,
                                                             int64_t max_block_elements, const JobCallbacks& callbacks,
                                                             const StopToken& stop) {
  const int64_t n = w.size(0);
  const int64_t rows = std::max<int64_t>(1, max_block_elements / std::max<int64_t>(1, n));
  const torch::Tensor squares = w.mul(w).sum(1);
  std::vector<torch::Tensor> distances, indices;
  ProgressClock clock("outliers", (n + rows - 1) / rows);
  for (int64_t begin = 0; begin < n; begin += rows) {
    stop.throw_if_stopped("outliers");
    const int64_t end = std::min(n, begin + rows);
    torch::Tensor d2 = w.slice(0, begin, end).mm(w.t()).mul_(-2.0);
    d2.add_(squares.slice(0, begin, end).unsqueeze(1)).add_(squares.unsqueeze(0)).clamp_min_(0.0);
    d2.narrow(1, begin, end - begin).diagonal().fill_(std::numeric_limits<float>::infinity());  // not itself
    auto [values, at] = d2.topk(k, 1, /*largest=*/false);
    distances.push_back(values.to(torch::kDouble).sqrt_().cpu());
    indices.push_back(at.cpu());
    callbacks.progress(clock.at(begin / rows + 1));
  }
  return {torch::cat(distances).contiguous(), torch::cat(indices).contiguous()};
}

}  // namespace

std::string outlier_score_meaning(const OutlierOptions& options) {
  return options.whiten ? "mean Euclidean distance to the k nearest other images, the features whitened (centred, "
                          "in units of the collection's own spread)"
                        : "mean cosine distance (1 - cosine similarity) to the k nearest other images";
}

OutlierScores outlier_scores(const torch::Tensor& features, const OutlierOptions& options,
                             const JobCallbacks& callbacks, const StopToken& stop) {
  const auto start = std::chrono::steady_clock::now();
  const torch::Tensor x = checked_rows(features, "outliers");
  const int64_t n = x.size(0);
  if (options.k < 1 || options.k > n - 1)
    throw ConfigError("outliers: k must be in [1, " + std::to_string(n - 1) + "] (the other images of " +
                      std::to_string(n) + "), got " + std::to_string(options.k));

  torch::Tensor distance, nearest_rows;  // [N, k], nearest first
  if (options.whiten) {
    if (!(options.shrinkage >= 0 && options.shrinkage <= 1))
      throw ConfigError("outliers: shrinkage must be in [0, 1], got " + std::to_string(options.shrinkage));
    std::tie(distance, nearest_rows) =
        euclidean_neighbours(whitened(x, options.shrinkage), options.k, options.max_block_elements, callbacks, stop);
  } else {
    const NeighbourIndex index(x);
    NeighbourSearchOptions search;
    search.max_block_elements = options.max_block_elements;
    search.stage = "outliers";
    const NeighbourTable table = index.search_self(options.k, true, search, callbacks, stop);
    // Distances in float64 from the float similarities.
    distance = (1.0 - table.similarities.to(torch::kDouble)).clamp(0.0, 2.0).contiguous();
    nearest_rows = table.indices;
  }
  const torch::Tensor mean = distance.mean(1).contiguous();
  const torch::Tensor first = distance.select(1, 0).contiguous();
  const torch::Tensor first_index = nearest_rows.select(1, 0).to(torch::kCPU, torch::kLong).contiguous();

  OutlierScores out;
  out.k = options.k;
  out.whitened = options.whiten;
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
