#include "engine/eval/set_neighbours.h"

#include <algorithm>
#include <limits>
#include <string>

#include <torch/torch.h>

#include "engine/core/error.h"

namespace simclr {

namespace {

constexpr int64_t kBlockRows = 1024;

}  // namespace

SetNeighbours neighbours_within_set(const torch::Tensor& features, int64_t k) {
  if (!features.defined() || features.dim() != 2) throw ConfigError("set neighbours: features must be [N, D]");
  const int64_t n = features.size(0);
  if (k < 1 || k >= n)
    throw ConfigError("set neighbours: k must be in [1, N - 1] (N = " + std::to_string(n) + "), got " +
                      std::to_string(k));
  torch::NoGradGuard no_grad;
  const auto normalised = torch::nn::functional::normalize(features.to(torch::kFloat),
                                                           torch::nn::functional::NormalizeFuncOptions().dim(1));
  std::vector<torch::Tensor> indices, similarities;
  for (int64_t start = 0; start < n; start += kBlockRows) {
    const int64_t end = std::min(n, start + kBlockRows);
    auto sim = normalised.slice(0, start, end).mm(normalised.t()).to(torch::kDouble);  // [b, N]
    const auto rows = torch::arange(start, end, torch::TensorOptions().dtype(torch::kLong).device(sim.device()));
    sim.index_put_({torch::arange(end - start, rows.options()), rows}, -std::numeric_limits<double>::infinity());
    // Exact ties go to the smaller index: a penalty per index far below float32's resolution.
    const auto key = sim - torch::arange(n, sim.options()) * 1e-12;
    const auto top = key.topk(k, /*dim=*/1);
    const auto idx = std::get<1>(top);
    indices.push_back(idx.to(torch::kCPU));
    similarities.push_back(sim.gather(1, idx).to(torch::kCPU, torch::kFloat));
  }
  return {torch::cat(indices), torch::cat(similarities)};
}

torch::Tensor neighbour_stability(const torch::Tensor& previous, const torch::Tensor& current) {
  if (!previous.defined() || !current.defined() || previous.dim() != 2 || !previous.sizes().equals(current.sizes()))
    throw ConfigError("neighbour stability: the two neighbour tables must be [N, k] of the same shape");
  torch::NoGradGuard no_grad;
  const auto a = previous.to(torch::kCPU, torch::kLong);
  const auto b = current.to(torch::kCPU, torch::kLong);
  // [N, k, 1] == [N, 1, k]: is current neighbour j among the previous ones?
  const auto kept = b.unsqueeze(2).eq(a.unsqueeze(1)).any(2);  // [N, k]
  return kept.to(torch::kFloat).mean(1);
}

double leave_one_out_knn_top1(const SetNeighbours& neighbours, const torch::Tensor& labels, int64_t k,
                              double temperature) {
  if (!neighbours.indices.defined() || labels.dim() != 1 || labels.size(0) != neighbours.indices.size(0))
    throw ConfigError("leave-one-out kNN: one label per point is needed");
  if (k < 1 || k > neighbours.indices.size(1) || !(temperature > 0))
    throw ConfigError("leave-one-out kNN: need 1 <= k <= the neighbours computed and temperature > 0");
  const int64_t n = labels.size(0);
  if (n == 0) return 0;
  torch::NoGradGuard no_grad;
  const auto y = labels.to(torch::kCPU, torch::kLong);
  const int64_t classes = y.max().item<int64_t>() + 1;
  const auto neighbour_labels = y.index_select(0, neighbours.indices.slice(1, 0, k).reshape(-1)).view({n, k});
  const auto weights = (neighbours.similarities.slice(1, 0, k).to(torch::kDouble) / temperature).exp();
  auto votes = torch::zeros({n, classes}, weights.options());
  votes.scatter_add_(1, neighbour_labels, weights);
  return votes.argmax(1).eq(y).to(torch::kDouble).mean().item<double>();
}

}  // namespace simclr
