#pragma once
// Checkpoints: model (encoder + head, buffers included), optimizer state, the step and the
// resolved config, in one LibTorch archive written atomically. Every random draw in a run
// is derived from (seed, epoch, step, view) — see engine/core/seeding.h — so the step and
// the config's seed are the complete RNG state: a resumed run draws what an uninterrupted
// one would.
#include <filesystem>
#include <optional>
#include <string>

#include "engine/models/simclr_model.h"
#include "engine/train/train_optimizer.h"

namespace simclr {

struct CheckpointInfo {
  int64_t step = 0;
  double last_loss = 0;
  std::string config_json;  // the resolved project the run was started with
  // float16 runs: the loss scaler's scale and good steps since it last changed. Absent in
  // other runs and in checkpoints from before it was saved.
  std::optional<double> loss_scale;
  int64_t loss_scale_good_steps = 0;
};

void save_checkpoint(const std::filesystem::path& file, SimCLRModel& model, const TrainOptimizer& optimizer,
                     const CheckpointInfo& info);

// A model-only snapshot for the embedding timeline: the model and info, no optimizer state
// (about a third of a checkpoint trained with Adam). load_checkpoint reads it without an
// optimizer; with one it throws DataError (a snapshot cannot resume a run).
void save_model_snapshot(const std::filesystem::path& file, SimCLRModel& model, const CheckpointInfo& info);

// Restores model and optimizer in place. Throws DataError naming the file when it is
// missing, damaged (archive_damage, or LibTorch cannot read it) or does not fit the model.
CheckpointInfo load_checkpoint(const std::filesystem::path& file, SimCLRModel& model, TrainOptimizer* optimizer);

// Reads only the step and config, without a model. The whole archive is read (onto the
// CPU), so a checkpoint that passes is not damaged. Throws DataError as load_checkpoint.
CheckpointInfo read_checkpoint_info(const std::filesystem::path& file);

// Why `file` cannot be a whole checkpoint, judged from its first and last bytes (empty, not
// a zip archive, cut short: no zip directory at its end), or "" when it may be one. Checked
// before LibTorch's zip reader sees the file.
std::string archive_damage(const std::filesystem::path& file);

}  // namespace simclr
