#include "engine/eval/balanced_sample.h"

#include <map>
#include <vector>

#include <torch/torch.h>

#include "engine/core/error.h"

namespace simclr {

torch::Tensor class_balanced_indices(const torch::Tensor& labels, int64_t total) {
  if (!labels.defined() || labels.dim() != 1) throw ConfigError("balanced sample: labels must be [N]");
  const torch::Tensor y = labels.to(torch::kCPU, torch::kLong).contiguous();
  const int64_t n = y.size(0);
  if (total <= 0 || total >= n) return torch::arange(n, torch::kLong);
  // An unlabelled split: evenly spaced, so a folder sorted by date is sampled across it.
  if (y.lt(0).all().item<bool>()) return torch::linspace(0, double(n - 1), total).round().to(torch::kLong);
  const int64_t* p = y.data_ptr<int64_t>();
  std::map<int64_t, int64_t> quota;  // ordered: the remainder goes to the smallest labels
  for (int64_t i = 0; i < n; ++i) {
    if (p[i] < 0) throw ConfigError("balanced sample: negative label at index " + std::to_string(i));
    quota[p[i]] = 0;
  }
  const auto classes = static_cast<int64_t>(quota.size());
  int64_t c = 0;
  for (auto& [label, q] : quota) q = total / classes + (c++ < total % classes ? 1 : 0);
  std::vector<int64_t> picked;
  picked.reserve(static_cast<size_t>(total));
  for (int64_t i = 0; i < n; ++i) {
    int64_t& q = quota[p[i]];
    if (q > 0) {
      --q;
      picked.push_back(i);
    }
  }
  return torch::tensor(picked, torch::kLong);
}

}  // namespace simclr
