#pragma once
// The embedding dock: lays out a run's embeddings (t-SNE or PCA, in the background with
// progress and cancel) as a class-coloured scatter, and browses nearest neighbours: a click
// on a point shows its image and its k nearest neighbours in the same split (cosine on the
// same features h or z), each framed green when its label matches the query's and red when
// not, with the query's precision@k. Clicking a neighbour makes it the next query.
#include <QColor>
#include <QHash>
#include <QString>
#include <QWidget>

#include <memory>

#include "app/gui/embedding/embedding_job.h"
#include "app/gui/embedding/timeline_job.h"

class QComboBox;
class QDoubleSpinBox;
class QFileSystemWatcher;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTimer;

namespace simclr::widgets {
class EmbeddingScatter;
class ImageGrid;
}  // namespace simclr::widgets

namespace simclr::gui {

class TimelineBar;

class EmbeddingPanel : public QWidget {
  Q_OBJECT
 public:
  explicit EmbeddingPanel(QWidget* parent = nullptr);
  ~EmbeddingPanel() override;

  // The run whose embeddings are laid out; cancels a running job and clears the view.
  void setRun(const QString& runDir);
  QString runDir() const { return runDir_; }

  LayoutSettings settings() const;  // from the controls
  void setSettings(const LayoutSettings& settings);
  // Both return false while a job runs or without a run.
  bool compute();
  bool openLayout(const QString& layoutFile);
  void cancel();
  bool isBusy() const { return job_->isBusy() || timelineJob_->isBusy(); }

  const EmbeddingLayout& layout() const { return layout_; }
  // Makes split row `splitRow` the query (as clicking its point does); false when out of range.
  bool showNeighbours(qint64 splitRow);
  qint64 queryRow() const { return queryRow_; }  // -1 when none
  void setNeighbourCount(int k);
  int neighbourCount() const;
  double precisionAtK() const { return precision_; }  // of the current query, -1 when none

  // The embedding timeline (timeline_job.h): computed or extended in the background, then
  // shown in the scatter frame by frame; false while a job runs or without a run.
  bool computeTimeline();
  bool showsTimeline() const { return timelineShown_; }
  const TimelineView& timeline() const { return timeline_; }
  TimelineBar* timelineBar() const { return timelineBar_; }

  widgets::EmbeddingScatter* scatter() const { return scatter_; }
  widgets::ImageGrid* neighbourGrid() const { return grid_; }
  QLabel* descriptionLabel() const { return description_; }
  QLabel* precisionLabel() const { return precisionLabel_; }
  QComboBox* savedLayoutsBox() const { return saved_; }

 Q_SIGNALS:
  void logMessage(int level, const QString& text);
  void layoutShown(const QString& description);  // after a compute or open succeeded
  void queryChanged(qint64 splitRow);

 private:
  // The constructor's parts.
  QWidget* makeSettingsBox();
  QWidget* makeNeighboursBox();
  void connectControls();
  void onFinished(const simclr::gui::EmbeddingLayout& layout);
  void onProgress(const simclr::gui::JobProgress& progress);
  void onNeighbourActivated(int gridIndex);
  void setBusy(bool busy);
  void refreshSavedLayouts();
  void exportView();
  // A neighbour's frame: green when its class is the query's, red when not.
  static QColor neighbourFrame(bool sameClass);
  // The timeline's parts (embedding_panel_timeline.cpp).
  QWidget* makeScatterColumn();
  void connectTimeline();
  void resetTimeline();
  bool startTimeline(const TimelineRequest& request);
  void extendTimeline();  // when the run kept frames the shown timeline lacks
  void onTimelineFinished(const simclr::gui::TimelineView& timeline);
  void showTimelineFrame(double position);
  void showTimelineMetrics();
  QVector<int> followedPoints() const;
  void followSelectedPaths();
  bool showTimelineNeighbours(int point);

  EmbeddingJob* job_;
  TimelineJob* timelineJob_;
  TimelineView timeline_;
  bool timelineShown_ = false;
  QString runDir_;
  EmbeddingLayout layout_;
  QHash<qint64, int> layoutIndexOfRow_;  // split row -> point index in the layout
  QVector<qint64> neighbourRows_;        // split rows shown in the grid
  qint64 queryRow_ = -1;
  double precision_ = -1;

  QLabel* runLabel_;
  QComboBox* saved_;
  QPushButton* openButton_;
  QComboBox* method_;
  QComboBox* features_;
  QComboBox* split_;
  QSpinBox* points_;
  QDoubleSpinBox* perplexity_;
  QSpinBox* iterations_;
  QSpinBox* seed_;
  QPushButton* computeButton_;
  QPushButton* cancelButton_;
  QPushButton* exportButton_;
  QProgressBar* progress_;
  QLabel* description_;
  widgets::EmbeddingScatter* scatter_;
  QLabel* queryImage_;
  QLabel* queryCaption_;
  QSpinBox* k_;
  QLabel* precisionLabel_;
  widgets::ImageGrid* grid_;
  TimelineBar* timelineBar_;
  QFileSystemWatcher* timelineWatcher_ = nullptr;
  QTimer* extendTimer_ = nullptr;
};

}  // namespace simclr::gui
