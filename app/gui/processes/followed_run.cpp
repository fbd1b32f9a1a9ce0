#include "app/gui/processes/followed_run.h"

#include <QDir>
#include <QFileInfo>

#include "app/gui/processes/run_follower.h"
#include "app/gui/training/training_charts.h"
#include "app/gui/training/training_status.h"
#include "engine/core/job.h"

namespace simclr::gui {

FollowedRun::FollowedRun(TrainingCharts* charts, TrainingStatus* status, QObject* parent)
    : QObject(parent), charts_(charts), status_(status), follower_(new RunFollower(this)) {
  connect(follower_, &RunFollower::stepRead, charts_, &TrainingCharts::addStep);
  connect(follower_, &RunFollower::monitorRead, charts_, &TrainingCharts::addMonitor);
  connect(follower_, &RunFollower::stepRead, status_, &TrainingStatus::showStep);
  connect(follower_, &RunFollower::stepRead, this, &FollowedRun::showState);
  connect(follower_, &RunFollower::restarted, this, [this] {
    charts_->beginLiveRun(follower_->runDir(), /*loadExisting=*/false);  // the follower reads it all again
    Q_EMIT logMessage(int(LogLevel::Info), tr("%1: its metrics were rewritten (a resumed run?); reading them again")
                                               .arg(QFileInfo(follower_->runDir()).fileName()));
  });
  connect(follower_, &RunFollower::stateChanged, this, [this] {
    showState();
    if (follower_->isFollowing()) Q_EMIT stateChanged(follower_->runDir(), follower_->stateText());
  });
}

bool FollowedRun::isRunFolder(const QString& dir) {
  const QDir d(dir);
  for (const char* file : {"config.json", "metrics.jsonl", "status.json"})
    if (QFileInfo::exists(d.filePath(QString::fromLatin1(file)))) return true;
  return false;
}

bool FollowedRun::follow(const QString& runDir, QString* error) {
  if (!isRunFolder(runDir)) {
    if (error) *error = tr("%1 is not a run folder: it has no config.json, metrics.jsonl or status.json.").arg(runDir);
    return false;
  }
  stop();
  const QString dir = QFileInfo(runDir).absoluteFilePath();
  charts_->beginLiveRun(dir, /*loadExisting=*/false);
  status_->reset();
  Q_EMIT logMessage(int(LogLevel::Info), tr("Following %1: its metrics are read every %2 s as they grow")
                                             .arg(dir)
                                             .arg(follower_->pollInterval() / 1000.0));
  follower_->follow(dir);
  return true;
}

void FollowedRun::stop() {
  if (!follower_->isFollowing()) return;
  follower_->stop();
  charts_->endLiveRun();
  status_->reset();
}

bool FollowedRun::isFollowing() const {
  return follower_->isFollowing();
}

QString FollowedRun::runDir() const {
  return follower_->runDir();
}

void FollowedRun::showState() {
  if (!follower_->isFollowing()) return;
  status_->showFollowed(QFileInfo(follower_->runDir()).fileName(), follower_->stateText(), follower_->lastStep());
}

}  // namespace simclr::gui
