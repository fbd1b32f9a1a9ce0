#include "app/gui/training_worker.h"

#include "app/gui/job_bridge.h"

#include <exception>

#include <c10/util/Exception.h>

#include "engine/core/error.h"

namespace simclr::gui {

void registerMetricTypes() {
  qRegisterMetaType<simclr::StepMetrics>();
  qRegisterMetaType<simclr::MonitorMetrics>();
  qRegisterMetaType<TrainingOutcome>();
  qRegisterMetaType<JobProgress>();
}

TrainingWorker::TrainingWorker(QObject* parent) : QObject(parent) { registerMetricTypes(); }

void TrainingWorker::run(const ProjectConfig& project, const TrainOptions& options, StopToken stop) {
  TrainCallbacks callbacks;
  callbacks.on_step = [this](const StepMetrics& m) { Q_EMIT stepReported(m); };
  callbacks.on_monitor = [this](const MonitorMetrics& m) { Q_EMIT monitorReported(m); };
  callbacks.on_checkpoint = [this](const std::string& file) { Q_EMIT checkpointSaved(QString::fromStdString(file)); };
  callbacks.on_log = [this](LogLevel level, const std::string& text) {
    Q_EMIT logMessage(static_cast<int>(level), QString::fromStdString(text));
  };
  callbacks.on_progress = [this](const Progress& p) {
    Q_EMIT progressReported(JobProgress{QString::fromStdString(p.stage), p.step, p.total, p.elapsed_s, p.eta_s});
  };

  TrainingOutcome outcome;
  try {
    const TrainResult result = train(project, options, callbacks, stop);
    outcome.runDir = QString::fromStdString(result.run_dir.string());
    outcome.state = QString::fromStdString(result.state);
    outcome.stepsDone = result.steps_done;
    outcome.totalSteps = result.total_steps;
    outcome.finalLoss = result.final_loss;
    outcome.trainSeconds = result.train_seconds;
  } catch (...) {
    outcome.state = QStringLiteral("failed");
    outcome.error = jobErrorMessage(std::current_exception(), &outcome.badInput);
  }
  if (outcome.state == QLatin1String("failed")) Q_EMIT logMessage(static_cast<int>(LogLevel::Error), outcome.error);
  Q_EMIT finished(outcome);
}

}  // namespace simclr::gui
