#include "app/gui/evaluation_controller.h"

#include "app/gui/job_bridge.h"

#include <QMetaObject>

#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/eval/knn_classifier.h"
#include "engine/eval/run_features.h"
#include "engine/eval/trained_run.h"

namespace simclr::gui {

namespace {

// Runs on the evaluation thread; `report` posts to the GUI thread.
EvaluationOutcome evaluateKnn(const QString& runDir, int k, const JobCallbacks& callbacks, const StopToken& stop) {
  const auto start = std::chrono::steady_clock::now();
  EvaluationOutcome out;
  out.runDir = runDir;
  out.k = k;
  TrainedRun run = open_trained_run(runDir.toStdString());
  out.step = run.step;
  FeatureOptions features;
  features.batch_size = run.config.evaluation.batch_size;
  const SplitFeatures train = run_features(run, "train", features, callbacks, stop);
  const SplitFeatures test = run_features(run, "test", features, callbacks, stop);
  KnnOptions options;
  options.ks = {k};
  options.num_classes = static_cast<int64_t>(train.class_names.size());
  const KnnAccuracy acc = knn_accuracy(train.h, train.labels, test.h, test.labels, options).front();
  out.top1 = acc.top1;
  out.top5 = acc.top5;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  char name[64];
  std::snprintf(name, sizeof name, "knn-h-step-%08lld.json", static_cast<long long>(run.step));
  const auto file = run.run_dir / "evaluation" / name;
  std::filesystem::create_directories(file.parent_path());
  const nlohmann::json document = {
      {"probe", "knn"}, {"run", run.run_dir.string()}, {"checkpoint", run.checkpoint.string()}, {"step", run.step},
      {"settings", {{"features", "h"}, {"ks", {k}}, {"temperature", options.temperature},
                    {"bank", train.labels.size(0)}, {"queries", test.labels.size(0)}}},
      {"results", {{{"k", k}, {"top1", acc.top1}, {"top5", acc.top5}}}},
      {"seconds", out.seconds}};
  write_file_atomically(file, document.dump(2) + "\n");
  out.resultFile = QString::fromStdString(file.string());
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

void EvaluationController::cancel() { job_.cancel(); }

}  // namespace simclr::gui
