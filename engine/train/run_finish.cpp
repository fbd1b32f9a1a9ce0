#include "engine/train/run_finish.h"

#include <cstring>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/fault_point.h"
#include "engine/train/run_checkpoint.h"
#include "engine/train/run_monitor.h"

namespace simclr {

namespace {

// What the ranks exchanged per step (every collective: gathered z, synchronised BN,
// gradients, the per-step agreement), for the benchmark and the scaling model. The seconds
// are waits, which include waiting for a slower rank; the gradient wait is what backward
// did not hide of the gradients' sum.
nlohmann::json communication(const RunState& s) {
  const double steps = std::max<int64_t>(1, s.step - s.first_step);
  return {{"bytes_per_step", s.group->bytes_communicated() / steps},
          {"seconds_per_step", s.group->seconds_communicating() / steps},
          {"gradient_wait_seconds_per_step", s.gradients->seconds_waiting() / steps},
          {"train_seconds_per_step", (s.train_seconds - s.first_train_seconds) / steps},
          {"steps", s.step - s.first_step}};
}

void write_status(const RunState& s, const TrainResult& result) {
  const RunFolder& run = s.opened.folder;
  nlohmann::json status = {
      {"state", result.state},           {"steps_done", result.steps_done},       {"total_steps", result.total_steps},
      {"final_loss", result.final_loss}, {"train_seconds", result.train_seconds}, {"parameters", result.parameters},
      {"device", result.device},         {"world_size", result.world_size}};
  if (result.initial_monitor) status["initial_monitor"] = to_json(*result.initial_monitor);
  if (result.final_monitor) status["final_monitor"] = to_json(*result.final_monitor);
  if (s.group) status["communication"] = communication(s);
  if (const int error = fault_point("status_write"))
    throw IoError(run.status_file().string() + ": cannot write: " + std::strerror(error));
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
  if (s.leader()) write_status(s, result);
  callbacks.log(LogLevel::Info, std::string("training ") + result.state + " at step " + std::to_string(s.step) + "/" +
                                    std::to_string(s.total_steps));
  return result;
}

}  // namespace simclr
