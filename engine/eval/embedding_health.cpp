#include "engine/eval/embedding_health.h"

#include <cmath>

#include <torch/torch.h>

namespace simclr {

namespace {
torch::Tensor unit_rows(const torch::Tensor& z) {
  return torch::nn::functional::normalize(z.to(torch::kDouble), torch::nn::functional::NormalizeFuncOptions().dim(1));
}
}  // namespace

double alignment(const torch::Tensor& z1, const torch::Tensor& z2) {
  torch::NoGradGuard no_grad;
  return (unit_rows(z1) - unit_rows(z2)).pow(2).sum(1).mean().item<double>();
}

double uniformity(const torch::Tensor& z) {
  torch::NoGradGuard no_grad;
  const auto u = unit_rows(z);
  const int64_t n = u.size(0);
  if (n < 2) return 0.0;
  // ||a - b||^2 = 2 - 2 a.b for unit vectors; exclude the diagonal.
  const auto sq = (2.0 - 2.0 * torch::mm(u, u.t())).clamp_min(0);
  const auto off_diagonal = ~torch::eye(n, torch::TensorOptions().dtype(torch::kBool).device(u.device()));
  return torch::log(torch::exp(-2.0 * sq.masked_select(off_diagonal)).mean()).item<double>();
}

double normalized_std(const torch::Tensor& z) {
  torch::NoGradGuard no_grad;
  return unit_rows(z).std(0).mean().item<double>();
}

double effective_rank(const torch::Tensor& h) {
  torch::NoGradGuard no_grad;
  const auto x = h.to(torch::kDouble);
  const auto centred = x - x.mean(0, /*keepdim=*/true);
  const auto s = at::linalg_svdvals(centred);
  const double total = s.sum().item<double>();
  if (total <= 0) return 1.0;
  const auto p = s / total;
  const auto entropy = -(p * torch::log(p.clamp_min(1e-300))).sum();
  return std::exp(entropy.item<double>());
}

}  // namespace simclr
