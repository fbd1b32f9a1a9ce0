#pragma once
// Will a batch size fit in memory? Checked before a sweep starts, so a sweep does not fail
// halfway. On a CUDA device each batch size is tried with a real training step, in
// ascending order, until one runs out of memory. On the CPU an out-of-memory step does not
// throw (the kernel's OOM killer ends the process), so the two smallest batch sizes are
// measured with real steps (peak resident memory) and the larger ones are extrapolated
// linearly and compared with the memory the system has available.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/job.h"
#include "engine/train/run_setup.h"
#include "engine/experiments/sweep_plan.h"

namespace simclr {

struct BatchMemoryCheck {
  int64_t batch_size = 0;
  bool fits = false;
  bool measured = false;        // a real step ran (else: extrapolated, or not tried after an OOM)
  double bytes = 0;             // peak memory of the step (measured or estimated); 0 = unknown
  double seconds_per_step = 0;  // of the measured step (first-step overheads included); 0 = unknown
  std::string note;             // one line for the plan: "measured 1.2 GB", "estimated 31 GB > 20 GB available"
};

struct MemoryCheckResult {
  std::string device;                    // as describe_device() says
  double available_bytes = 0;            // CPU: MemAvailable at the start; CUDA: 0 (not known here)
  std::vector<BatchMemoryCheck> points;  // one per plan point, same order
  int64_t largest_fitting = 0;           // 0 when none fits
};

// `data` is the sweep's dataset (the project's limits applied). Progress stage "memory".
MemoryCheckResult check_sweep_memory(const SweepPlan& plan, const RunData& data, const std::string& device,
                                     const JobCallbacks& callbacks = {}, const StopToken& stop = {});

// Bytes the system can still give (MemAvailable of /proc/meminfo); 0 when unknown.
double available_memory_bytes();

// "1.2 GB".
std::string format_bytes(double bytes);

}  // namespace simclr
