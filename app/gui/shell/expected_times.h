#pragma once
// The start page's expected training times on this machine: for each bundled project, a
// few timed training steps in the background (engine/experiments/epoch_time_estimate.h),
// one project at a time, remembered in the settings until the project file changes.
#include <QObject>
#include <QString>
#include <QStringList>

#include "app/gui/jobs/job_bridge.h"

namespace simclr::gui {

class AppSettings;

class ExpectedTimes : public QObject {
  Q_OBJECT
 public:
  explicit ExpectedTimes(AppSettings& settings, QObject* parent = nullptr);

  // "≈ 1.6 min per epoch here, 16 min for its 10 epochs", "measuring…", or "" when unknown.
  QString textFor(const QString& projectFile) const;
  // Measures, one after another, the files without a remembered time; stop() ends that.
  void measure(const QStringList& projectFiles);
  void stop();
  bool isBusy() const { return job_.isBusy(); }

 Q_SIGNALS:
  void measured(const QString& projectFile);

 private:
  void next();
  QString remembered(const QString& projectFile) const;

  AppSettings& settings_;
  QStringList queue_;
  QString current_;
  JobThread job_{this};
};

// "1.6 min", "45 s", "2.3 h".
QString formatDuration(double seconds);

}  // namespace simclr::gui
