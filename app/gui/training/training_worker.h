#pragma once
// Runs the engine's trainer on the thread this object lives on (a QThread of its own).
// Start with a queued call to run(); stop and pause through the StopToken given to run(),
// which the GUI thread sets directly, so they take effect at the next step without waiting
// for this thread's event queue. Engine exceptions are caught here and reported by signal.
#include <QObject>
#include <QString>

#include "app/gui/jobs/metric_types.h"
#include "engine/core/job.h"
#include "engine/project/project_config.h"
#include "engine/train/trainer.h"

namespace simclr {
struct SweepOptions;  // engine/experiments/batch_size_sweep.h pulls in Torch: not in a moc'd header
}

namespace simclr::gui {

class TrainingWorker : public QObject {
  Q_OBJECT
 public:
  explicit TrainingWorker(QObject* parent = nullptr);

  // Blocks this thread until the run ends. Always emits finished() exactly once.
  void run(const simclr::ProjectConfig& project, const simclr::TrainOptions& options, simclr::StopToken stop);
  // The project's batch-size sweep: one run per batch size, each reported like a run
  // (steps, monitor, checkpoints) between sweepPointStarted and sweepPointDone. Blocks
  // until the sweep ends; finished() carries the sweep folder as its runDir.
  void runSweep(const simclr::ProjectConfig& project, const simclr::SweepOptions& options, simclr::StopToken stop);

 Q_SIGNALS:
  void stepReported(const simclr::StepMetrics& metrics);
  void monitorReported(const simclr::MonitorMetrics& metrics);
  void progressReported(const simclr::gui::JobProgress& progress);
  void checkpointSaved(const QString& file);
  void logMessage(int level, const QString& text);  // level: simclr::LogLevel
  void finished(const simclr::gui::TrainingOutcome& outcome);
  void sweepPointStarted(int index, qint64 batchSize);           // index into the sweep's plan
  void sweepPointDone(qint64 batchSize, const QString& status);  // "done", "failed", "stopped"

 private:
  simclr::TrainCallbacks trainCallbacks();
};

}  // namespace simclr::gui
