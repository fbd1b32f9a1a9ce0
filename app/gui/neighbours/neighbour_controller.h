#pragma once
// Answers the neighbour browser in the background: each NeighbourRequest (query row, split
// searched, k, features) runs the engine's cosine search in the background, the newest
// request winning (LatestRequestRunner). The split-mean precision@k of the current settings is
// computed once per (query split, searched split, features, k), also in the background, and
// kept. The run's features (h and z of both splits) come from run_features, cached per
// checkpoint in the run folder, and are loaded once per run on first use.
#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

#include "app/gui/jobs/job_bridge.h"
#include "app/gui/jobs/latest_request_runner.h"
#include "app/gui/jobs/metric_types.h"
#include "widgets/neighbour_browser.h"

namespace simclr::gui {

struct NeighbourBank;  // the run's features, labels and images (neighbour_controller.cpp)

class NeighbourController : public QObject {
  Q_OBJECT
 public:
  explicit NeighbourController(QObject* parent = nullptr);
  ~NeighbourController() override;  // stops and waits for its jobs

  // Cancels the jobs and forgets the loaded features and means.
  void setRun(const QString& runDir);
  QString runDir() const { return runDir_; }

  void request(const widgets::NeighbourRequest& request);
  void cancel();  // both jobs; waiting requests are dropped
  bool isBusy() const { return query_.isBusy() || mean_.isBusy(); }
  // The cached split mean, -1 when not computed (yet).
  double meanPrecision(const QString& querySplit, const QString& searchSplit, const QString& features, int k) const;

 Q_SIGNALS:
  void resultReady(const simclr::widgets::NeighbourResult& result);
  void meanPrecisionReady(const QString& querySplit, const QString& searchSplit, const QString& features, int k,
                          double value);
  void progressReported(const simclr::gui::JobProgress& progress);
  void busyChanged(bool busy);
  void logMessage(int level, const QString& text);

 private:
  struct MeanKey {
    QString querySplit, searchSplit, features;
    int k = 0;
    QString text() const;
  };
  void startQuery(const widgets::NeighbourRequest& request);
  void startNextMean();
  JobCallbacks callbacks();

  QString runDir_;
  std::shared_ptr<NeighbourBank> bank_;
  widgets::NeighbourRequest latest_;  // the settings the split means follow
  QHash<QString, double> means_;
  QList<MeanKey> meanQueue_;
  QString meanRunning_;
  // A superseded query runs to its end: the newest one needs the features it is loading.
  LatestRequestRunner<widgets::NeighbourResult> query_{
      this, QStringLiteral("neighbours"), LatestRequestRunner<widgets::NeighbourResult>::Superseded::RunToEnd};
  JobThread mean_{this};
};

}  // namespace simclr::gui
