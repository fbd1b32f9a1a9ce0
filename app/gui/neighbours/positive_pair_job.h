#pragma once
// Runs the positive-pair inspector's computation (engine/eval/positive_pair.h) in the
// background for the run's latest checkpoint, with progress and cancel; the newest request
// wins (LatestRequestRunner). The run is opened once and reopened when a newer checkpoint
// appears.
#include <QObject>
#include <QString>

#include <memory>

#include "app/gui/jobs/latest_request_runner.h"
#include "app/gui/jobs/metric_types.h"
#include "widgets/positive_pair_view.h"

namespace simclr::gui {

struct PairRun;  // the opened run (positive_pair_job.cpp)

class PositivePairJob : public QObject {
  Q_OBJECT
 public:
  explicit PositivePairJob(QObject* parent = nullptr);
  ~PositivePairJob() override;  // stops and waits

  void setRun(const QString& runDir);
  QString runDir() const { return runDir_; }
  void request(const widgets::PositivePairRequest& request);
  void cancel();
  bool isBusy() const { return job_.isBusy(); }

 Q_SIGNALS:
  void resultReady(const simclr::widgets::PositivePairResult& result);
  void progressReported(const simclr::gui::JobProgress& progress);
  void busyChanged(bool busy);
  void logMessage(int level, const QString& text);

 private:
  QString runDir_;
  std::shared_ptr<PairRun> run_;
  LatestRequestRunner<widgets::PositivePairResult> job_{this, QStringLiteral("positive pair")};
};

}  // namespace simclr::gui
