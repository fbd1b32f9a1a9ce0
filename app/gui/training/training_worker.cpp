#include "app/gui/training/training_worker.h"

#include "app/gui/jobs/job_bridge.h"

#include <cmath>
#include <exception>

#include <c10/util/Exception.h>

#include "engine/core/error.h"
#include "engine/experiments/batch_size_sweep.h"

namespace simclr::gui {

void registerMetricTypes() {
  qRegisterMetaType<simclr::StepMetrics>();
  qRegisterMetaType<simclr::MonitorMetrics>();
  qRegisterMetaType<TrainingOutcome>();
  qRegisterMetaType<JobProgress>();
}

TrainingWorker::TrainingWorker(QObject* parent) : QObject(parent) {
  registerMetricTypes();
}

TrainCallbacks TrainingWorker::trainCallbacks() {
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
  return callbacks;
}

void TrainingWorker::run(const ProjectConfig& project, const TrainOptions& options, StopToken stop) {
  const TrainCallbacks callbacks = trainCallbacks();
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
  release_cached_tensor_memory();  // the run's activations are not needed until the next one
  Q_EMIT finished(outcome);
}

void TrainingWorker::runSweep(const ProjectConfig& project, const SweepOptions& options, StopToken stop) {
  SweepCallbacks callbacks;
  static_cast<TrainCallbacks&>(callbacks) = trainCallbacks();
  callbacks.on_point_start = [this](size_t index, int64_t batch) { Q_EMIT sweepPointStarted(int(index), batch); };
  callbacks.on_point_done = [this](const SweepPointResult& r) {
    Q_EMIT sweepPointDone(r.batch_size, QString::fromStdString(r.status));
  };

  TrainingOutcome outcome;
  try {
    const SweepResult result = run_sweep(project, options, callbacks, stop);
    outcome.runDir = QString::fromStdString(result.sweep_dir.string());
    outcome.state = result.stopped ? QStringLiteral("stopped") : QStringLiteral("completed");
    for (const SweepPointResult& p : result.points) {
      outcome.totalSteps += p.steps;
      if (p.status == "done") outcome.stepsDone += p.steps;
      if (p.status == "done" && !std::isnan(p.final_loss)) outcome.finalLoss = p.final_loss;
      if (!std::isnan(p.train_seconds)) outcome.trainSeconds += p.train_seconds;
    }
  } catch (const CancelledError&) {
    // Stopped while a point was being evaluated: its training is kept, and a resumed sweep
    // evaluates it again.
    outcome.state = QStringLiteral("stopped");
    outcome.runDir = QString::fromStdString(
        (options.resume_sweep.empty() ? options.runs_root / options.sweep_name : options.resume_sweep).string());
  } catch (...) {
    outcome.state = QStringLiteral("failed");
    outcome.error = jobErrorMessage(std::current_exception(), &outcome.badInput);
  }
  if (outcome.state == QLatin1String("failed")) Q_EMIT logMessage(static_cast<int>(LogLevel::Error), outcome.error);
  release_cached_tensor_memory();  // the run's activations are not needed until the next one
  Q_EMIT finished(outcome);
}

}  // namespace simclr::gui
