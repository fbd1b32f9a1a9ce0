#include "engine/train/trainer.h"

#include <optional>

#include <torch/torch.h>

#include "engine/core/device.h"
#include "engine/core/error.h"
#include "engine/project/project_file.h"
#include "engine/project/run_failure.h"
#include "engine/train/run_checkpoint.h"
#include "engine/train/run_finish.h"
#include "engine/train/run_group.h"
#include "engine/train/run_heartbeat.h"
#include "engine/train/run_monitor.h"
#include "engine/train/run_opening.h"
#include "engine/train/run_state.h"
#include "engine/train/train_step.h"

namespace simclr {

namespace {

// What the ranks agree on before each step: whether any was asked to stop (they all stop
// at the same step) or is paused (the others wait for it without tripping the timeout).
bool stop_before_step(RunState& s, const StopToken& stop) {
  if (!s.group) {
    stop.wait_while_paused();
    return stop.stop_requested();
  }
  // A rank paused on its own waits only after telling the others, who would otherwise sit
  // in this all-reduce until the group's timeout.
  s.group->record_progress(s.step);
  torch::Tensor flags = torch::tensor({stop.stop_requested() ? 1.0 : 0.0, stop.paused() ? 1.0 : 0.0});
  s.group->all_reduce_sum(flags);
  if (flags[1].item<double>() > 0) {  // someone paused after this rank checked
    stop.wait_while_paused();
    s.group->barrier(std::chrono::seconds(s.training().distributed.barrier_timeout_s));
    return stop_before_step(s, stop);
  }
  return flags[0].item<double>() > 0;
}

// Work that rank 0 alone does (the monitor, checkpoints) while the others wait for it.
template <class Work>
void on_leader(RunState& s, Work work) {
  if (s.leader()) work();
  if (s.group) s.group->barrier(std::chrono::seconds(s.training().distributed.barrier_timeout_s));
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

// The training loop of a run whose state is built; its errors leave through train().
static TrainResult train_opened_run(RunState& s, std::optional<RunHeartbeat>& heartbeat,
                                    const TrainCallbacks& callbacks, const StopToken& stop);

TrainResult train(const ProjectConfig& input_project, const TrainOptions& options, const TrainCallbacks& callbacks,
                  const StopToken& stop) {
  const ProjectConfig project = resolve_for_device(input_project, options);
  configure_threads(static_cast<int>(project.training.threads));
  const torch::Device device = rank_device(resolve_device(project.training.device), options);
  std::shared_ptr<ProcessGroup> group = join_run_group(project, options, device);
  OpenedRun opened = open_run_on_every_rank(project, options, group.get());
  callbacks.log(LogLevel::Info, "run folder: " + opened.folder.dir().string());
  // Released last, after the record is gone, so that the next trainer's record is not removed.
  const std::shared_ptr<RunLock> lock = opened.lock;
  // Says "running" while this process trains; left behind when it dies, it says "interrupted".
  std::optional<RunHeartbeat> heartbeat;
  if (!group || group->rank() == 0) heartbeat.emplace(opened.folder);
  const RunFolder folder = opened.folder;
  std::unique_ptr<RunState> state;
  try {
    state = build_run_state(project, device, std::move(opened), group, callbacks);
    return train_opened_run(*state, heartbeat, callbacks, stop);
  } catch (const CancelledError&) {
    throw;
  } catch (const std::exception& e) {
    // Stopped on an error: the run says "failed" with it (before the heartbeat's record goes).
    if (heartbeat) write_run_failure(folder, state ? state->step : 0, state ? state->total_steps : 0, e.what());
    throw;
  }
}

TrainResult train_opened_run(RunState& s, std::optional<RunHeartbeat>& heartbeat, const TrainCallbacks& callbacks,
                             const StopToken& stop) {
  if (heartbeat) heartbeat->set_progress(s.step, s.total_steps);

  if (s.leader()) callbacks.log(LogLevel::Info, run_disk_plan(s).text());
  const auto snapshot_if_due = [&] {
    if (snapshot_due(s.training(), s.step, s.steps_per_epoch, s.stop_at))
      on_leader(s, [&] { save_snapshot(s, callbacks); });
  };
  snapshot_if_due();
  on_leader(s, [&] { measure_initial_monitor(s, callbacks, stop); });
  s.model->train();
  ProgressClock clock("train", s.stop_at, s.step);
  bool stopped = false;
  while (s.step < s.stop_at) {
    if (stop_before_step(s, stop)) {
      stopped = true;
      break;
    }
    const StepMetrics m = train_step(s, callbacks);
    if (s.metrics) s.metrics->write(to_json(m));
    if (heartbeat) heartbeat->set_progress(s.step, s.total_steps);
    if (callbacks.on_step) callbacks.on_step(m);
    callbacks.progress(clock.at(s.step));
    if (s.step % s.training().checkpoint_every_steps == 0) on_leader(s, [&] { save_run_checkpoint(s, callbacks); });
    snapshot_if_due();
    if (monitor_due(s)) on_leader(s, [&] { s.result.final_monitor = monitor_run(s, s.step, callbacks, stop); });
  }
  TrainResult result = finish_run(s, stopped, callbacks, stop);
  if (s.group) s.group->barrier(std::chrono::seconds(s.training().distributed.barrier_timeout_s));
  return result;
}

}  // namespace simclr
