#pragma once
// The "Explore" dock: a trained run's encoder used to look through its collection (for an
// unlabelled folder, all of its images): near-duplicate groups at a threshold that regroups
// as it changes, the most unusual images first, or a diverse subset that covers the
// embedding. Each result is a grid of thumbnails (files named in their tooltips) and can be
// saved as the CSV `simclr-cli duplicates | outliers | select` writes, into <run>/explore/.
#include <QString>
#include <QWidget>

#include "app/gui/explore/explore_job.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTimer;

namespace simclr::widgets {
class ImageGrid;
}

namespace simclr::gui {

class ExplorePanel : public QWidget {
  Q_OBJECT
 public:
  explicit ExplorePanel(QWidget* parent = nullptr);

  // The run to explore; its results are computed when the dock is shown (or now, if it is).
  void setRun(const QString& runDir);
  // Asks again for the current run (a run that had no checkpoint when it was selected has one
  // once its training finishes).
  void refresh();
  QString runDir() const { return job_->runDir(); }

  ExploreRequest currentRequest() const;
  const ExploreResult& result() const { return result_; }
  ExploreJob* job() const { return job_; }
  widgets::ImageGrid* grid() const { return grid_; }
  QComboBox* kindBox() const { return kind_; }
  QDoubleSpinBox* thresholdBox() const { return threshold_; }
  // Writes the shown result's CSV into <run>/explore/; returns the file, or "" with *error.
  QString saveCsv(QString* error = nullptr);

 Q_SIGNALS:
  void logMessage(int level, const QString& text);

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  void requestSoon();  // after a short pause, so a dragged value asks once
  void requestNow();
  void showResult(const ExploreResult& result);

  ExploreJob* job_;
  QComboBox* kind_;
  QComboBox* features_;
  QStackedWidget* parameters_;
  QDoubleSpinBox* threshold_;
  QSpinBox* k_;
  QSpinBox* shown_;
  QSpinBox* count_;
  QSpinBox* seed_;
  QPushButton* save_;
  QLabel* summary_;
  QProgressBar* progress_;
  QPushButton* cancel_;
  widgets::ImageGrid* grid_;
  QTimer* pause_;
  ExploreResult result_;
  bool stale_ = true;  // the run or a setting changed since the last request
};

}  // namespace simclr::gui
