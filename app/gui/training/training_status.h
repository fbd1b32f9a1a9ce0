#pragma once
// The status bar's training read-out: device, step of total, images per second, ETA and
// the GUI's own event-loop latency (so a frozen interface would show).
#include <QWidget>

#include "app/gui/jobs/metric_types.h"

class QLabel;
class QProgressBar;

namespace simclr::gui {

class TrainingStatus : public QWidget {
  Q_OBJECT
 public:
  explicit TrainingStatus(QWidget* parent = nullptr);

  void setDevice(const QString& device);
  void reset();
  // A run another process writes (File ▸ Open Run…): its name, state and last step.
  void showFollowed(const QString& run, const QString& state, qint64 step);
  QString stageText() const;
  QString stepText() const;
  QString speedText() const;

 public Q_SLOTS:
  void showStep(const simclr::StepMetrics& metrics);
  void showProgress(const simclr::gui::JobProgress& progress);
  void showLatency(double lateMs);

 private:
  QLabel* device_;
  QLabel* stage_;
  QProgressBar* progress_;
  QLabel* step_;
  QLabel* speed_;
  QLabel* eta_;
  QLabel* latency_;
  double worstLatency_ = 0;
  int latencySamples_ = 0;
};

}  // namespace simclr::gui
