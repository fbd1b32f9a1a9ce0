#include "engine/train/run_checkpoint.h"

#include "engine/project/project_file.h"
#include "engine/train/checkpoint.h"

namespace simclr {

namespace fs = std::filesystem;

namespace {

CheckpointInfo checkpoint_info(const RunState& s) {
  CheckpointInfo info{s.step, s.last_loss, to_json(s.project).dump()};
  if (s.scaler.enabled()) {
    info.loss_scale = s.scaler.scale();
    info.loss_scale_good_steps = s.scaler.good_steps();
  }
  return info;
}

void remove_quietly(const fs::path& file, const TrainCallbacks& callbacks) {
  std::error_code ec;
  fs::remove(file, ec);
  if (ec) callbacks.log(LogLevel::Warning, "cannot remove " + file.string() + ": " + ec.message());
}

void prune_checkpoints(const RunState& s, const TrainCallbacks& callbacks) {
  if (s.opened.keeps_every_checkpoint) return;
  const auto files = step_files(s.opened.folder.checkpoint_dir());
  std::vector<int64_t> steps;
  for (const auto& [step, file] : files) steps.push_back(step);
  for (const int64_t step : checkpoints_to_prune(steps, s.training().keep_last_checkpoints))
    remove_quietly(files.at(step), callbacks);
}

void thin_snapshots(const RunState& s, const TrainCallbacks& callbacks) {
  const auto cap = static_cast<uint64_t>(s.training().timeline_max_mb * 1e6);
  if (cap == 0) return;
  const auto files = step_files(s.opened.folder.snapshot_dir());
  std::vector<StoredSnapshot> stored;
  std::error_code ec;
  for (const auto& [step, file] : files) stored.push_back({step, static_cast<uint64_t>(fs::file_size(file, ec))});
  const auto thinned = snapshots_to_thin(stored, cap);
  if (thinned.empty()) return;
  std::string steps;
  for (const int64_t step : thinned) {
    remove_quietly(files.at(step), callbacks);
    steps += (steps.empty() ? "" : ", ") + std::to_string(step);
  }
  callbacks.log(LogLevel::Info, "timeline snapshots thinned to stay under training.timeline_max_mb (" +
                                    std::to_string(s.training().timeline_max_mb) + "): removed steps " + steps);
}

uint64_t tensor_bytes(const std::vector<torch::Tensor>& tensors) {
  uint64_t bytes = 0;
  for (const auto& t : tensors) bytes += static_cast<uint64_t>(t.numel()) * t.element_size();
  return bytes;
}

}  // namespace

void save_run_checkpoint(RunState& s, const TrainCallbacks& callbacks) {
  if (s.step == s.last_checkpoint_step) return;
  const fs::path file = s.opened.folder.checkpoint_file(s.step);
  save_checkpoint(file, s.model, *s.optimizer, checkpoint_info(s));
  s.last_checkpoint_step = s.step;
  if (callbacks.on_checkpoint) callbacks.on_checkpoint(file.string());
  prune_checkpoints(s, callbacks);
}

void save_snapshot(RunState& s, const TrainCallbacks& callbacks) {
  const fs::path file = s.opened.folder.snapshot_file(s.step);
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  save_model_snapshot(file, s.model, checkpoint_info(s));
  thin_snapshots(s, callbacks);
}

DiskPlan run_disk_plan(const RunState& s) {
  const uint64_t model = tensor_bytes(s.model->parameters()) + tensor_bytes(s.model->buffers());
  // Adam keeps two moments per parameter, SGD and LARS one momentum buffer (none without).
  const uint64_t parameters = tensor_bytes(s.model->parameters());
  const std::string& optimizer = s.training().optimizer;
  const uint64_t state = optimizer == "adam" ? 2 * parameters : s.training().momentum > 0 ? parameters : 0;
  return plan_disk_use(s.training(), s.step, s.steps_per_epoch, s.stop_at, model, model + state);
}

}  // namespace simclr
