#include "engine/experiments/memory_check.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <torch/torch.h>

#include "engine/augment/augment_pipeline.h"
#include "engine/core/device.h"
#include "engine/core/seeding.h"
#include "engine/core/tensor_memory_cache.h"
#include "engine/experiments/training_step_probe.h"
#include "engine/train/precision.h"
#include "engine/train/train_optimizer.h"

namespace simclr {

namespace {

// A /proc/self/status or /proc/meminfo field in kB, as bytes; 0 when absent.
double proc_field_bytes(const char* file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) {
      std::istringstream fields(line.substr(key.size() + 1));
      double kb = 0;
      fields >> kb;
      return kb * 1024.0;
    }
  return 0;
}

// Resets the peak resident size (VmHWM) so the next reading is the peak of what follows.
bool reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

// One real training step of the point's run (fresh model, optimizer, two views, backward),
// building them included.
double run_one_step(const SweepPoint& point, const RunData& data, const torch::Device& device) {
  const auto start = std::chrono::steady_clock::now();
  TrainingStepProbe probe(point.config, data.data.train.channels(), data.data.train.height(), device);
  probe.optimizer().set_learning_rate(point.learning_rate);
  probe.step(data.stats, data.data.train.rows(0, point.batch_size).to(device), 0);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool is_out_of_memory(const std::exception& e) {
  const std::string what = e.what();
  return what.find("out of memory") != std::string::npos || what.find("can't allocate memory") != std::string::npos;
}

}  // namespace

double available_memory_bytes() {
  return proc_field_bytes("/proc/meminfo", "MemAvailable");
}

std::string format_bytes(double bytes) {
  char text[32];
  if (bytes >= 1e9)
    std::snprintf(text, sizeof text, "%.1f GB", bytes / 1e9);
  else
    std::snprintf(text, sizeof text, "%.0f MB", bytes / 1e6);
  return text;
}

MemoryCheckResult check_sweep_memory(const SweepPlan& plan, const RunData& data, const std::string& device_name,
                                     const JobCallbacks& callbacks, const StopToken& stop) {
  const torch::Device device = resolve_device(device_name);
  MemoryCheckResult result;
  result.device = describe_device(device);
  for (const auto& p : plan.points) {
    BatchMemoryCheck check;
    check.batch_size = p.batch_size;
    result.points.push_back(check);
  }

  if (device.is_cuda()) {
    ProgressClock clock("memory", static_cast<long long>(plan.points.size()));
    bool out_of_memory = false;
    for (size_t i = 0; i < plan.points.size(); ++i) {
      stop.throw_if_stopped("memory check");
      BatchMemoryCheck& c = result.points[i];
      if (out_of_memory) {
        c.note = "not tried: a smaller batch size ran out of memory";
        continue;
      }
      try {
        c.seconds_per_step = run_one_step(plan.points[i], data, device);
        c.measured = c.fits = true;
        c.note = "a training step ran";
      } catch (const std::exception& e) {
        if (!is_out_of_memory(e)) throw;
        out_of_memory = true;
        c.measured = true;
        c.note = "out of memory on " + result.device;
      }
      callbacks.progress(clock.at(static_cast<long long>(i + 1)));
    }
  } else {
    // Two measured points give memory = fixed + per_image * batch; one gives a proportional guess.
    result.available_bytes = available_memory_bytes();
    const size_t measure = std::min<size_t>(2, plan.points.size());
    ProgressClock clock("memory", static_cast<long long>(measure));
    for (size_t i = 0; i < measure; ++i) {
      stop.throw_if_stopped("memory check");
      BatchMemoryCheck& c = result.points[i];
      release_cached_tensor_memory();  // else the previous step's kept blocks count as baseline
      const double before = proc_field_bytes("/proc/self/status", "VmRSS");
      const bool peak_reset = reset_peak_rss();
      c.seconds_per_step = run_one_step(plan.points[i], data, device);
      const double peak = proc_field_bytes("/proc/self/status", "VmHWM");
      c.measured = true;
      c.bytes = peak_reset && peak > before ? peak - before : 0;
      callbacks.progress(clock.at(static_cast<long long>(i + 1)));
    }
    double per_image = 0, fixed = 0;
    const BatchMemoryCheck& a = result.points[0];
    if (measure == 2 && result.points[1].bytes > a.bytes && a.bytes > 0) {
      const BatchMemoryCheck& b = result.points[1];
      per_image = (b.bytes - a.bytes) / static_cast<double>(b.batch_size - a.batch_size);
      fixed = a.bytes - per_image * static_cast<double>(a.batch_size);
    } else if (a.bytes > 0) {
      per_image = a.bytes / static_cast<double>(a.batch_size);
    }
    const double budget = 0.8 * result.available_bytes;  // leave room for the rest of the system
    for (auto& c : result.points) {
      if (!c.measured)
        c.bytes = per_image > 0 ? std::max(0.0, fixed) + per_image * static_cast<double>(c.batch_size) : 0;
      const std::string how = c.measured ? "measured " : "estimated ";
      if (c.bytes <= 0 || budget <= 0) {
        c.fits = true;
        c.note = c.measured ? "a training step ran (peak memory not readable)" : "not estimated (memory not readable)";
      } else {
        c.fits = c.bytes <= budget;
        c.note = how + format_bytes(c.bytes) + (c.fits ? " of " : " > 80% of ") + format_bytes(result.available_bytes) +
                 " available";
      }
    }
  }
  for (const auto& c : result.points)
    if (c.fits) result.largest_fitting = std::max(result.largest_fitting, c.batch_size);
  return result;
}

}  // namespace simclr
