#include "engine/eval/knn_classifier.h"

#include <algorithm>

#include <torch/torch.h>

#include "engine/core/error.h"

namespace simclr {

std::vector<KnnAccuracy> knn_accuracy(const torch::Tensor& bank, const torch::Tensor& bank_labels,
                                      const torch::Tensor& queries, const torch::Tensor& query_labels,
                                      const KnnOptions& options) {
  if (bank.dim() != 2 || queries.dim() != 2 || bank.size(1) != queries.size(1))
    throw ConfigError("kNN: bank [M, D] and queries [N, D] must have the same feature size");
  if (bank.size(0) != bank_labels.size(0) || queries.size(0) != query_labels.size(0))
    throw ConfigError("kNN: each feature needs one label");
  if (options.ks.empty() || options.temperature <= 0) throw ConfigError("kNN: need k >= 1 and temperature > 0");
  torch::NoGradGuard no_grad;
  const auto device = bank.device();
  const auto bank_n =
      torch::nn::functional::normalize(bank.to(torch::kFloat), torch::nn::functional::NormalizeFuncOptions().dim(1));
  const auto bank_y = bank_labels.to(device, torch::kLong);
  const int64_t classes = options.num_classes > 0 ? options.num_classes : bank_labels.max().item<int64_t>() + 1;
  const int64_t k_max = std::min<int64_t>(*std::max_element(options.ks.begin(), options.ks.end()), bank.size(0));

  std::vector<int64_t> correct1(options.ks.size(), 0), correct5(options.ks.size(), 0);
  const int64_t n = queries.size(0);
  for (int64_t start = 0; start < n; start += options.query_chunk) {
    const int64_t end = std::min(n, start + options.query_chunk);
    auto q = torch::nn::functional::normalize(queries.slice(0, start, end).to(device, torch::kFloat),
                                              torch::nn::functional::NormalizeFuncOptions().dim(1));
    const auto y = query_labels.slice(0, start, end).to(device, torch::kLong);
    const auto sim = torch::mm(q, bank_n.t());    // [n, M]
    const auto top = sim.topk(k_max, /*dim=*/1);  // sorted, largest first
    const auto top_sim = std::get<0>(top);        // [n, k_max]
    const auto top_labels = bank_y.index_select(0, std::get<1>(top).reshape(-1)).view_as(top_sim);
    const auto weights = (top_sim / options.temperature).exp();
    for (size_t i = 0; i < options.ks.size(); ++i) {
      const int64_t k = std::min<int64_t>(options.ks[i], k_max);
      auto votes = torch::zeros({end - start, classes}, weights.options());
      votes.scatter_add_(1, top_labels.slice(1, 0, k), weights.slice(1, 0, k));  // [n, classes]
      const auto ranked = std::get<1>(votes.topk(std::min<int64_t>(5, classes), 1));
      const auto hits = ranked.eq(y.unsqueeze(1));
      correct1[i] += hits.select(1, 0).sum().item<int64_t>();
      correct5[i] += hits.any(1).sum().item<int64_t>();
    }
  }
  std::vector<KnnAccuracy> result;
  for (size_t i = 0; i < options.ks.size(); ++i)
    result.push_back({options.ks[i], n ? double(correct1[i]) / n : 0.0, n ? double(correct5[i]) / n : 0.0});
  return result;
}

}  // namespace simclr
