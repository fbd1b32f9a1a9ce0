#include "engine/train/run_monitor.h"

#include <cstdio>

#include "engine/core/json_value.h"

namespace simclr {

MonitorMetrics monitor_run(RunState& s, int64_t at_step, const TrainCallbacks& callbacks, const StopToken& stop) {
  MonitorMetrics m = s.monitor->evaluate(s.model, at_step, double(at_step) / s.steps_per_epoch, callbacks, stop);
  s.metrics->write(to_json(m));
  if (callbacks.on_monitor) callbacks.on_monitor(m);
  callbacks.log(LogLevel::Info, monitor_summary(m));
  return m;
}

bool monitor_due(const RunState& s) {
  if (s.project.evaluation.knn_every_epochs <= 0 || s.step % s.steps_per_epoch != 0) return false;
  return (s.step / s.steps_per_epoch) % s.project.evaluation.knn_every_epochs == 0 || s.step == s.total_steps;
}

void measure_initial_monitor(RunState& s, const TrainCallbacks& callbacks, const StopToken& stop) {
  if (s.monitor && s.project.evaluation.knn_at_start && s.step == 0)
    s.result.initial_monitor = monitor_run(s, 0, callbacks, stop);
  if (!s.opened.resuming()) return;
  for (const auto& record : read_metrics(s.opened.folder.metrics_file()))
    if (json_value_or(record, "type", "") == "monitor" && json_value_or(record, "step", int64_t{-1}) == 0) {
      s.result.initial_monitor = monitor_metrics_from_json(record);
    }
}

}  // namespace simclr
