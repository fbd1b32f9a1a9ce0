#include "engine/train/lr_schedule.h"

#include <algorithm>
#include <cmath>

#include "engine/core/error.h"

namespace simclr {

double scaled_learning_rate(double base_lr, int64_t batch_size, const std::string& rule) {
  const double ratio = static_cast<double>(batch_size) / 256.0;
  if (rule == "none") return base_lr;
  if (rule == "linear") return base_lr * ratio;
  if (rule == "sqrt") return base_lr * std::sqrt(ratio);
  throw ConfigError("training.lr_scaling: unknown rule '" + rule + "' (none, linear or sqrt)");
}

LrSchedule::LrSchedule(double peak_lr, int64_t warmup_steps, int64_t total_steps, std::string kind)
    : peak_(peak_lr),
      warmup_(std::max<int64_t>(0, warmup_steps)),
      total_(std::max<int64_t>(1, total_steps)),
      kind_(std::move(kind)) {
  if (kind_ != "cosine" && kind_ != "constant")
    throw ConfigError("training.schedule: unknown schedule '" + kind_ + "' (cosine or constant)");
}

double LrSchedule::at(int64_t step) const {
  if (step < warmup_) return peak_ * static_cast<double>(step + 1) / static_cast<double>(warmup_);
  if (kind_ == "constant") return peak_;
  const int64_t decay_steps = std::max<int64_t>(1, total_ - warmup_);
  const double progress = std::min(1.0, static_cast<double>(step - warmup_) / static_cast<double>(decay_steps));
  return 0.5 * peak_ * (1.0 + std::cos(M_PI * progress));
}

}  // namespace simclr
