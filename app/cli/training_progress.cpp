#include "app/cli/training_progress.h"

#include <cstdio>

namespace simclr::cli {

void attach_training_progress(TerminalProgress& bar, TrainCallbacks& callbacks) {
  static_cast<JobCallbacks&>(callbacks) = bar.callbacks();
  callbacks.on_step = [&bar](const StepMetrics& m) {
    char text[128];
    std::snprintf(text, sizeof text, "loss %.4f  lr %.2e  %.0f views/s", m.loss, m.learning_rate, m.views_per_s);
    bar.set_suffix("train", text);
  };
}

void quiet_for_other_ranks(const std::optional<LaunchEnvironment>& launch, TrainCallbacks& callbacks) {
  if (!launch || launch->rank == 0) return;
  const int rank = launch->rank;
  callbacks.on_progress = nullptr;
  callbacks.on_step = nullptr;
  callbacks.on_log = [rank](LogLevel level, const std::string& text) {
    if (level == LogLevel::Warning || level == LogLevel::Error)
      std::fprintf(stderr, "[rank %d] %s: %s\n", rank, to_string(level), text.c_str());
  };
}

}  // namespace simclr::cli
