#include "app/gui/results/evaluation_controller.h"

#include "app/gui/jobs/job_bridge.h"

#include <QMetaObject>

#include "engine/analysis/run_evaluation.h"
#include "engine/analysis/trained_run.h"

namespace simclr::gui {

namespace {

// Runs on the evaluation thread; `report` posts to the GUI thread.
EvaluationOutcome evaluateKnn(const QString& runDir, int k, const JobCallbacks& callbacks, const StopToken& stop) {
  EvaluationOutcome out;
  out.runDir = runDir;
  out.k = k;
  TrainedRun run = open_trained_run(runDir.toStdString());
  const KnnEvaluation knn = evaluate_knn(run, {k}, callbacks, stop);
  out.step = knn.step;
  out.top1 = knn.accuracies.front().top1;
  out.top5 = knn.accuracies.front().top5;
  out.seconds = knn.seconds;
  out.resultFile = QString::fromStdString(knn.file.string());
  out.ok = true;
  return out;
}

}  // namespace

EvaluationController::EvaluationController(QObject* parent) : QObject(parent) {
  registerMetricTypes();
  qRegisterMetaType<EvaluationOutcome>();
}

EvaluationController::~EvaluationController() = default;

bool EvaluationController::evaluate(const QString& runDir, int k) {
  const JobCallbacks callbacks = queuedCallbacks(
      this, [this](const JobProgress& p) { Q_EMIT progressReported(p); },
      [this](int level, const QString& text) { Q_EMIT logMessage(level, text); });
  return job_.start<EvaluationOutcome>(
      QStringLiteral("evaluation"),
      [runDir, k, callbacks](const StopToken& stop) {
        EvaluationOutcome out;
        try {
          out = evaluateKnn(runDir, k, callbacks, stop);
        } catch (...) {
          out.error = jobErrorMessage(std::current_exception());
        }
        out.runDir = runDir;
        return out;
      },
      [this](const EvaluationOutcome& out) { Q_EMIT finished(out); });
}

void EvaluationController::cancel() {
  job_.cancel();
}

}  // namespace simclr::gui
