#include "engine/train/trainer.h"

#include <torch/torch.h>

#include "engine/core/device.h"
#include "engine/project/project_file.h"
#include "engine/train/run_checkpoint.h"
#include "engine/train/run_finish.h"
#include "engine/train/run_monitor.h"
#include "engine/train/run_opening.h"
#include "engine/train/run_state.h"
#include "engine/train/train_step.h"

namespace simclr {

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
  configure_threads(static_cast<int>(project.training.threads));
  OpenedRun opened = open_or_resume_run(project, options);
  callbacks.log(LogLevel::Info, "run folder: " + opened.folder.dir().string());
  const std::unique_ptr<RunState> state = build_run_state(project, std::move(opened), callbacks);
  RunState& s = *state;

  measure_initial_monitor(s, callbacks, stop);
  s.model->train();
  ProgressClock clock("train", s.stop_at, s.step);
  bool stopped = false;
  while (s.step < s.stop_at) {
    stop.wait_while_paused();
    if (stop.stop_requested()) {
      stopped = true;
      break;
    }
    const StepMetrics m = train_step(s, callbacks);
    s.metrics->write(to_json(m));
    if (callbacks.on_step) callbacks.on_step(m);
    callbacks.progress(clock.at(s.step));
    if (s.step % s.training().checkpoint_every_steps == 0) save_run_checkpoint(s, callbacks);
    if (monitor_due(s)) s.result.final_monitor = monitor_run(s, s.step, callbacks, stop);
  }
  return finish_run(s, stopped, callbacks, stop);
}

}  // namespace simclr
