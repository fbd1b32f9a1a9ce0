#include "engine/train/trainer.h"

#include <chrono>
#include <cmath>

#include <torch/torch.h>

#include "engine/augment/augment_pipeline.h"
#include "engine/core/atomic_file.h"
#include "engine/core/device.h"
#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/data/channel_stats.h"
#include "engine/data/dataset_locator.h"
#include "engine/losses/nt_xent_loss.h"
#include "engine/models/parameter_count.h"
#include "engine/models/simclr_model.h"
#include "engine/project/project_file.h"
#include "engine/project/run_folder.h"
#include "engine/project/run_summary.h"
#include "engine/train/checkpoint.h"
#include "engine/train/contrastive_step.h"
#include "engine/train/knn_monitor.h"
#include "engine/train/loss_scaler.h"
#include "engine/train/lr_schedule.h"
#include "engine/train/metrics_log.h"
#include "engine/train/precision.h"
#include "engine/train/run_setup.h"
#include "engine/train/train_optimizer.h"

namespace simclr {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Seed streams, so that no two kinds of draw share a generator.
enum Stream : uint64_t { kShuffle = 1 };  // the views' stream is kViewSeedStream

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Settings that may change between a run and its resumption without changing its result.
bool non_binding(const std::string& path) {
  static const char* free[] = {"/name",
                               "/description",
                               "/dataset/path",
                               "/training/max_steps",
                               "/training/checkpoint_every_steps",
                               "/training/device",
                               "/training/threads",
                               "/evaluation",
                               "/sweep",
                               "/profiles"};
  for (const char* prefix : free)
    if (path.rfind(prefix, 0) == 0) return true;
  return false;
}

std::vector<std::string> binding_differences(const json& a, const json& b) {
  std::vector<std::string> out;
  for (const auto& op : json::diff(a, b)) {
    const std::string path = op.value("path", "");
    if (!non_binding(path)) out.push_back(path);
  }
  return out;
}

void write_status(const RunFolder& run, const TrainResult& result) {
  json status = {
      {"state", result.state},           {"steps_done", result.steps_done},       {"total_steps", result.total_steps},
      {"final_loss", result.final_loss}, {"train_seconds", result.train_seconds}, {"parameters", result.parameters},
      {"device", result.device}};
  if (result.initial_monitor) status["initial_monitor"] = to_json(*result.initial_monitor);
  if (result.final_monitor) status["final_monitor"] = to_json(*result.final_monitor);
  write_file_atomically(run.status_file(), status.dump(2) + "\n");
}

}  // namespace

ProjectConfig resolve_for_device(const ProjectConfig& project, const TrainOptions& options) {
  ProjectConfig base = project;
  if (!options.device_override.empty()) base.training.device = options.device_override;
  const torch::Device device = resolve_device(base.training.device);
  ProjectConfig resolved = apply_profile(base, device.is_cuda() ? "cuda" : "cpu");
  if (!options.device_override.empty()) resolved.training.device = options.device_override;
  if (options.threads_override >= 0) resolved.training.threads = options.threads_override;
  return resolved;
}

TrainResult train(const ProjectConfig& input_project, const TrainOptions& options, const TrainCallbacks& callbacks,
                  const StopToken& stop) {
  const ProjectConfig project = resolve_for_device(input_project, options);
  const TrainingConfig& cfg = project.training;
  const torch::Device device = resolve_device(cfg.device);
  configure_threads(static_cast<int>(cfg.threads));
  const torch::ScalarType amp_dtype = autocast_dtype(cfg.precision, device);

  // Run folder: a new one, or the one being resumed after checking its config matches.
  const fs::path root = options.runs_root.empty() ? runs_root(project) : options.runs_root;
  const bool resuming = !options.resume_run.empty();
  std::optional<RunFolder> run;
  fs::path resume_checkpoint;
  if (resuming) {
    run.emplace(options.resume_run);
    const ProjectConfig saved = run->read_config();
    const auto differences = binding_differences(to_json(saved), to_json(project));
    if (!differences.empty()) {
      std::string list;
      for (const auto& d : differences) list += (list.empty() ? "" : ", ") + d.substr(1);
      throw ConfigError("cannot resume " + run->dir().string() + ": the project differs from the run's config in " +
                        list);
    }
    resume_checkpoint = run->latest_checkpoint();
    if (resume_checkpoint.empty())
      throw ConfigError("cannot resume " + run->dir().string() + ": it has no checkpoint yet");
  } else {
    run.emplace(create_run_folder(root, project.name, options.run_name));
    run->write_config(project);
  }
  callbacks.log(LogLevel::Info, "run folder: " + run->dir().string());

  // Data.
  RunData run_data = load_run_data(project, project.base_dir(), root);
  callbacks.log(LogLevel::Info, "dataset " + project.dataset.name + " from " + run_data.data_dir.string());
  for (const auto& warning : run_data.warnings) callbacks.log(LogLevel::Warning, warning);
  const DatasetSplits& data = run_data.data;
  const ChannelStats& stats = run_data.stats;

  const int64_t n = data.train.size();
  const int64_t batch = cfg.batch_size;
  const int64_t steps_per_epoch = n / batch;  // the last partial batch is dropped
  if (steps_per_epoch < 1)
    throw ConfigError("training.batch_size: " + std::to_string(batch) + " is larger than the training set (" +
                      std::to_string(n) + " images)");
  const int64_t total_steps = cfg.epochs * steps_per_epoch;
  const int64_t stop_at = cfg.max_steps > 0 ? std::min(cfg.max_steps, total_steps) : total_steps;

  // Model, optimizer, schedule. Initialisation is seeded, so runs are reproducible.
  const AugmentPipeline pipeline = AugmentPipeline::from_json(project.augmentation);
  torch::manual_seed(derive_seed(cfg.seed, {0}));
  SimCLRModel model = build_model(project, data.train.channels(), pipeline.output_size(data.train.height()));
  model->to(device);
  if (cfg.channels_last) to_channels_last(*model);
  TrainOptimizer optimizer(cfg, model->named_parameters());
  const double peak_lr = scaled_learning_rate(cfg.learning_rate, batch, cfg.lr_scaling);
  const LrSchedule schedule(peak_lr, static_cast<int64_t>(std::llround(cfg.warmup_epochs * steps_per_epoch)),
                            total_steps, cfg.schedule);

  int64_t step = 0;
  double last_loss = 0;
  if (resuming) {
    const CheckpointInfo info = load_checkpoint(resume_checkpoint, model, &optimizer);
    step = info.step;
    last_loss = info.last_loss;
    callbacks.log(LogLevel::Info, "resumed from " + resume_checkpoint.string() + " at step " + std::to_string(step));
  }
  MetricsLog metrics(run->metrics_file(), resuming ? step : -1);

  EmbedOptions embed;
  embed.batch_size = project.evaluation.batch_size;
  embed.device = device;
  embed.mean = stats.mean;
  embed.std = stats.std;
  embed.image_size = pipeline.output_size(data.train.height());
  embed.channels_last = cfg.channels_last;
  std::optional<KnnMonitor> monitor;
  if (project.evaluation.knn_every_epochs > 0) monitor.emplace(data, project.evaluation, pipeline, embed, cfg.seed);

  TrainResult result;
  result.run_dir = run->dir();
  result.total_steps = total_steps;
  result.device = describe_device(device);
  result.parameters = count_parameters(*model);
  callbacks.log(LogLevel::Info, "device: " + result.device + ", " + std::to_string(n) + " training images, " +
                                    std::to_string(steps_per_epoch) + " steps per epoch of batch " +
                                    std::to_string(batch) + ", " + std::to_string(result.parameters) +
                                    " trainable parameters");

  auto run_monitor = [&](int64_t at_step) {
    MonitorMetrics m = monitor->evaluate(model, at_step, double(at_step) / steps_per_epoch, callbacks, stop);
    metrics.write(to_json(m));
    if (callbacks.on_monitor) callbacks.on_monitor(m);
    char line[200];
    std::snprintf(line, sizeof line,
                  "step %lld: kNN top-1 %.2f%% (k=%lld), %.2f%% (k=10), alignment %.3f, "
                  "uniformity %.3f, z std %.4f, effective rank %.1f",
                  static_cast<long long>(at_step), 100 * m.knn_top1, static_cast<long long>(m.knn_k),
                  100 * m.knn_top1_k10, m.alignment, m.uniformity, m.z_std, m.h_effective_rank);
    callbacks.log(LogLevel::Info, line);
    return m;
  };

  int64_t last_checkpoint_step = resuming ? step : -1;
  auto checkpoint = [&]() {
    if (step == last_checkpoint_step) return;
    CheckpointInfo info{step, last_loss, to_json(project).dump()};
    const fs::path file = run->checkpoint_file(step);
    save_checkpoint(file, model, optimizer, info);
    last_checkpoint_step = step;
    if (callbacks.on_checkpoint) callbacks.on_checkpoint(file.string());
  };

  if (monitor && project.evaluation.knn_at_start && step == 0) result.initial_monitor = run_monitor(0);
  if (resuming)  // keep the baseline measured when the run started
    for (const auto& record : read_metrics(run->metrics_file()))
      if (record.value("type", "") == "monitor" && record.value("step", int64_t{-1}) == 0) {
        MonitorMetrics m;
        m.knn_k = record.value("knn_k", int64_t{0});
        m.knn_top1 = record.value("knn_top1", 0.0);
        m.knn_top1_k10 = record.value("knn_top1_k10", 0.0);
        result.initial_monitor = m;
      }

  model->train();
  NTXentLoss loss_fn(cfg.temperature);
  const ContrastiveStepSettings step_settings{cfg.seed, cfg.channels_last, amp_dtype};
  LossScaler scaler(amp_dtype == torch::kHalf);  // float16 only
  const std::vector<torch::Tensor> parameters = model->parameters();
  ProgressClock clock("train", stop_at, step);
  torch::Tensor permutation;
  int64_t permutation_epoch = -1;
  // A resumed run goes on counting from the time its earlier parts took.
  double train_seconds = resuming ? read_run_summary(*run).train_seconds : 0.0;
  bool stopped = false;

  while (step < stop_at) {
    stop.wait_while_paused();
    if (stop.stop_requested()) {
      stopped = true;
      break;
    }
    const int64_t epoch = step / steps_per_epoch;
    if (epoch != permutation_epoch) {
      auto gen = make_generator(derive_seed(cfg.seed, {kShuffle, static_cast<uint64_t>(epoch)}));
      permutation = torch::randperm(n, gen, torch::kLong);
      permutation_epoch = epoch;
    }
    const int64_t offset = (step % steps_per_epoch) * batch;
    const auto start = std::chrono::steady_clock::now();
    const auto images = data.train.images.index_select(0, permutation.slice(0, offset, offset + batch)).to(device);
    const double lr = schedule.at(step);
    optimizer.set_learning_rate(lr);
    const ContrastiveForward forward =
        contrastive_forward(model, pipeline, stats, images, step, step_settings, loss_fn);
    const auto& z1 = forward.z1;
    const auto& z2 = forward.z2;
    const auto& loss = forward.loss;
    const double loss_value = loss.item<double>();
    if (!std::isfinite(loss_value)) {
      const fs::path good = run->latest_checkpoint();
      throw TrainingError(
          "step " + std::to_string(step + 1) + ": the loss is " + std::to_string(loss_value) +
          "; training stopped (lower training.learning_rate or raise training.temperature). " +
          (good.empty() ? "No checkpoint was written yet." : "The last good checkpoint is " + good.string()));
    }
    optimizer.zero_grad();
    scaler.scale_loss(loss).backward();
    if (scaler.unscale_and_check(parameters))
      optimizer.step();
    else
      callbacks.log(LogLevel::Warning, "step " + std::to_string(step + 1) +
                                           ": float16 gradients overflowed; step "
                                           "skipped, loss scale lowered to " +
                                           std::to_string(scaler.scale()));
    ++step;
    last_loss = loss_value;
    const double step_seconds = seconds_since(start);
    train_seconds += step_seconds;

    StepMetrics m;
    m.step = step;
    m.epoch = double(step) / steps_per_epoch;
    m.loss = loss_value;
    m.learning_rate = lr;
    m.views_per_s = 2.0 * batch / step_seconds;
    m.augment_ms = forward.augment_ms;
    m.model_ms = 1000 * step_seconds - forward.augment_ms;
    {
      torch::NoGradGuard no_grad;
      m.positive_top1 = contrastive_stats(z1.detach(), z2.detach()).positive_top1;
    }
    metrics.write(to_json(m));
    if (callbacks.on_step) callbacks.on_step(m);
    callbacks.progress(clock.at(step));

    if (step % cfg.checkpoint_every_steps == 0) checkpoint();
    const bool epoch_end = step % steps_per_epoch == 0;
    if (monitor && epoch_end &&
        ((step / steps_per_epoch) % project.evaluation.knn_every_epochs == 0 || step == total_steps))
      result.final_monitor = run_monitor(step);
  }

  // A run cut short by max_steps still ends with a measurement of what it learned.
  if (monitor && !stopped && step == stop_at && (!result.final_monitor || result.final_monitor->step != step))
    result.final_monitor = run_monitor(step);
  checkpoint();
  result.state = stopped || step < stop_at ? "stopped" : "completed";
  result.steps_done = step;
  result.final_loss = last_loss;
  result.train_seconds = train_seconds;
  write_status(*run, result);
  callbacks.log(LogLevel::Info, std::string("training ") + result.state + " at step " + std::to_string(step) + "/" +
                                    std::to_string(total_steps));
  return result;
}

}  // namespace simclr
