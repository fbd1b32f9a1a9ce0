// The training thread as the main window drives it: start, pause, stop, resume, failure.
#include <QtTest>

#include "app/gui/training/training_controller.h"
#include "tests/app/gui/pause_settle.h"
#include "engine/project/run_folder.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using simclr::gui::TrainingController;
using simclr::gui::TrainingOutcome;

class TestTrainingController : public QObject {
  Q_OBJECT
  test::TempDir data_{"gui-train-data"};

  static TrainingOutcome waitForOutcome(QSignalSpy& finished) {
    if (finished.isEmpty()) finished.wait(120000);
    return finished.isEmpty() ? TrainingOutcome{} : finished.first().first().value<TrainingOutcome>();
  }

 private Q_SLOTS:
  void initTestCase() { test::write_cifar10_folder(data_.path(), 16, 40, 5); }

  void completesAndReportsEveryStep() {
    test::TempDir runs("gui-train-runs");
    TrainingController controller;
    QSignalSpy steps(&controller, &TrainingController::stepReported);
    QSignalSpy monitors(&controller, &TrainingController::monitorReported);
    QSignalSpy finished(&controller, &TrainingController::finished);
    const QString runDir =
        controller.start(test::tiny_project(data_.path()), {}, QString::fromStdString(runs.path().string()));
    QCOMPARE(controller.state(), TrainingController::State::Running);
    const TrainingOutcome outcome = waitForOutcome(finished);
    QCOMPARE(outcome.state, QStringLiteral("completed"));
    QCOMPARE(outcome.runDir, runDir);  // the folder announced at start is the one written
    QCOMPARE(outcome.stepsDone, qint64(10));
    QCOMPARE(steps.size(), 10);
    QCOMPARE(steps.last().first().value<StepMetrics>().step, int64_t(10));
    QVERIFY(!monitors.isEmpty());
    QCOMPARE(controller.state(), TrainingController::State::Idle);
    QVERIFY(QFileInfo::exists(runDir + QStringLiteral("/status.json")));
  }

  void pauseHoldsStopEndsAndResumeContinues() {
    test::TempDir runs("gui-train-runs");
    ProjectConfig project = test::tiny_project(data_.path());
    project.training.epochs = 20;  // long enough to interrupt
    TrainingController controller;
    QSignalSpy steps(&controller, &TrainingController::stepReported);
    QSignalSpy finished(&controller, &TrainingController::finished);
    const QString runDir = controller.start(project, {}, QString::fromStdString(runs.path().string()));
    QTRY_VERIFY_WITH_TIMEOUT(steps.size() >= 2, 60000);

    controller.pause();
    QCOMPARE(controller.state(), TrainingController::State::Paused);
    const int whilePaused = settledCount([&] { return int(steps.size()); }, 500);
    QTest::qWait(1000);  // nothing arrives while paused: the time itself is checked (pause_settle.h)
    QCOMPARE(steps.size(), whilePaused);

    controller.stop();  // from a pause: the stop flag ends the wait at once
    QCOMPARE(controller.state(), TrainingController::State::Stopping);
    const TrainingOutcome stopped = waitForOutcome(finished);
    QCOMPARE(stopped.state, QStringLiteral("stopped"));
    QVERIFY(stopped.stepsDone < 200);
    QVERIFY(!RunFolder(runDir.toStdString()).latest_checkpoint().empty());

    // Resume continues from the checkpoint saved on stop.
    finished.clear();
    steps.clear();
    QCOMPARE(controller.start(project, runDir), runDir);
    QTRY_VERIFY_WITH_TIMEOUT(!steps.isEmpty(), 60000);
    QCOMPARE(steps.first().first().value<StepMetrics>().step, int64_t(stopped.stepsDone + 1));
    controller.stopAndWait();
    QCOMPARE(controller.state(), TrainingController::State::Idle);
    QCOMPARE(finished.size(), 1);
  }

  void engineErrorsArriveAsOutcome() {
    test::TempDir runs("gui-train-runs");
    ProjectConfig project = test::tiny_project(runs.path() / "no-such-dataset");
    // Nowhere else to find CIFAR-10 either (CI sets SIMCLR_DATA_DIR to the real one).
    qunsetenv("SIMCLR_DATA_DIR");
    qputenv("XDG_DATA_HOME", QByteArray::fromStdString(runs.path().string()));
    TrainingController controller;
    QSignalSpy finished(&controller, &TrainingController::finished);
    QSignalSpy log(&controller, &TrainingController::logMessage);
    controller.start(project, {}, QString::fromStdString(runs.path().string()));
    const TrainingOutcome outcome = waitForOutcome(finished);
    QCOMPARE(outcome.state, QStringLiteral("failed"));
    QVERIFY(outcome.badInput);
    QVERIFY2(outcome.error.contains(QStringLiteral("no-such-dataset")), qPrintable(outcome.error));
    bool logged = false;
    for (const auto& entry : log) logged |= entry.at(0).toInt() == int(LogLevel::Error);
    QVERIFY(logged);
    QCOMPARE(controller.state(), TrainingController::State::Idle);
  }

  void secondStartWhileBusyIsRefused() {
    test::TempDir runs("gui-train-runs");
    ProjectConfig project = test::tiny_project(data_.path());
    project.training.epochs = 20;
    TrainingController controller;
    QVERIFY(!controller.start(project, {}, QString::fromStdString(runs.path().string())).isEmpty());
    QVERIFY(controller.start(project, {}, QString::fromStdString(runs.path().string())).isEmpty());
    controller.stopAndWait();
  }

  void destroyingDuringARunStopsIt() {
    test::TempDir runs("gui-train-runs");
    ProjectConfig project = test::tiny_project(data_.path());
    project.training.epochs = 50;
    QString runDir;
    {
      TrainingController controller;
      QSignalSpy steps(&controller, &TrainingController::stepReported);
      runDir = controller.start(project, {}, QString::fromStdString(runs.path().string()));
      QTRY_VERIFY_WITH_TIMEOUT(!steps.isEmpty(), 60000);
    }  // the destructor stops the run and waits for the thread
    QVERIFY(!RunFolder(runDir.toStdString()).latest_checkpoint().empty());
  }
};

QTEST_MAIN(TestTrainingController)
#include "test_training_controller.moc"
