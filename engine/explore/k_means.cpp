#include "engine/explore/k_means.h"

#include <chrono>
#include <string>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/explore/normalised_rows.h"
#include "engine/explore/seeded_draws.h"

namespace simclr {

namespace {

// Squared distances of every row to one point: [N].
torch::Tensor squared_distance(const torch::Tensor& x, const torch::Tensor& point) {
  return (x - point.unsqueeze(0)).pow(2).sum(1);
}

// k-means++ seeding: the chosen rows.
std::vector<int64_t> plus_plus_rows(const torch::Tensor& x, int64_t k, uint64_t seed, const StopToken& stop) {
  const int64_t n = x.size(0);
  SeededDraws draws(seed);
  std::vector<int64_t> rows{draws.index(n)};
  std::vector<bool> taken(static_cast<size_t>(n), false);
  taken[static_cast<size_t>(rows[0])] = true;
  torch::Tensor nearest = squared_distance(x, x[rows[0]]);  // [N]
  while (static_cast<int64_t>(rows.size()) < k) {
    stop.throw_if_stopped("k-means");
    const torch::Tensor d = nearest.to(torch::kCPU, torch::kDouble).contiguous();
    const double* p = d.data_ptr<double>();
    double total = 0;
    for (int64_t i = 0; i < n; ++i) total += p[i];
    int64_t next = -1;
    if (total > 0) {
      const double target = draws.uniform() * total;
      double cumulative = 0;
      for (int64_t i = 0; i < n && next < 0; ++i) {
        cumulative += p[i];
        if (p[i] > 0 && cumulative > target) next = i;
      }
      // Rounding at the very end of the sum: the last row with any weight.
      for (int64_t i = n - 1; next < 0 && i >= 0; --i)
        if (p[i] > 0) next = i;
    }
    for (int64_t i = 0; next < 0 && i < n; ++i)
      if (!taken[static_cast<size_t>(i)]) next = i;
    rows.push_back(next);
    taken[static_cast<size_t>(next)] = true;
    nearest = torch::minimum(nearest, squared_distance(x, x[next]));
  }
  return rows;
}

struct Assignment {
  torch::Tensor cluster;   // int64 [N]
  torch::Tensor distance;  // float [N], squared distance to it
};

Assignment assign(const torch::Tensor& x, const torch::Tensor& x_sq, const torch::Tensor& centroids) {
  const torch::Tensor c_sq = centroids.pow(2).sum(1);                                       // [k]
  const torch::Tensor d = (x_sq.unsqueeze(1) - 2 * x.mm(centroids.t()) + c_sq.unsqueeze(0)).clamp_min(0);  // [N, k]
  auto [distance, cluster] = d.min(1);
  return {cluster, distance};
}

// Means of the clusters (one-hot product: deterministic on every device); an empty cluster
// takes the row farthest from its centroid, each row at most once.
torch::Tensor update(const torch::Tensor& x, const Assignment& a, int64_t k) {
  const torch::Tensor onehot =
      torch::zeros({x.size(0), k}, x.options()).scatter_(1, a.cluster.unsqueeze(1), 1.0);  // [N, k]
  const torch::Tensor counts = onehot.sum(0);                                                       // [k]
  torch::Tensor centroids = onehot.t().mm(x) / counts.clamp_min(1).unsqueeze(1);                    // [k, D]
  const torch::Tensor empty = counts.eq(0).to(torch::kCPU);
  if (!empty.any().item<bool>()) return centroids;
  torch::Tensor far = a.distance.clone();
  for (int64_t c = 0; c < k; ++c) {
    if (!empty[c].item<bool>()) continue;
    const torch::Tensor top = far.max();
    const int64_t row = far.eq(top).nonzero().select(1, 0)[0].item<int64_t>();
    centroids[c] = x[row];
    far[row] = -1;
  }
  return centroids;
}

}  // namespace

KMeansResult k_means(const torch::Tensor& data, const KMeansOptions& options, const JobCallbacks& callbacks,
                     const StopToken& stop) {
  const auto start = std::chrono::steady_clock::now();
  const torch::Tensor x = checked_rows(data, "k-means");  // float [N, D]
  const int64_t n = x.size(0), k = options.k;
  if (k < 1 || k > n)
    throw ConfigError("k-means: k must be in [1, " + std::to_string(n) + "] (the number of images), got " +
                      std::to_string(k));
  if (options.max_iterations < 1)
    throw ConfigError("k-means: max_iterations must be >= 1, got " + std::to_string(options.max_iterations));

  KMeansResult out;
  out.initial = plus_plus_rows(x, k, options.seed, stop);
  torch::Tensor centroids =
      x.index_select(0, torch::tensor(out.initial, torch::kLong).to(x.device())).clone();  // [k, D]
  const torch::Tensor x_sq = x.pow(2).sum(1);                                              // [N]
  torch::Tensor previous;
  Assignment a;
  ProgressClock clock("k-means", options.max_iterations);
  for (int64_t it = 1; it <= options.max_iterations; ++it) {
    stop.throw_if_stopped("k-means");
    a = assign(x, x_sq, centroids);
    out.iterations = it;
    const int64_t changed = previous.defined() ? a.cluster.ne(previous).sum().item<int64_t>() : n;
    callbacks.log(LogLevel::Debug, "k-means iteration " + std::to_string(it) + ": " + std::to_string(changed) +
                                       " assignments changed");
    callbacks.progress(clock.at(it));
    if (changed == 0) {
      out.converged = true;
      break;
    }
    previous = a.cluster;
    if (it < options.max_iterations) centroids = update(x, a, k);
  }
  const torch::Tensor cluster = a.cluster.to(torch::kCPU).contiguous();
  out.assignments.assign(cluster.data_ptr<int64_t>(), cluster.data_ptr<int64_t>() + n);
  out.sizes.assign(static_cast<size_t>(k), 0);
  for (const int64_t c : out.assignments) ++out.sizes[static_cast<size_t>(c)];
  out.inertia = a.distance.to(torch::kDouble).sum().item<double>();
  out.centroids = centroids.to(torch::kCPU);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace simclr
