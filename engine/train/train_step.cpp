#include "engine/train/train_step.h"

#include <chrono>
#include <cmath>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/data/image_stream.h"
#include "engine/distributed/gathered_negatives.h"
#include "engine/distributed/gradient_all_reduce.h"
#include "engine/train/contrastive_step.h"

namespace simclr {

namespace {

// Seed streams, so that no two kinds of draw share a generator.
enum Stream : uint64_t { kShuffle = 1 };  // the views' streams are in view_generator.h

struct LocalBatch {
  torch::Tensor images;            // uint8 [b, C, H, W] on the device
  std::vector<int64_t> positions;  // their places in the global batch
};

// This rank's images of the step's global batch (the batch's slice of the epoch's seeded
// permutation): rank r takes positions r, r + W, r + 2W, ..., so every image of an epoch
// is used once over all ranks.
// This rank's indices of step `step`'s batch in `permutation` (the step's epoch's).
torch::Tensor batch_indices(const RunState& s, const torch::Tensor& permutation, int64_t step) {
  const int64_t offset = (step % s.steps_per_epoch) * s.batch;
  torch::Tensor indices = permutation.slice(0, offset, offset + s.batch);
  if (s.group) indices = indices.slice(0, s.group->rank(), s.batch, s.group->world_size());
  return indices;
}

// The seeded order of the training images in `epoch`.
torch::Tensor epoch_permutation(const RunState& s, int64_t epoch) {
  auto gen = make_generator(derive_seed(s.training().seed, {kShuffle, static_cast<uint64_t>(epoch)}));
  return torch::randperm(s.data().train.size(), gen, torch::kLong);
}

LocalBatch next_batch(RunState& s) {
  const int64_t epoch = s.step / s.steps_per_epoch;
  if (epoch != s.permutation_epoch) {
    s.permutation = epoch_permutation(s, epoch);
    s.permutation_epoch = epoch;
  }
  LocalBatch out;
  if (s.group)
    for (int64_t p = s.group->rank(); p < s.batch; p += s.group->world_size()) out.positions.push_back(p);
  const ImageDataset& train = s.data().train;
  out.images = train.gather(batch_indices(s, s.permutation, s.step)).to(s.device);
  // A streamed set decodes the next step's images while this one trains, across an epoch's end too.
  if (train.streamed()) {
    const int64_t next = s.step + 1, next_epoch = next / s.steps_per_epoch;
    const torch::Tensor order = next_epoch == epoch ? s.permutation : epoch_permutation(s, next_epoch);
    train.stream->prefetch(batch_indices(s, order, next));
  }
  return out;
}

std::string last_good_checkpoint(const RunState& s) {
  const std::filesystem::path good = s.opened.folder.latest_checkpoint();
  return good.empty() ? "No checkpoint was written yet." : "The last good checkpoint is " + good.string();
}

void check_finite(const RunState& s, double loss_value) {
  if (std::isfinite(loss_value)) return;
  throw TrainingError("step " + std::to_string(s.step + 1) + ": the loss is " + std::to_string(loss_value) +
                      "; training stopped (lower training.learning_rate or raise training.temperature). " +
                      last_good_checkpoint(s));
}

// A finite loss can still give NaN or Inf gradients (an overflow in backward); stepping on
// them would spoil every weight. One flag per parameter on the device, read back once.
// (float16 runs leave this to the loss scaler, which skips such a step.)
void check_finite_gradients(const RunState& s, double loss_value) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> finite;
  for (const auto& p : s.parameters)
    if (p.grad().defined()) finite.push_back(torch::isfinite(p.grad()).all());
  if (finite.empty() || torch::stack(finite).all().item<bool>()) return;
  std::string name = "a parameter";
  for (const auto& item : s.model->named_parameters()) {
    const torch::Tensor& grad = item.value().grad();
    if (grad.defined() && !torch::isfinite(grad).all().item<bool>()) {
      name = item.key();
      break;
    }
  }
  throw TrainingError("step " + std::to_string(s.step + 1) + ": the gradients of " + name +
                      " hold NaN or Inf (the loss was " + std::to_string(loss_value) +
                      "); training stopped before the optimizer step (lower training.learning_rate or raise "
                      "training.temperature). " +
                      last_good_checkpoint(s));
}

}  // namespace

StepMetrics train_step(RunState& s, const TrainCallbacks& callbacks) {
  const TrainingConfig& cfg = s.training();
  const auto start = std::chrono::steady_clock::now();
  const LocalBatch batch = next_batch(s);
  const double lr = s.schedule->at(s.step);
  s.optimizer->set_learning_rate(lr);
  ContrastiveStepSettings settings;
  settings.seed = cfg.seed;
  settings.channels_last = cfg.channels_last;
  settings.autocast = s.amp_dtype;
  settings.views_version = s.opened.views_version;
  settings.positions = batch.positions;

  // Alone: NT-Xent of the batch. Data-parallel: this rank's share of the global batch's
  // NT-Xent against every rank's views; the shares sum to the global loss. Without
  // gathering, each rank's NT-Xent of its own views over the world size (their mean).
  GatheredLoss gathered;
  ContrastiveLoss loss = s.loss_fn;
  if (s.group && cfg.distributed.gather_negatives)
    loss = [&](const torch::Tensor& z1, const torch::Tensor& z2) {
      gathered = gathered_nt_xent_loss(z1, z2, *s.group, cfg.temperature);
      return gathered.loss;
    };
  else if (s.group)
    loss = [&](const torch::Tensor& z1, const torch::Tensor& z2) { return s.loss_fn(z1, z2) / s.world_size(); };
  const ContrastiveForward forward =
      contrastive_forward(s.model, s.pipeline, s.run_data.stats, batch.images, s.step, settings, loss);
  double loss_value = 0;
  if (s.group) {
    torch::Tensor total = forward.loss.detach().to(torch::kDouble).reshape({1}).cpu().clone();
    s.group->all_reduce_sum(total);
    loss_value = total.item<double>();
  } else {
    loss_value = forward.loss.item<double>();
  }
  check_finite(s, loss_value);
  s.optimizer->zero_grad();
  s.scaler.scale_loss(forward.loss).backward();
  if (s.gradients) s.gradients->finish();
  if (!s.scaler.enabled()) check_finite_gradients(s, loss_value);
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
  m.views_per_s = 2.0 * s.batch / step_seconds;  // the global batch's views
  m.augment_ms = forward.augment_ms;
  m.model_ms = 1000 * step_seconds - forward.augment_ms;
  {
    torch::NoGradGuard no_grad;
    const bool global = gathered.z1_all.defined();
    const torch::Tensor z1 = global ? gathered.z1_all : forward.z1, z2 = global ? gathered.z2_all : forward.z2;
    m.positive_top1 = contrastive_stats(z1.detach(), z2.detach()).positive_top1;
  }
  return m;
}

}  // namespace simclr
