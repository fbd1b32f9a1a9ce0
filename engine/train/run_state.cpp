#include "engine/train/run_state.h"

#include <cstdlib>

#include <cmath>

#include <torch/torch.h>

#include "engine/core/device.h"
#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/distributed/gradient_all_reduce.h"
#include "engine/models/parameter_count.h"
#include "engine/project/run_summary.h"
#include "engine/train/checkpoint.h"
#include "engine/train/precision.h"

namespace simclr {

namespace {

void load_data(RunState& s, const TrainCallbacks& callbacks) {
  s.run_data = load_run_data(s.project, s.project.base_dir(), s.opened.runs_root);
  callbacks.log(LogLevel::Info, "dataset " + s.project.dataset.name + " from " + s.run_data.data_dir.string());
  if (!s.data().held_out.empty()) callbacks.log(LogLevel::Info, "dataset: " + s.data().held_out);
  if (!s.data().train.labelled())
    callbacks.log(LogLevel::Info,
                  "dataset: no labels, so the monitor measures positive-pair retrieval instead of kNN accuracy");
  for (const auto& warning : s.run_data.warnings) callbacks.log(LogLevel::Warning, warning);
  const int64_t n = s.data().train.size();
  s.batch = s.training().batch_size;
  s.steps_per_epoch = n / s.batch;
  if (s.steps_per_epoch < 1)
    throw ConfigError("training.batch_size: " + std::to_string(s.batch) + " is larger than the training set (" +
                      std::to_string(n) + " images)");
  s.total_steps = s.training().epochs * s.steps_per_epoch;
  s.stop_at = s.training().max_steps > 0 ? std::min(s.training().max_steps, s.total_steps) : s.total_steps;
}

// Model, optimizer, schedule. Initialisation is seeded, so runs are reproducible.
void build_model_and_optimizer(RunState& s) {
  const TrainingConfig& cfg = s.training();
  s.pipeline = AugmentPipeline::from_json(s.project.augmentation);
  torch::manual_seed(derive_seed(cfg.seed, {0}));
  const int64_t image_size = s.pipeline.output_size(s.data().train.height());
  s.model = build_model(s.project, s.data().train.channels(), image_size);
  s.model->to(s.device);
  if (cfg.channels_last) to_channels_last(*s.model);
  s.optimizer = std::make_unique<TrainOptimizer>(cfg, s.model->named_parameters());
  const double peak_lr = scaled_learning_rate(cfg.learning_rate, s.batch, cfg.lr_scaling);
  const auto warmup_steps = static_cast<int64_t>(std::llround(cfg.warmup_epochs * s.steps_per_epoch));
  s.schedule = std::make_unique<LrSchedule>(peak_lr, warmup_steps, s.total_steps, cfg.schedule);
}

void restore_checkpoint(RunState& s, const TrainCallbacks& callbacks) {
  if (!s.opened.resuming()) return;
  for (const auto& warning : s.opened.warnings) callbacks.log(LogLevel::Warning, warning);
  const CheckpointInfo info = load_checkpoint(s.opened.resume_checkpoint, s.model, s.optimizer.get());
  s.step = info.step;
  s.first_step = info.step;
  s.last_loss = info.last_loss;
  s.last_checkpoint_step = s.step;
  // A float16 run goes on with its scale; one from before the scale was saved starts anew.
  if (info.loss_scale) s.scaler.restore(*info.loss_scale, info.loss_scale_good_steps);
  s.train_seconds = read_run_summary(s.opened.folder).train_seconds;
  s.first_train_seconds = s.train_seconds;
  callbacks.log(LogLevel::Info,
                "resumed from " + s.opened.resume_checkpoint.string() + " at step " + std::to_string(s.step) +
                    (s.scaler.enabled() ? ", float16 loss scale " + std::to_string(s.scaler.scale()) : ""));
}

// Every rank starts from rank 0's weights; with synchronised BN, batch statistics are taken
// over the global batch.
void join_model(RunState& s, const TrainCallbacks& callbacks) {
  broadcast_module_state(*s.model, *s.group);
  if (s.training().distributed.sync_batch_norm) set_batch_norm_reducer(*s.model, s.group);
  callbacks.log(LogLevel::Info, "data-parallel: " + std::to_string(s.world_size()) + " processes (" +
                                    s.group->backend() + "), " + std::to_string(s.batch / s.world_size()) +
                                    " images each per step" +
                                    (s.training().distributed.sync_batch_norm ? ", synchronised BN" : ""));
}

// SIMCLR_GRADIENT_OVERLAP=0 sums gradients after backward: the benchmark's reference for
// what overlapping them with backward gains.
bool overlap_gradients() {
  const char* value = std::getenv("SIMCLR_GRADIENT_OVERLAP");
  return !value || std::string(value) != "0";
}

void build_monitor(RunState& s) {
  if (s.project.evaluation.knn_every_epochs <= 0) return;
  EmbedOptions embed;
  embed.batch_size = s.project.evaluation.batch_size;
  embed.device = s.device;
  embed.mean = s.run_data.stats.mean;
  embed.std = s.run_data.stats.std;
  embed.image_size = s.pipeline.output_size(s.data().train.height());
  embed.channels_last = s.training().channels_last;
  s.monitor.emplace(s.data(), s.project.evaluation, s.pipeline, embed, s.training().seed, s.training().temperature);
}

}  // namespace

std::unique_ptr<RunState> build_run_state(const ProjectConfig& project, const torch::Device& device, OpenedRun opened,
                                          std::shared_ptr<ProcessGroup> group, const TrainCallbacks& callbacks) {
  auto s = std::make_unique<RunState>();
  s->project = project;
  s->device = device;
  s->amp_dtype = autocast_dtype(project.training.precision, s->device);
  s->opened = std::move(opened);
  s->group = std::move(group);
  if (s->group && s->opened.views_version == 1)
    throw ConfigError(s->opened.folder.dir().string() +
                      " draws its views with training.views_version 1 (a run made before version 2), which depends "
                      "on how the batch is split: it can only continue in a single process");
  load_data(*s, callbacks);
  build_model_and_optimizer(*s);
  s->scaler = LossScaler(s->amp_dtype == torch::kHalf);  // float16 only
  restore_checkpoint(*s, callbacks);
  if (s->group) join_model(*s, callbacks);
  if (s->leader())
    s->metrics = std::make_unique<MetricsLog>(s->opened.folder.metrics_file(), s->opened.resuming() ? s->step : -1);
  if (s->leader()) build_monitor(*s);
  s->loss_fn = NTXentLoss(s->training().temperature);
  s->parameters = s->model->parameters();
  if (s->group) s->gradients = std::make_unique<GradientReducer>(s->parameters, *s->group, overlap_gradients());

  TrainResult& result = s->result;
  result.run_dir = s->opened.folder.dir();
  result.total_steps = s->total_steps;
  result.device = describe_device(s->device);
  result.world_size = s->world_size();
  result.parameters = count_parameters(*s->model);
  callbacks.log(LogLevel::Info, "device: " + result.device + ", " + std::to_string(s->data().train.size()) +
                                    " training images, " + std::to_string(s->steps_per_epoch) +
                                    " steps per epoch of batch " + std::to_string(s->batch) + ", " +
                                    std::to_string(result.parameters) + " trainable parameters");
  return s;
}

}  // namespace simclr
