#include "app/gui/training/training_controller.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <set>

#include "app/gui/processes/cli_executable.h"
#include "app/gui/processes/cli_training.h"
#include "app/gui/training/training_worker.h"
#include "engine/experiments/batch_size_sweep.h"
#include "engine/experiments/sweep_plan.h"
#include "engine/project/run_folder.h"

namespace simclr::gui {

TrainingController::TrainingController(QObject* parent) : QObject(parent), cliPath_(defaultCliPath()) {
  registerMetricTypes();
  thread_.setObjectName(QStringLiteral("training"));
  worker_ = new TrainingWorker;
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  connect(worker_, &TrainingWorker::stepReported, this, &TrainingController::stepReported);
  connect(worker_, &TrainingWorker::monitorReported, this, &TrainingController::monitorReported);
  connect(worker_, &TrainingWorker::progressReported, this, &TrainingController::progressReported);
  connect(worker_, &TrainingWorker::checkpointSaved, this, &TrainingController::checkpointSaved);
  connect(worker_, &TrainingWorker::logMessage, this, &TrainingController::logMessage);
  connect(worker_, &TrainingWorker::finished, this, &TrainingController::onFinished);
  connect(worker_, &TrainingWorker::sweepPointStarted, this, &TrainingController::onSweepPointStarted);
  connect(worker_, &TrainingWorker::sweepPointDone, this, &TrainingController::sweepPointDone);
  thread_.start();
}

TrainingController::~TrainingController() {
  if (cli_) {
    disconnect(cli_, nullptr, this, nullptr);
    cli_->stopAndWait();  // every rank stops at the next step and saves a checkpoint
  }
  stop_.request_stop();
  thread_.quit();
  thread_.wait();
}

QString TrainingController::start(const ProjectConfig& project, const QString& resumeRunDir, const QString& runsRoot,
                                  const QString& deviceOverride, int threadsOverride) {
  if (refuseWhileBusy()) return {};
  TrainOptions options;
  options.device_override = deviceOverride.toStdString();
  options.threads_override = threadsOverride;
  QString runDir;
  if (!resumeRunDir.isEmpty()) {
    options.resume_run = resumeRunDir.toStdString();
    runDir = QFileInfo(resumeRunDir).absoluteFilePath();
  } else {
    // Naming the run here lets the GUI follow its folder from the first step.
    QString name;
    runDir = newRunFolder(project, runsRoot, &name);
    options.runs_root = runsFolder(project, runsRoot).toStdString();
    options.run_name = name.toStdString();
  }
  stop_ = StopToken();
  sweepDir_.clear();
  runDir_ = runDir;
  setState(State::Running);
  Q_EMIT runStarted(runDir_);
  QMetaObject::invokeMethod(
      worker_, [worker = worker_, project, options, stop = stop_] { worker->run(project, options, stop); },
      Qt::QueuedConnection);
  return runDir_;
}

QString TrainingController::startProcesses(const ProjectConfig& project, int processes, const QString& resumeRunDir,
                                           const QString& runsRoot, const QString& deviceOverride,
                                           int threadsOverride) {
  if (refuseWhileBusy()) return {};
  CliTrainRequest request;
  request.projectFile = QString::fromStdString(project.file.string());
  request.processes = processes;
  request.runsRoot = runsFolder(project, runsRoot);
  request.device = deviceOverride;
  request.threads = threadsOverride;
  request.maxSteps = project.training.max_steps;
  if (!resumeRunDir.isEmpty()) {
    request.resumeRunDir = QFileInfo(resumeRunDir).absoluteFilePath();
    runDir_ = request.resumeRunDir;
  } else {
    runDir_ = newRunFolder(project, runsRoot, &request.runName);
  }
  sweepDir_.clear();
  cli_ = new CliTraining(this);
  connect(cli_, &CliTraining::stepReported, this, &TrainingController::stepReported);
  connect(cli_, &CliTraining::monitorReported, this, &TrainingController::monitorReported);
  connect(cli_, &CliTraining::progressReported, this, &TrainingController::progressReported);
  connect(cli_, &CliTraining::logMessage, this, &TrainingController::logMessage);
  connect(cli_, &CliTraining::metricsRestarted, this, [this] { Q_EMIT metricsRestarted(runDir_); });
  connect(cli_, &CliTraining::finished, this, [this](const TrainingOutcome& outcome) {
    cli_->deleteLater();
    cli_ = nullptr;
    onFinished(outcome);
  });
  setState(State::Running);
  Q_EMIT runStarted(runDir_);
  cli_->start(cliPath_, request, runDir_);  // a program that cannot start ends in finished()
  return runDir_;
}

QString TrainingController::newRunFolder(const ProjectConfig& project, const QString& runsRoot, QString* name) const {
  const QString root = runsFolder(project, runsRoot);
  *name = uniqueFolder(root, QString::fromStdString(project.name.empty() ? std::string("run") : project.name));
  return QDir(root).absoluteFilePath(*name);
}

QString TrainingController::startSweep(const ProjectConfig& project, const QString& resumeSweepDir,
                                       const QString& runsRoot, const QString& deviceOverride, int threadsOverride) {
  if (refuseWhileBusy()) return {};
  SweepOptions options;
  options.device_override = deviceOverride.toStdString();
  options.threads_override = threadsOverride;
  QString sweepDir;
  if (!resumeSweepDir.isEmpty()) {
    sweepDir = QFileInfo(resumeSweepDir).absoluteFilePath();
    options.resume_sweep = sweepDir.toStdString();
  } else {
    // As for a run: naming the folder here lets the GUI follow it from the start. The
    // engine accepts only plain names, so the project's name is reduced to those characters.
    const QString root = runsFolder(project, runsRoot);
    QString base = QString::fromStdString(project.name.empty() ? std::string("sweep") : project.name + "-sweep");
    base.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._+-]")), QStringLiteral("-"));
    const QString name = uniqueFolder(root, base);
    options.runs_root = root.toStdString();
    options.sweep_name = name.toStdString();
    sweepDir = QDir(root).absoluteFilePath(name);
  }
  const auto& sizes = project.sweep.batch_sizes;
  sweepPoints_ = int(std::set<int64_t>(sizes.begin(), sizes.end()).size());  // the plan: distinct, ascending
  stop_ = StopToken();
  sweepDir_ = sweepDir;
  runDir_.clear();
  setState(State::Running);
  Q_EMIT sweepStarted(sweepDir_, sweepPoints_);
  QMetaObject::invokeMethod(
      worker_, [worker = worker_, project, options, stop = stop_] { worker->runSweep(project, options, stop); },
      Qt::QueuedConnection);
  return sweepDir_;
}

void TrainingController::onSweepPointStarted(int index, qint64 batchSize) {
  if (sweepDir_.isEmpty()) return;
  runDir_ = QDir(sweepDir_).absoluteFilePath(QString::fromStdString(sweep_point_name(batchSize)));
  Q_EMIT sweepPointStarted(index + 1, sweepPoints_, batchSize, runDir_);
}

bool TrainingController::refuseWhileBusy() {
  if (!isBusy()) return false;
  Q_EMIT logMessage(static_cast<int>(LogLevel::Warning), tr("A training run is already in progress."));
  return true;
}

QString TrainingController::runsFolder(const ProjectConfig& project, const QString& runsRoot) {
  return runsRoot.isEmpty() ? QString::fromStdString(runs_root(project).string()) : runsRoot;
}

QString TrainingController::uniqueFolder(const QString& root, const QString& base) const {
  const QString stamped = base + QDateTime::currentDateTime().toString(QStringLiteral("-yyyyMMdd-HHmmss"));
  QString name = stamped;
  for (int i = 2; QFileInfo::exists(QDir(root).filePath(name)); ++i) name = stamped + QStringLiteral("-%1").arg(i);
  return name;
}

bool TrainingController::canPause() const {
  return isBusy() && (!cli_ || cli_->canPause());
}

void TrainingController::pause() {
  if (state_ != State::Running) return;
  if (cli_ && !cli_->setPaused(true)) return;  // every rank waits at its next step
  stop_.set_paused(true);
  setState(State::Paused);
}

void TrainingController::resume() {
  if (state_ != State::Paused) return;
  if (cli_) cli_->setPaused(false);
  stop_.set_paused(false);
  setState(State::Running);
}

void TrainingController::stop() {
  if (state_ != State::Running && state_ != State::Paused) return;
  if (cli_)
    cli_->interrupt();  // the launcher forwards SIGINT to every rank
  else
    stop_.request_stop();  // also ends a pause: wait_while_paused returns on stop
  setState(State::Stopping);
}

void TrainingController::stopAndWait() {
  if (!isBusy()) return;
  stop();
  // The worker's finished() is queued to this thread; pump events until it arrives so the
  // outcome is handled (and logged) like any other ending.
  while (isBusy()) {
    QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 50);
  }
}

void TrainingController::onFinished(const TrainingOutcome& outcome) {
  sweepDir_.clear();  // a sweep's outcome names its folder (outcome.runDir)
  setState(State::Idle);
  Q_EMIT finished(outcome);
}

void TrainingController::setState(State state) {
  if (state_ == state) return;
  state_ = state;
  Q_EMIT stateChanged(state_);
}

}  // namespace simclr::gui
