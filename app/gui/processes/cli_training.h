#pragma once
// Data-parallel training in other processes: runs `simclr-cli train PROJECT
// --nproc-per-node N` (the CLI starts and supervises the N ranks) in a QProcess and follows
// the run folder rank 0 writes with a RunFollower, so its metrics arrive as the same
// signals an in-process run's do. Stopping sends SIGINT to the launcher, which forwards it
// to every rank: they stop at the same step and save a checkpoint. The CLI's stderr lines
// arrive as log messages, its progress-bar lines as progress.
#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

#include "app/gui/jobs/metric_types.h"

namespace simclr::gui {

class RunFollower;

// What `simclr-cli train` is asked to do.
struct CliTrainRequest {
  QString projectFile;
  int processes = 2;     // --nproc-per-node
  QString runsRoot;      // --runs-dir
  QString runName;       // --run-name of a new run
  QString resumeRunDir;  // --resume this run instead
  QString device;        // --device; empty = the project's
  int threads = -1;      // --threads per process; -1 = the launcher's share of the cores
  qint64 maxSteps = 0;   // --max-steps; 0 = the project's
};

// The command line after the program: train PROJECT --nproc-per-node N ...
QStringList cliTrainArguments(const CliTrainRequest& request);

class CliTraining : public QObject {
  Q_OBJECT
 public:
  explicit CliTraining(QObject* parent = nullptr);
  // A launcher still running is interrupted and waited for (its ranks save a checkpoint).
  ~CliTraining() override;

  // Starts `program` with the request and follows runDir (the folder the request names).
  // Always ends with finished(), also when the program cannot be started.
  void start(const QString& program, const CliTrainRequest& request, const QString& runDir);
  // SIGINT to the launcher (sent once the process is up, if it is still starting).
  void interrupt();
  // SIGUSR1 (pause) or SIGUSR2 (go on) to the launcher, which passes it to every rank; only
  // once a step was reported, when every rank is sure to handle it. Returns whether sent.
  bool setPaused(bool paused);
  bool canPause() const { return firstStep_ >= 0 && isRunning(); }
  // Interrupts, waits up to timeoutMs for the ranks to stop, then kills the launcher.
  void stopAndWait(int timeoutMs = 120000);
  bool isRunning() const;
  RunFollower& follower() { return *follower_; }
  QString runDir() const { return runDir_; }

 Q_SIGNALS:
  void metricsRestarted();  // what was reported before is void: the metrics are read again
  void stepReported(const simclr::StepMetrics& metrics);
  void monitorReported(const simclr::MonitorMetrics& metrics);
  void progressReported(const simclr::gui::JobProgress& progress);
  void logMessage(int level, const QString& text);
  void finished(const simclr::gui::TrainingOutcome& outcome);

 private:
  void readOutput(QProcess::ProcessChannel channel);
  void handleLine(const QString& text, bool fromStderr);
  void onStep(const simclr::StepMetrics& metrics);
  void onFinished(int exitCode, QProcess::ExitStatus status);
  void onError(QProcess::ProcessError error);
  void sendInterrupt();
  QString errorText(int exitCode) const;
  void finish(simclr::gui::TrainingOutcome outcome);

  QProcess* process_;
  RunFollower* follower_;
  QString program_;
  QString runDir_;
  QByteArray pending_[2];  // stdout, stderr: the line being written
  QStringList errors_;     // "error: ..." lines, in order, without repeats
  QString lastLine_;       // the last stderr message line
  qint64 totalSteps_ = 0;  // from the progress lines
  QElapsedTimer clock_;    // since start()
  qint64 firstStep_ = -1;  // the first step reported, and when (clock_)
  qint64 firstStepMs_ = 0;
  bool interruptPending_ = false;
  bool interrupted_ = false;  // SIGINT was sent
  bool finished_ = false;
};

}  // namespace simclr::gui
