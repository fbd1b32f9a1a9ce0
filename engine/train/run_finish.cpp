#include "engine/train/run_finish.h"

#include "engine/core/atomic_file.h"
#include "engine/train/run_checkpoint.h"
#include "engine/train/run_monitor.h"

namespace simclr {

namespace {

void write_status(const RunFolder& run, const TrainResult& result) {
  nlohmann::json status = {
      {"state", result.state},           {"steps_done", result.steps_done},       {"total_steps", result.total_steps},
      {"final_loss", result.final_loss}, {"train_seconds", result.train_seconds}, {"parameters", result.parameters},
      {"device", result.device},         {"world_size", result.world_size}};
  if (result.initial_monitor) status["initial_monitor"] = to_json(*result.initial_monitor);
  if (result.final_monitor) status["final_monitor"] = to_json(*result.final_monitor);
  write_file_atomically(run.status_file(), status.dump(2) + "\n");
}

}  // namespace

TrainResult finish_run(RunState& s, bool stopped, const TrainCallbacks& callbacks, const StopToken& stop) {
  TrainResult& result = s.result;
  // A run cut short by max_steps still ends with a measurement of what it learned.
  if (s.monitor && !stopped && s.step == s.stop_at && (!result.final_monitor || result.final_monitor->step != s.step))
    result.final_monitor = monitor_run(s, s.step, callbacks, stop);
  if (s.leader()) save_run_checkpoint(s, callbacks);
  result.state = stopped || s.step < s.stop_at ? "stopped" : "completed";
  result.steps_done = s.step;
  result.final_loss = s.last_loss;
  result.train_seconds = s.train_seconds;
  if (s.leader()) write_status(s.opened.folder, result);
  callbacks.log(LogLevel::Info, std::string("training ") + result.state + " at step " + std::to_string(s.step) + "/" +
                                    std::to_string(s.total_steps));
  return result;
}

}  // namespace simclr
