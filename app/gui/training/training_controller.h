#pragma once
// Owns the training thread and its worker, and the state the toolbar and menus follow:
// Idle -> Running <-> Paused -> Stopping -> Idle. Pause and stop set the run's StopToken
// directly from the GUI thread; everything the worker reports arrives by queued signal.
// Data-parallel runs train in simclr-cli processes instead (startProcesses): they report
// through the same signals, read from the run folder rank 0 writes, and cannot pause.
#include <QObject>
#include <QString>
#include <QThread>

#include "app/gui/jobs/metric_types.h"
#include "engine/core/job.h"
#include "engine/project/project_config.h"

namespace simclr::gui {

class CliTraining;
class TrainingWorker;

class TrainingController : public QObject {
  Q_OBJECT
 public:
  enum class State { Idle, Running, Paused, Stopping };
  Q_ENUM(State)

  explicit TrainingController(QObject* parent = nullptr);
  // Stops a run in progress and waits for its thread (its checkpoint is saved).
  ~TrainingController() override;

  // Starts a new run (resumeRunDir empty) or continues that run from its latest
  // checkpoint. runsRoot empty = runs/ beside the project. Returns the run folder the run
  // writes to, or empty (and emits failed) when a run is already going.
  QString start(const simclr::ProjectConfig& project, const QString& resumeRunDir = {}, const QString& runsRoot = {},
                const QString& deviceOverride = {}, int threadsOverride = -1);
  // Runs the project's batch-size sweep (sweep.batch_sizes) on the same thread, point after
  // point, or continues the sweep folder resumeSweepDir. Each point is announced by
  // sweepPointStarted and then reports like a run; finished() ends the whole sweep, its
  // runDir the sweep folder. Pause and stop act on the point being trained. Returns the
  // sweep folder, or empty (and logs why) when a job is already going.
  QString startSweep(const simclr::ProjectConfig& project, const QString& resumeSweepDir = {},
                     const QString& runsRoot = {}, const QString& deviceOverride = {}, int threadsOverride = -1);
  // Trains in `processes` local processes (simclr-cli train project.file --nproc-per-node N;
  // the CLI reads the project FILE, so save it first) and follows the run folder their rank
  // 0 writes: its metrics arrive as stepReported / monitorReported, the CLI's stderr lines as
  // logMessage. Arguments as start(); project.training.max_steps is passed as --max-steps.
  QString startProcesses(const simclr::ProjectConfig& project, int processes, const QString& resumeRunDir = {},
                         const QString& runsRoot = {}, const QString& deviceOverride = {}, int threadsOverride = -1);
  // The simclr-cli that startProcesses runs (default: defaultCliPath()).
  void setCliPath(const QString& path) { cliPath_ = path; }
  QString cliPath() const { return cliPath_; }
  // Only an in-process run can pause: simclr-cli's ranks stop (with a checkpoint) or run.
  // In several processes, once the ranks report steps (they handle the pause signal then).
  bool canPause() const;
  bool isProcessRun() const { return cli_ != nullptr; }

  void pause();
  void resume();
  void stop();
  // Stops and blocks until the worker has finished (the window is closing).
  void stopAndWait();

  State state() const { return state_; }
  bool isBusy() const { return state_ != State::Idle; }
  // The run being trained: in a sweep, the current point's run folder.
  QString currentRunDir() const { return runDir_; }
  bool isSweep() const { return !sweepDir_.isEmpty(); }
  QString currentSweepDir() const { return sweepDir_; }

 Q_SIGNALS:
  void stateChanged(simclr::gui::TrainingController::State state);
  void runStarted(const QString& runDir);
  // A run in other processes: its metrics file was replaced (a resumed run drops the
  // records after its checkpoint); the records reported so far are void and come again.
  void metricsRestarted(const QString& runDir);
  void sweepStarted(const QString& sweepDir, int pointCount);
  // number: 1..count in the sweep's plan (finished points of a resumed sweep are skipped).
  void sweepPointStarted(int number, int count, qint64 batchSize, const QString& runDir);
  void sweepPointDone(qint64 batchSize, const QString& status);
  void stepReported(const simclr::StepMetrics& metrics);
  void monitorReported(const simclr::MonitorMetrics& metrics);
  void progressReported(const simclr::gui::JobProgress& progress);
  void checkpointSaved(const QString& file);
  void logMessage(int level, const QString& text);
  void finished(const simclr::gui::TrainingOutcome& outcome);

 private:
  void setState(State state);
  QString uniqueFolder(const QString& root, const QString& base) const;
  // Logs a warning and returns true while a run or sweep is in progress.
  bool refuseWhileBusy();
  // Where new run or sweep folders go: runsRoot, or the project's runs folder when empty.
  static QString runsFolder(const ProjectConfig& project, const QString& runsRoot);
  void onSweepPointStarted(int index, qint64 batchSize);
  void onFinished(const simclr::gui::TrainingOutcome& outcome);
  // A new run's folder under the runs folder, named after the project and the time.
  QString newRunFolder(const ProjectConfig& project, const QString& runsRoot, QString* name) const;

  QThread thread_;
  TrainingWorker* worker_ = nullptr;  // lives on thread_, deleted with deleteLater
  simclr::StopToken stop_;
  CliTraining* cli_ = nullptr;  // while a run trains in simclr-cli processes
  QString cliPath_;
  State state_ = State::Idle;
  QString runDir_;
  QString sweepDir_;  // empty unless a sweep is running
  int sweepPoints_ = 0;
};

}  // namespace simclr::gui
