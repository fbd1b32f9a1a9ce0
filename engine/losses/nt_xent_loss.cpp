#include "engine/losses/nt_xent_loss.h"

#include <cmath>
#include <limits>
#include <sstream>

#include <torch/nn/functional/loss.h>
#include <torch/nn/functional/normalization.h>

#include "engine/core/error.h"

namespace simclr {
namespace {

namespace F = torch::nn::functional;

std::string shape_of(const torch::Tensor& t) {
  if (!t.defined()) return "an undefined tensor";
  std::ostringstream s;
  s << t.sizes();
  return s.str();
}

void check_pair(const torch::Tensor& z1, const torch::Tensor& z2, const char* who) {
  const bool ok = z1.defined() && z2.defined() && z1.dim() == 2 && z2.dim() == 2 && z1.sizes() == z2.sizes() &&
                  z1.size(0) >= 1 && z1.size(1) >= 1;
  if (!ok)
    throw ConfigError(std::string(who) + ": the two views must both be [N, D] with N >= 1 and D >= 1, got z1 " +
                      shape_of(z1) + " and z2 " + shape_of(z2));
}

void check_temperature(double temperature) {
  const ConfigIssues issues = validate_temperature(temperature);
  if (!issues.empty()) throw ConfigError(join_issues(issues));
}

// [z1; z2] -> [2N, D], L2-normalised rows, in float32 unless the input is float64.
torch::Tensor stacked_unit_rows(const torch::Tensor& z1, const torch::Tensor& z2) {
  torch::Tensor z = torch::cat({z1, z2}, /*dim=*/0);
  if (z.scalar_type() != torch::kDouble) z = z.to(torch::kFloat);
  return F::normalize(z, F::NormalizeFuncOptions().p(2).dim(1).eps(1e-12));
}

// Index of the positive of each of the 2N views: i + N for i < N, i − N after. [2N] int64
torch::Tensor positive_index(int64_t n, const torch::Device& device) {
  auto opts = torch::TensorOptions().dtype(torch::kLong).device(device);
  return torch::cat({torch::arange(n, 2 * n, opts), torch::arange(0, n, opts)});
}

}  // namespace

ConfigIssues validate_temperature(double temperature, const std::string& path) {
  if (std::isfinite(temperature) && temperature > 0) return {};
  std::ostringstream s;
  s << "the temperature must be a finite number > 0 (SimCLR uses 0.1 to 1), got " << temperature;
  return {{path, s.str()}};
}

torch::Tensor nt_xent_loss(const torch::Tensor& z1, const torch::Tensor& z2, double temperature) {
  check_temperature(temperature);
  check_pair(z1, z2, "nt_xent_loss");
  const int64_t n = z1.size(0);
  const torch::Tensor z = stacked_unit_rows(z1, z2);         // [2N, D]
  torch::Tensor logits = torch::mm(z, z.t()) / temperature;  // [2N, 2N]
  // A view is not its own candidate: −inf drops it from the softmax's denominator.
  const torch::Tensor self = torch::eye(2 * n, torch::TensorOptions().dtype(torch::kBool).device(z.device()));
  logits = logits.masked_fill(self, -std::numeric_limits<double>::infinity());
  // Row i is a (2N)-way classification whose right answer is its positive; mean over rows.
  return F::cross_entropy(logits, positive_index(n, z.device()));
}

NTXentLossImpl::NTXentLossImpl(double temperature) : temperature_(temperature) {
  check_temperature(temperature);
}

torch::Tensor NTXentLossImpl::forward(const torch::Tensor& z1, const torch::Tensor& z2) {
  return nt_xent_loss(z1, z2, temperature_);
}

ContrastiveStats contrastive_stats(const torch::Tensor& z1, const torch::Tensor& z2) {
  check_pair(z1, z2, "contrastive_stats");
  torch::NoGradGuard no_grad;
  const int64_t n = z1.size(0);
  const torch::Tensor z = stacked_unit_rows(z1.detach(), z2.detach());  // [2N, D]
  const torch::Tensor sim = torch::mm(z, z.t());                        // [2N, 2N]
  const torch::Tensor pos = positive_index(n, z.device());              // [2N]
  const torch::Tensor pos_sim = sim.gather(1, pos.unsqueeze(1));        // [2N, 1]
  auto bool_opts = torch::TensorOptions().dtype(torch::kBool).device(z.device());
  const torch::Tensor self = torch::eye(2 * n, bool_opts);  // [2N, 2N]
  const torch::Tensor is_pos =
      torch::zeros({2 * n, 2 * n}, bool_opts).scatter_(1, pos.unsqueeze(1), torch::ones({2 * n, 1}, bool_opts));
  const torch::Tensor is_neg = ~(self | is_pos);  // [2N, 2N]
  // Rank of the positive: 1 + number of negatives at least as similar.
  const torch::Tensor rank = 1 + ((sim >= pos_sim) & is_neg).sum(1);  // [2N]

  ContrastiveStats stats;
  stats.mean_positive_rank = rank.to(torch::kDouble).mean().item<double>();
  stats.positive_top1 = (rank == 1).to(torch::kDouble).mean().item<double>();
  stats.mean_positive_cosine = pos_sim.to(torch::kDouble).mean().item<double>();
  if (n > 1) stats.mean_negative_cosine = sim.masked_select(is_neg).to(torch::kDouble).mean().item<double>();
  return stats;
}

}  // namespace simclr
