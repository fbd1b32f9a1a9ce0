#include "engine/eval/layout_alignment.h"

#include <cmath>
#include <string>

#include <torch/torch.h>

#include "engine/core/error.h"

namespace simclr {

namespace {

void check_layout(const torch::Tensor& layout, const char* what) {
  if (!layout.defined() || layout.dim() != 2 || layout.size(1) < 1)
    throw ConfigError(std::string("layout alignment: ") + what + " must be a [N, d] matrix");
}

}  // namespace

torch::Tensor standardize_layout(const torch::Tensor& layout) {
  check_layout(layout, "layout");
  torch::NoGradGuard no_grad;
  auto centred = layout.to(torch::kCPU, torch::kDouble);
  if (centred.size(0) == 0) return centred.to(torch::kFloat);
  centred = centred - centred.mean(0, /*keepdim=*/true);
  const double scale = centred.pow(2).sum(1).mean().item<double>() / static_cast<double>(centred.size(1));
  if (scale > 0) centred = centred / std::sqrt(scale);
  return centred.to(torch::kFloat);
}

torch::Tensor procrustes_align(const torch::Tensor& layout, const torch::Tensor& reference) {
  check_layout(layout, "layout");
  check_layout(reference, "reference");
  if (!layout.sizes().equals(reference.sizes()))
    throw ConfigError("layout alignment: the layouts differ in shape (" + std::to_string(layout.size(0)) + "x" +
                      std::to_string(layout.size(1)) + " against " + std::to_string(reference.size(0)) + "x" +
                      std::to_string(reference.size(1)) + ")");
  torch::NoGradGuard no_grad;
  const auto a = layout.to(torch::kCPU, torch::kDouble);
  const auto b = reference.to(torch::kCPU, torch::kDouble);
  // argmin_R ||A R - B|| over orthogonal R is U V^T for the SVD A^T B = U S V^T.
  const auto svd = at::linalg_svd(a.t().mm(b), /*full_matrices=*/false);
  return a.mm(std::get<0>(svd).mm(std::get<2>(svd))).to(torch::kFloat);
}

double mean_displacement(const torch::Tensor& a, const torch::Tensor& b) {
  check_layout(a, "first layout");
  check_layout(b, "second layout");
  if (!a.sizes().equals(b.sizes())) throw ConfigError("layout displacement: the layouts differ in shape");
  if (a.size(0) == 0) return 0;
  torch::NoGradGuard no_grad;
  return (a.to(torch::kDouble) - b.to(torch::kDouble)).pow(2).sum(1).sqrt().mean().item<double>();
}

}  // namespace simclr
