#include "engine/eval/tsne_affinities.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/eval/tsne_parallel.h"

namespace simclr {

namespace {

constexpr const char* kStage = "t-SNE affinities";

// Rows per distance block: the [B, N] float block stays around 64 MB.
int64_t block_rows(int64_t n) {
  return std::clamp<int64_t>((int64_t{16} << 20) / std::max<int64_t>(n, 1), 1, n);
}

KnnGraph knn_blocks(const torch::Tensor& data, int64_t k, const JobCallbacks& callbacks, const StopToken& stop,
                    const ProgressClock& clock) {
  torch::NoGradGuard no_grad;
  const int64_t n = data.size(0);
  if (k < 1 || k >= n) throw ConfigError("t-SNE: the neighbour count must be in [1, N - 1], got " + std::to_string(k));
  const auto x = data.to(torch::kFloat).contiguous();  // [N, D]
  const auto xt = x.t().contiguous();                  // [D, N]
  const auto squared_norms = x.pow(2).sum(1);          // [N]
  KnnGraph graph;
  graph.n = n;
  graph.k = k;
  graph.index.resize(static_cast<size_t>(n * k));
  graph.distance2.resize(static_cast<size_t>(n * k));
  const int64_t rows = block_rows(n);
  const auto inf = std::numeric_limits<float>::infinity();
  for (int64_t start = 0, block = 0; start < n; start += rows, ++block) {
    stop.throw_if_stopped(kStage);
    const int64_t end = std::min(n, start + rows);
    // |a - b|^2 = |b|^2 - 2 a.b + |a|^2; the row's own |a|^2 does not change its ranking, so it
    // is added to the k winners only. One GEMM per block.
    auto d2 = torch::addmm(squared_norms.unsqueeze(0), x.slice(0, start, end), xt, 1.0, -2.0);  // [B, N]
    d2.diagonal(/*offset=*/start).fill_(inf);  // never its own neighbour
    auto top = d2.topk(k, /*dim=*/1, /*largest=*/false, /*sorted=*/true);
    const auto dist = (std::get<0>(top) + squared_norms.slice(0, start, end).unsqueeze(1))
                          .clamp_min(0)
                          .to(torch::kCPU, torch::kDouble)
                          .contiguous();                                           // [B, k]
    const auto idx = std::get<1>(top).to(torch::kCPU, torch::kLong).contiguous();  // [B, k]
    std::copy_n(dist.data_ptr<double>(), (end - start) * k, graph.distance2.begin() + start * k);
    std::copy_n(idx.data_ptr<int64_t>(), (end - start) * k, graph.index.begin() + start * k);
    callbacks.progress(clock.at(block + 1));
  }
  return graph;
}

// Conditional distribution of one point over its k neighbours with the given perplexity.
// Distances are shifted by the nearest one, which leaves the normalised distribution
// unchanged but keeps exp() from underflowing to an all-zero row for far-away points.
void calibrate_row(const double* distance2, int64_t k, double perplexity, double* p) {
  constexpr double kTolerance = 1e-5;
  constexpr int kMaxSteps = 200;  // bisection on a double: enough to reach any scale
  const double target = std::log(perplexity);
  const double nearest = distance2[0];  // sorted ascending
  double mean = 0;
  for (int64_t j = 0; j < k; ++j) mean += distance2[j] - nearest;
  mean /= static_cast<double>(k);
  double beta = mean > 0 ? 1.0 / mean : 1.0;
  double lo = 0, hi = std::numeric_limits<double>::infinity();
  for (int step = 0; step < kMaxSteps; ++step) {
    double sum = 0, weighted = 0;
    for (int64_t j = 0; j < k; ++j) {
      const double shifted = distance2[j] - nearest;
      p[j] = std::exp(-beta * shifted);
      sum += p[j];
      weighted += shifted * p[j];
    }
    const double entropy = std::log(sum) + beta * weighted / sum;  // nats; sum >= 1
    if (std::abs(entropy - target) < kTolerance) break;
    if (entropy > target) {  // too flat: narrower kernel
      lo = beta;
      const double next = std::isinf(hi) ? beta * 2 : (beta + hi) / 2;
      // An infinite beta would give exp(-inf * 0) = NaN for the nearest neighbour: stop at
      // the narrowest finite kernel instead (equidistant neighbours, perplexity out of reach).
      if (!std::isfinite(next)) break;
      beta = next;
    } else {
      hi = beta;
      beta = (beta + lo) / 2;
    }
  }
  double sum = 0;
  for (int64_t j = 0; j < k; ++j) sum += p[j];
  for (int64_t j = 0; j < k; ++j) p[j] /= sum;
}

}  // namespace

int64_t tsne_neighbour_count(int64_t n, double perplexity) {
  return std::min<int64_t>(n - 1, static_cast<int64_t>(std::floor(3.0 * perplexity + 1.0)));
}

KnnGraph exact_knn(const torch::Tensor& data, int64_t k, const JobCallbacks& callbacks, const StopToken& stop) {
  if (data.dim() != 2) throw ConfigError("t-SNE: data must be [N, D]");
  const int64_t n = data.size(0);
  const ProgressClock clock(kStage, (n + block_rows(n) - 1) / block_rows(n));
  return knn_blocks(data, k, callbacks, stop, clock);
}

std::vector<double> conditional_affinities(const KnnGraph& graph, double perplexity, int threads) {
  std::vector<double> p(graph.distance2.size());
  const int64_t k = graph.k;
  tsne_detail::parallel_chunks(graph.n, threads, 256, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) calibrate_row(&graph.distance2[i * k], k, perplexity, &p[i * k]);
  });
  return p;
}

TsneAffinities symmetrize_affinities(const KnnGraph& graph, const std::vector<double>& conditional) {
  const int64_t n = graph.n, k = graph.k;
  // Row i of P + P^T holds i's own neighbours and every point that has i as a neighbour.
  // Entries are gathered per row in a fixed order, sorted by column and merged.
  std::vector<int64_t> start(static_cast<size_t>(n + 1), 0);
  for (int64_t i = 0; i < n; ++i) {
    start[i + 1] += k;
    for (int64_t m = 0; m < k; ++m) start[graph.index[i * k + m] + 1] += 1;
  }
  std::partial_sum(start.begin(), start.end(), start.begin());
  std::vector<std::pair<int32_t, double>> entries(static_cast<size_t>(start[n]));
  std::vector<int64_t> fill(start.begin(), start.end() - 1);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t m = 0; m < k; ++m) {
      const int64_t j = graph.index[i * k + m];
      const double p = conditional[i * k + m];
      entries[fill[i]++] = {static_cast<int32_t>(j), p};
      entries[fill[j]++] = {static_cast<int32_t>(i), p};
    }
  }
  TsneAffinities result;
  result.n = n;
  result.row_start.assign(static_cast<size_t>(n + 1), 0);
  result.column.reserve(entries.size());
  result.value.reserve(entries.size());
  for (int64_t i = 0; i < n; ++i) {
    auto first = entries.begin() + start[i], last = entries.begin() + start[i + 1];
    std::sort(first, last, [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto it = first; it != last; ++it) {
      if (static_cast<int64_t>(result.column.size()) > result.row_start[i] && result.column.back() == it->first)
        result.value.back() += it->second;  // p_j|i + p_i|j: two terms, so the order cannot matter
      else {
        result.column.push_back(it->first);
        result.value.push_back(it->second);
      }
    }
    result.row_start[i + 1] = static_cast<int64_t>(result.column.size());
  }
  double total = 0;
  for (double v : result.value) total += v;
  for (double& v : result.value) v /= total;
  return result;
}

TsneAffinities tsne_affinities(const torch::Tensor& data, double perplexity, int threads, const JobCallbacks& callbacks,
                               const StopToken& stop) {
  if (data.dim() != 2) throw ConfigError("t-SNE: data must be [N, D]");
  const int64_t n = data.size(0);
  const int64_t blocks = (n + block_rows(n) - 1) / block_rows(n);
  const ProgressClock clock(kStage, blocks + 1);
  const KnnGraph graph = knn_blocks(data, tsne_neighbour_count(n, perplexity), callbacks, stop, clock);
  stop.throw_if_stopped(kStage);
  auto result = symmetrize_affinities(graph, conditional_affinities(graph, perplexity, threads));
  callbacks.progress(clock.at(blocks + 1));
  return result;
}

}  // namespace simclr
