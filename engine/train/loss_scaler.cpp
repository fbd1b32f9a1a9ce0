#include "engine/train/loss_scaler.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <torch/torch.h>

#include "engine/core/error.h"

namespace simclr {

LossScaler::LossScaler(bool enabled, double initial_scale, int64_t growth_interval)
    : enabled_(enabled), scale_(initial_scale), growth_interval_(growth_interval) {
  if (!(initial_scale > 0) || growth_interval < 1)
    throw ConfigError("loss scaler: the initial scale must be > 0 and the growth interval >= 1");
}

void LossScaler::restore(double scale, int64_t good_steps) {
  if (!(scale > 0) || !std::isfinite(scale) || good_steps < 0)
    throw ConfigError("loss scaler: cannot restore a scale of " + std::to_string(scale) + " after " +
                      std::to_string(good_steps) + " good steps");
  scale_ = scale;
  good_steps_ = good_steps;
}

torch::Tensor LossScaler::scale_loss(const torch::Tensor& loss) const {
  return enabled_ ? loss * scale_ : loss;
}

bool LossScaler::unscale_and_check(const std::vector<torch::Tensor>& parameters) {
  if (!enabled_) return true;
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> finite_flags;  // one device-side flag each, read back once
  for (const auto& p : parameters) {
    auto grad = p.grad();
    if (!grad.defined()) continue;
    grad.div_(scale_);
    finite_flags.push_back(torch::isfinite(grad).all());
  }
  const bool finite = finite_flags.empty() || torch::stack(finite_flags).all().item<bool>();
  if (!finite) {
    for (const auto& p : parameters)
      if (p.grad().defined()) p.grad().zero_();
    scale_ = std::max(1.0, scale_ / 2);
    good_steps_ = 0;
    ++skipped_;
    return false;
  }
  if (++good_steps_ >= growth_interval_) {
    scale_ *= 2;
    good_steps_ = 0;
  }
  return true;
}

}  // namespace simclr
