#pragma once
// File ▸ Open Run…: a run folder that another process writes (simclr-cli in a terminal, a
// cluster job on a shared file system) shown live. Its curves grow on the training charts
// as its metrics.jsonl grows, and the status bar says its state: being written, stopped or
// completed (from status.json). Following ends when training starts here or another run is
// opened; the curves then stay on the charts like any other run's.
#include <QObject>
#include <QString>

namespace simclr::gui {

class RunFollower;
class TrainingCharts;
class TrainingStatus;

class FollowedRun : public QObject {
  Q_OBJECT
 public:
  FollowedRun(TrainingCharts* charts, TrainingStatus* status, QObject* parent = nullptr);

  // False, with the reason in *error, when runDir is not a run folder.
  bool follow(const QString& runDir, QString* error = nullptr);
  void stop();
  bool isFollowing() const;
  QString runDir() const;
  RunFollower& follower() { return *follower_; }

  // A run folder: it holds config.json, metrics.jsonl or status.json.
  static bool isRunFolder(const QString& dir);

 Q_SIGNALS:
  void logMessage(int level, const QString& text);
  // The run's state changed (RunFollower::stateText()).
  void stateChanged(const QString& runDir, const QString& stateText);

 private:
  void showState();

  TrainingCharts* charts_;
  TrainingStatus* status_;
  RunFollower* follower_;
};

}  // namespace simclr::gui
