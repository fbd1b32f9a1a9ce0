// The background evaluation behind the main window's Evaluate action: a real tiny run is
// evaluated with kNN on its full splits, the result file is what the runs panel reads, and
// failures come back as messages instead of exceptions.
#include <QtTest>

#include "app/gui/results/evaluation_controller.h"
#include "engine/project/run_folder.h"
#include "engine/project/run_summary.h"
#include "engine/train/trainer.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using simclr::gui::EvaluationController;
using simclr::gui::EvaluationOutcome;

class TestEvaluationController : public QObject {
  Q_OBJECT
  test::TempDir dir_{"gui-evaluation"};
  QString runDir_;

  static EvaluationOutcome waitForOutcome(QSignalSpy& finished) {
    if (finished.isEmpty()) finished.wait(120000);
    return finished.isEmpty() ? EvaluationOutcome{} : finished.first().first().value<EvaluationOutcome>();
  }

 private Q_SLOTS:
  void initTestCase() { runDir_ = QString::fromStdString(test::train_tiny_run(dir_.path(), 5).string()); }

  void evaluatesARunOnItsFullSplits() {
    EvaluationController controller;
    QSignalSpy finished(&controller, &EvaluationController::finished);
    QSignalSpy progress(&controller, &EvaluationController::progressReported);
    QVERIFY(controller.evaluate(runDir_, 20));
    QVERIFY(controller.isBusy());
    QVERIFY(!controller.evaluate(runDir_, 20));  // one at a time
    const EvaluationOutcome out = waitForOutcome(finished);
    QVERIFY2(out.ok, qPrintable(out.error));
    QVERIFY(!controller.isBusy());
    QCOMPARE(out.step, qint64(10));
    QCOMPARE(out.k, 20);
    QVERIFY(out.top1 >= 0 && out.top1 <= 1);
    QVERIFY(out.top5 >= out.top1 && out.top5 <= 1);
    QVERIFY(!progress.isEmpty());
    QVERIFY(QFileInfo::exists(out.resultFile));
    QVERIFY(out.resultFile.endsWith(QStringLiteral("evaluation/knn-h-step-00000010.json")));

    // The runs panel's summary reads the same figure back.
    const RunSummary summary = read_run_summary(RunFolder(runDir_.toStdString()));
    QVERIFY(summary.evaluated_knn_top1.has_value());
    QCOMPARE(*summary.evaluated_knn_top1, out.top1);
    QCOMPARE(summary.evaluated_step, int64_t(10));
  }

  void aMissingRunIsAMessageNotACrash() {
    EvaluationController controller;
    QSignalSpy finished(&controller, &EvaluationController::finished);
    const QString missing = QString::fromStdString((dir_ / "runs" / "no-such-run").string());
    QVERIFY(controller.evaluate(missing));
    const EvaluationOutcome out = waitForOutcome(finished);
    QVERIFY(!out.ok);
    QVERIFY2(out.error.contains(QStringLiteral("no-such-run")), qPrintable(out.error));
    QVERIFY(!QFileInfo::exists(missing));  // nothing created for a run that is not there
  }

  void destroyingWhileEvaluatingCancelsAndWaits() {
    auto* controller = new EvaluationController;
    QVERIFY(controller->evaluate(runDir_));
    delete controller;  // must neither crash nor leave the thread running
  }
};

QTEST_MAIN(TestEvaluationController)
#include "test_evaluation_controller.moc"
