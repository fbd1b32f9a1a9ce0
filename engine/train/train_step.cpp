#include "engine/train/train_step.h"

#include <chrono>
#include <cmath>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/train/contrastive_step.h"

namespace simclr {

namespace {

// Seed streams, so that no two kinds of draw share a generator.
enum Stream : uint64_t { kShuffle = 1 };  // the views' stream is kViewSeedStream

// The images of this step's batch: its slice of the epoch's seeded permutation.
torch::Tensor next_batch(RunState& s) {
  const int64_t epoch = s.step / s.steps_per_epoch;
  if (epoch != s.permutation_epoch) {
    auto gen = make_generator(derive_seed(s.training().seed, {kShuffle, static_cast<uint64_t>(epoch)}));
    s.permutation = torch::randperm(s.data().train.size(), gen, torch::kLong);
    s.permutation_epoch = epoch;
  }
  const int64_t offset = (s.step % s.steps_per_epoch) * s.batch;
  return s.data().train.images.index_select(0, s.permutation.slice(0, offset, offset + s.batch)).to(s.device);
}

void check_finite(const RunState& s, double loss_value) {
  if (std::isfinite(loss_value)) return;
  const std::filesystem::path good = s.opened.folder.latest_checkpoint();
  throw TrainingError(
      "step " + std::to_string(s.step + 1) + ": the loss is " + std::to_string(loss_value) +
      "; training stopped (lower training.learning_rate or raise training.temperature). " +
      (good.empty() ? "No checkpoint was written yet." : "The last good checkpoint is " + good.string()));
}

}  // namespace

StepMetrics train_step(RunState& s, const TrainCallbacks& callbacks) {
  const TrainingConfig& cfg = s.training();
  const auto start = std::chrono::steady_clock::now();
  const torch::Tensor images = next_batch(s);
  const double lr = s.schedule->at(s.step);
  s.optimizer->set_learning_rate(lr);
  const ContrastiveStepSettings settings{cfg.seed, cfg.channels_last, s.amp_dtype};
  const ContrastiveForward forward =
      contrastive_forward(s.model, s.pipeline, s.run_data.stats, images, s.step, settings, s.loss_fn);
  const double loss_value = forward.loss.item<double>();
  check_finite(s, loss_value);
  s.optimizer->zero_grad();
  s.scaler.scale_loss(forward.loss).backward();
  if (s.scaler.unscale_and_check(s.parameters))
    s.optimizer->step();
  else
    callbacks.log(LogLevel::Warning, "step " + std::to_string(s.step + 1) +
                                         ": float16 gradients overflowed; step skipped, loss scale lowered to " +
                                         std::to_string(s.scaler.scale()));
  ++s.step;
  s.last_loss = loss_value;
  const double step_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  s.train_seconds += step_seconds;

  StepMetrics m;
  m.step = s.step;
  m.epoch = double(s.step) / s.steps_per_epoch;
  m.loss = loss_value;
  m.learning_rate = lr;
  m.views_per_s = 2.0 * s.batch / step_seconds;
  m.augment_ms = forward.augment_ms;
  m.model_ms = 1000 * step_seconds - forward.augment_ms;
  {
    torch::NoGradGuard no_grad;
    m.positive_top1 = contrastive_stats(forward.z1.detach(), forward.z2.detach()).positive_top1;
  }
  return m;
}

}  // namespace simclr
