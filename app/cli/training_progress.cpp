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

}  // namespace simclr::cli
