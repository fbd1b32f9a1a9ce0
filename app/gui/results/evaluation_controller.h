#pragma once
// Evaluates a finished (or stopped) run in the background: the weighted kNN classifier on
// the run's full training split as memory bank and its full test split as queries, on the
// backbone features h (extracted once per checkpoint and cached in the run folder). The
// result is written to <run>/evaluation/knn-h-step-<8 digits>.json, like `simclr-cli
// evaluate RUN knn`, so the runs panel shows it.
#include <QObject>
#include <QString>

#include "app/gui/jobs/job_bridge.h"
#include "app/gui/jobs/metric_types.h"
#include "engine/core/job.h"

namespace simclr::gui {

struct EvaluationOutcome {
  QString runDir;
  bool ok = false;
  qint64 step = 0;
  int k = 0;
  double top1 = 0, top5 = 0;  // fractions
  double seconds = 0;
  QString resultFile;
  QString error;  // when !ok ("cancelled" after cancel())
};

class EvaluationController : public QObject {
  Q_OBJECT
 public:
  explicit EvaluationController(QObject* parent = nullptr);
  // Cancels a running evaluation and waits for it.
  ~EvaluationController() override;

  // Returns false (and does nothing) while an evaluation is running.
  bool evaluate(const QString& runDir, int k = 200);
  void cancel();
  bool isBusy() const { return job_.isBusy(); }

 Q_SIGNALS:
  void progressReported(const simclr::gui::JobProgress& progress);
  void logMessage(int level, const QString& text);
  void finished(const simclr::gui::EvaluationOutcome& outcome);

 private:
  JobThread job_{this, /*releaseTensorMemory=*/true};
};

}  // namespace simclr::gui

Q_DECLARE_METATYPE(simclr::gui::EvaluationOutcome)
