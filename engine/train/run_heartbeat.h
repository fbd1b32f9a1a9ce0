#pragma once
// The process record of a run while it trains (engine/project/run_process.h): written when
// training starts, its heartbeat and step refreshed every `every` by a thread of its own
// (so a paused run, or one busy in its monitor, still shows as alive), removed at the end.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "engine/project/run_process.h"

namespace simclr {

class RunHeartbeat {
 public:
  // Writes the record now; throws IoError when it cannot.
  explicit RunHeartbeat(RunFolder run, std::chrono::milliseconds every = std::chrono::seconds(10));
  // Stops the thread and removes the record: the run no longer trains (status.json, when
  // the run got that far, says how it ended).
  ~RunHeartbeat();
  RunHeartbeat(const RunHeartbeat&) = delete;
  RunHeartbeat& operator=(const RunHeartbeat&) = delete;

  // Cheap: read by the next heartbeat. A new total (known once the data is loaded) is
  // written at once, so the record says how long the run is from its first step.
  void set_progress(int64_t step, int64_t total_steps) {
    step_ = step;
    if (total_steps != total_steps_) write_total(total_steps);
  }

 private:
  void beat_until_stopped();
  void write();  // with mutex_ held
  void write_total(int64_t total_steps);

  RunFolder run_;
  ProcessRecord record_;
  std::chrono::milliseconds every_;
  std::atomic<int64_t> step_{0};
  std::atomic<int64_t> total_steps_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace simclr
