#pragma once
// Dynamic loss scaling for float16 training: float16 gradients of small losses underflow
// to zero, so the loss is multiplied by a large scale before backward() and the gradients
// divided by it before the optimizer step. A step whose gradients overflowed (inf or NaN)
// is skipped and the scale halved; after `growth_interval` good steps in a row it doubles.
// (bfloat16 has float32's range and needs none of this.)
#include <cstdint>
#include <vector>

#include <torch/types.h>

namespace simclr {

class LossScaler {
 public:
  explicit LossScaler(bool enabled, double initial_scale = 65536.0, int64_t growth_interval = 2000);

  bool enabled() const { return enabled_; }
  double scale() const { return scale_; }

  // loss * scale (the loss itself when disabled).
  torch::Tensor scale_loss(const torch::Tensor& loss) const;

  // Divides the gradients of `parameters` by the scale and checks them. Returns true when
  // the optimizer may step; false when they overflowed (the gradients are then zeroed, the
  // scale halved, and the step must be skipped). Always true when disabled.
  bool unscale_and_check(const std::vector<torch::Tensor>& parameters);

  int64_t skipped_steps() const { return skipped_; }
  int64_t good_steps() const { return good_steps_; }  // since the scale last changed

  // A checkpoint's scale and run of good steps, so that a resumed run goes on as it was
  // rather than starting again at the initial scale. Throws ConfigError for values no
  // scaler holds (a scale <= 0, a negative count).
  void restore(double scale, int64_t good_steps);

 private:
  bool enabled_;
  double scale_;
  int64_t growth_interval_;
  int64_t good_steps_ = 0;
  int64_t skipped_ = 0;
};

}  // namespace simclr
