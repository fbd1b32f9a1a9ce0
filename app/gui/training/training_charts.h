#pragma once
// The live training charts: contrastive loss, learning rate, kNN top-1 (with labels),
// positive-pair retrieval and embedding health, one series per run. The run being trained is fed step by step (the
// charts buffer and replot on their own timer); finished runs are loaded from their metrics logs to overlay them.
#include <QMap>
#include <QString>
#include <QStringList>
#include <QWidget>

#include "engine/train/train_metrics.h"

class QTabWidget;

namespace simclr::widgets {
class ChartPanel;
class MetricChart;
}  // namespace simclr::widgets

namespace simclr::gui {

class TrainingCharts : public QWidget {
  Q_OBJECT
 public:
  enum Chart { Loss, LearningRate, KnnTop1, PairRetrieval, Uniformity, Alignment, ZStd, EffectiveRank, ChartCount };

  explicit TrainingCharts(QWidget* parent = nullptr);

  // A run starts or resumes: its series restart from what its metrics log already holds,
  // or empty when loadExisting is false (a RunFollower reads the log from its start).
  void beginLiveRun(const QString& runDir, bool loadExisting = true);
  void endLiveRun();
  // Overlays these runs (besides the live one); series of other runs are removed.
  void showRuns(const QStringList& runDirs);
  QStringList shownRuns() const;

  widgets::MetricChart* chart(Chart which) const;
  widgets::ChartPanel* panel(Chart which) const;

 public Q_SLOTS:
  void addStep(const simclr::StepMetrics& metrics);
  void addMonitor(const simclr::MonitorMetrics& metrics);

 private:
  void loadRun(const QString& runDir);
  void removeRun(const QString& runDir);
  static QString seriesName(const QString& runDir);
  void showUnlabelled();

  widgets::ChartPanel* panels_[ChartCount] = {};
  QTabWidget* health_ = nullptr;
  QString liveRun_;
  QStringList overlaid_;
};

}  // namespace simclr::gui
