#include "app/gui/processes/cli_training.h"

#include <signal.h>

#include <QFileInfo>

#include <algorithm>
#include <utility>

#include "app/gui/processes/cli_output.h"
#include "app/gui/processes/run_follower.h"
#include "engine/core/job.h"
#include "engine/project/run_summary.h"

namespace simclr::gui {

QStringList cliTrainArguments(const CliTrainRequest& r) {
  QStringList args{QStringLiteral("train"), r.projectFile, QStringLiteral("--nproc-per-node"),
                   QString::number(r.processes)};
  if (!r.resumeRunDir.isEmpty()) args << QStringLiteral("--resume") << r.resumeRunDir;
  if (!r.runsRoot.isEmpty()) args << QStringLiteral("--runs-dir") << r.runsRoot;
  if (!r.runName.isEmpty() && r.resumeRunDir.isEmpty()) args << QStringLiteral("--run-name") << r.runName;
  if (!r.device.isEmpty()) args << QStringLiteral("--device") << r.device;
  if (r.threads >= 0) args << QStringLiteral("--threads") << QString::number(r.threads);
  if (r.maxSteps > 0) args << QStringLiteral("--max-steps") << QString::number(r.maxSteps);
  return args;
}

CliTraining::CliTraining(QObject* parent)
    : QObject(parent), process_(new QProcess(this)), follower_(new RunFollower(this)) {
  registerMetricTypes();
  connect(process_, &QProcess::readyReadStandardOutput, this, [this] { readOutput(QProcess::StandardOutput); });
  connect(process_, &QProcess::readyReadStandardError, this, [this] { readOutput(QProcess::StandardError); });
  connect(process_, &QProcess::started, this, [this] {
    if (interruptPending_) sendInterrupt();
  });
  connect(process_, &QProcess::finished, this, &CliTraining::onFinished);
  connect(process_, &QProcess::errorOccurred, this, &CliTraining::onError);
  connect(follower_, &RunFollower::restarted, this, [this] {
    firstStep_ = -1;
    Q_EMIT metricsRestarted();
  });
  connect(follower_, &RunFollower::stepRead, this, &CliTraining::onStep);
  connect(follower_, &RunFollower::monitorRead, this, &CliTraining::monitorReported);
}

CliTraining::~CliTraining() {
  if (!isRunning()) return;
  disconnect(process_, nullptr, this, nullptr);  // no signals from a half-destroyed object
  stopAndWait();
}

void CliTraining::start(const QString& program, const CliTrainRequest& request, const QString& runDir) {
  program_ = program;
  runDir_ = QFileInfo(runDir).absoluteFilePath();
  clock_.start();
  const QStringList args = cliTrainArguments(request);
  Q_EMIT logMessage(
      int(LogLevel::Info),
      tr("Starting %1 processes: %2 %3").arg(request.processes).arg(program, args.join(QLatin1Char(' '))));
  follower_->follow(runDir_);
  process_->start(program, args);
}

bool CliTraining::isRunning() const {
  return process_->state() != QProcess::NotRunning;
}

void CliTraining::interrupt() {
  if (process_->state() == QProcess::Running)
    sendInterrupt();
  else if (process_->state() == QProcess::Starting)
    interruptPending_ = true;
}

bool CliTraining::setPaused(bool paused) {
  const qint64 pid = process_->processId();
  if (!canPause() || pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), paused ? SIGUSR1 : SIGUSR2) == 0;
}

void CliTraining::sendInterrupt() {
  interruptPending_ = false;
  // Never kill(0, ...): that would signal the workbench's own process group.
  if (const qint64 pid = process_->processId(); pid > 0) {
    interrupted_ = true;
    ::kill(static_cast<pid_t>(pid), SIGINT);
  }
}

void CliTraining::stopAndWait(int timeoutMs) {
  if (!isRunning()) return;
  if (process_->state() == QProcess::Starting) process_->waitForStarted(timeoutMs);
  interrupt();
  if (!process_->waitForFinished(timeoutMs)) {
    process_->kill();
    process_->waitForFinished(5000);
  }
}

void CliTraining::readOutput(QProcess::ProcessChannel channel) {
  const bool err = channel == QProcess::StandardError;
  QByteArray& pending = pending_[err ? 1 : 0];
  pending += err ? process_->readAllStandardError() : process_->readAllStandardOutput();
  // Lines end with '\n' (or '\r' where a terminal bar would be redrawn in place).
  qsizetype start = 0;
  for (qsizetype i = 0; i < pending.size(); ++i) {
    if (pending[i] != '\n' && pending[i] != '\r') continue;
    handleLine(QString::fromUtf8(pending.mid(start, i - start)), err);
    start = i + 1;
  }
  pending.remove(0, start);
}

void CliTraining::handleLine(const QString& text, bool fromStderr) {
  const CliLine line = parseCliLine(text);
  if (line.kind == CliLine::Kind::Empty) return;
  if (line.kind == CliLine::Kind::Progress) {
    if (line.progress.stage == QLatin1String("train")) totalSteps_ = line.progress.total;
    Q_EMIT progressReported(line.progress);
    return;
  }
  if (fromStderr) {
    lastLine_ = line.text;
    if (line.level == int(LogLevel::Error) && !errors_.contains(line.text)) errors_ << line.text;
  }
  Q_EMIT logMessage(line.level, line.text);
}

void CliTraining::onStep(const StepMetrics& m) {
  const qint64 now = clock_.elapsed();
  if (firstStep_ < 0) {
    firstStep_ = m.step;
    firstStepMs_ = now;
  }
  Q_EMIT stepReported(m);
  // Between the CLI's progress lines (every few seconds off a terminal) the steps move the bar.
  JobProgress p{QStringLiteral("train"), m.step, totalSteps_, now / 1000.0, -1};
  if (totalSteps_ > 0 && m.step > firstStep_)
    p.etaSeconds = double(now - firstStepMs_) / 1000.0 / double(m.step - firstStep_) * double(totalSteps_ - m.step);
  Q_EMIT progressReported(p);
}

QString CliTraining::errorText(int exitCode) const {
  // The ranks' own errors come first; the launcher's summary ("a rank refused ...") last.
  if (!errors_.isEmpty()) return errors_.mid(std::max<qsizetype>(0, errors_.size() - 4)).join(QLatin1Char('\n'));
  if (!lastLine_.isEmpty()) return lastLine_;
  return tr("%1 exited with code %2").arg(program_).arg(exitCode);
}

void CliTraining::onFinished(int exitCode, QProcess::ExitStatus status) {
  for (auto channel : {QProcess::StandardOutput, QProcess::StandardError}) readOutput(channel);
  for (int c = 0; c < 2; ++c)
    if (!pending_[c].isEmpty()) handleLine(QString::fromUtf8(std::exchange(pending_[c], {})), c == 1);
  follower_->catchUp();  // the records written last, all of them
  const RunSummary summary = read_run_summary(RunFolder(runDir_.toStdString()));
  TrainingOutcome outcome;
  outcome.runDir = runDir_;
  outcome.exitCode = status == QProcess::NormalExit ? exitCode : -1;
  outcome.state = QString::fromStdString(summary.state);
  outcome.stepsDone = summary.steps_done;
  outcome.totalSteps = summary.total_steps;
  outcome.finalLoss = summary.final_loss.value_or(0.0);
  outcome.trainSeconds = summary.train_seconds;
  if (status != QProcess::NormalExit && interrupted_ && !QFileInfo::exists(runDir_)) {
    outcome.state = QStringLiteral("stopped");  // stopped before the launcher had started any rank
  } else if (status != QProcess::NormalExit || exitCode != 0) {
    outcome.state = QStringLiteral("failed");
    outcome.error = status == QProcess::NormalExit ? errorText(exitCode)
                                                   : tr("%1 crashed: %2").arg(program_, process_->errorString());
    outcome.badInput = status == QProcess::NormalExit && exitCode == 2;
  } else if (summary.state == "incomplete") {
    outcome.state = QStringLiteral("failed");
    outcome.error = tr("%1 ended without writing %2/status.json").arg(program_, runDir_);
  }
  finish(outcome);
}

void CliTraining::onError(QProcess::ProcessError error) {
  if (error != QProcess::FailedToStart) return;  // the others end in finished() too
  TrainingOutcome outcome;
  outcome.runDir = runDir_;
  outcome.state = QStringLiteral("failed");
  outcome.exitCode = -1;
  outcome.error = tr("Cannot start %1: %2").arg(program_, process_->errorString());
  finish(outcome);
}

void CliTraining::finish(TrainingOutcome outcome) {
  if (finished_) return;
  finished_ = true;
  follower_->stop();
  if (outcome.state == QLatin1String("failed")) Q_EMIT logMessage(int(LogLevel::Error), outcome.error);
  Q_EMIT finished(outcome);
}

}  // namespace simclr::gui
