#include "engine/train/run_checkpoint.h"

#include "engine/project/project_file.h"
#include "engine/train/checkpoint.h"

namespace simclr {

void save_run_checkpoint(RunState& s, const TrainCallbacks& callbacks) {
  if (s.step == s.last_checkpoint_step) return;
  CheckpointInfo info{s.step, s.last_loss, to_json(s.project).dump()};
  if (s.scaler.enabled()) {
    info.loss_scale = s.scaler.scale();
    info.loss_scale_good_steps = s.scaler.good_steps();
  }
  const std::filesystem::path file = s.opened.folder.checkpoint_file(s.step);
  save_checkpoint(file, s.model, *s.optimizer, info);
  s.last_checkpoint_step = s.step;
  if (callbacks.on_checkpoint) callbacks.on_checkpoint(file.string());
}

}  // namespace simclr
