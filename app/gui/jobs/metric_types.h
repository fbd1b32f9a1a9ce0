#pragma once
// The engine's plain value types that cross from worker threads into the GUI thread through
// queued signals, registered with Qt's meta-type system.
#include <QMetaType>
#include <QString>

#include "engine/train/train_metrics.h"

namespace simclr::gui {

// How a training job ended, as the GUI shows it.
struct TrainingOutcome {
  QString runDir;
  QString state;  // "completed", "stopped" or "failed"
  qint64 stepsDone = 0;
  qint64 totalSteps = 0;
  double finalLoss = 0;
  double trainSeconds = 0;
  QString error;          // the engine's message when state == "failed"
  bool badInput = false;  // the error is about the project or data, not a runtime failure
  int exitCode = 0;       // simclr-cli's, for runs trained in other processes (-1: did not exit normally)
};

// Progress of the current stage ("train", "kNN monitor", ...).
struct JobProgress {
  QString stage;
  qint64 step = 0;
  qint64 total = 0;
  double elapsedSeconds = 0;
  double etaSeconds = -1;
};

// Call once before connecting queued signals that carry these types.
void registerMetricTypes();

}  // namespace simclr::gui

Q_DECLARE_METATYPE(simclr::StepMetrics)
Q_DECLARE_METATYPE(simclr::MonitorMetrics)
Q_DECLARE_METATYPE(simclr::gui::TrainingOutcome)
Q_DECLARE_METATYPE(simclr::gui::JobProgress)
