#pragma once
// Learning rate per step: linear warm-up from 0, then cosine decay to 0 (or constant).
#include <cstdint>
#include <string>

namespace simclr {

// The base learning rate scaled with batch size: none, linear (lr * B / 256) or
// sqrt (lr * sqrt(B / 256)), the rules of Goyal et al. and of the SimCLR paper.
double scaled_learning_rate(double base_lr, int64_t batch_size, const std::string& rule);

class LrSchedule {
 public:
  LrSchedule(double peak_lr, int64_t warmup_steps, int64_t total_steps, std::string kind);
  // Learning rate for the optimizer step with 0-based index `step`.
  double at(int64_t step) const;

 private:
  double peak_;
  int64_t warmup_;
  int64_t total_;
  std::string kind_;
};

}  // namespace simclr
