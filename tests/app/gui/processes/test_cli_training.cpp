// Training in simclr-cli processes from the workbench: Start with 2 processes launches the
// built simclr-cli --nproc-per-node 2 and rank 0's metrics reach the charts; Stop sends
// SIGINT to the launcher and both ranks stop at the same step with a checkpoint; a resumed
// run continues its curve; a launcher that fails shows its error.
#include <QtTest>

#include <QSpinBox>

#include <nlohmann/json.hpp>

#include "app/gui/processes/cli_training.h"
#include "app/gui/shell/app_settings.h"
#include "app/gui/shell/main_window.h"
#include "app/gui/training/training_charts.h"
#include "app/gui/training/training_controller.h"
#include "engine/core/atomic_file.h"
#include "engine/project/project_file.h"
#include "engine/project/run_folder.h"
#include "engine/train/metrics_log.h"
#include "tests/app/gui/pause_settle.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"
#include "widgets/log_view.h"
#include "widgets/metric_chart.h"

using namespace simclr;
using namespace simclr::gui;
namespace fs = std::filesystem;

namespace {
QString q(const fs::path& p) {
  return QString::fromStdString(p.string());
}

nlohmann::json statusOf(const QString& run) {
  return nlohmann::json::parse(read_file(fs::path(run.toStdString()) / "status.json"));
}

int stepRecords(const QString& run) {
  int n = 0;
  for (const auto& r : read_metrics(fs::path(run.toStdString()) / "metrics.jsonl")) n += r.value("type", "") == "step";
  return n;
}

TrainingOutcome waitForOutcome(QSignalSpy& finished, int timeoutMs = 240000) {
  if (finished.isEmpty()) finished.wait(timeoutMs);
  return finished.isEmpty() ? TrainingOutcome{} : finished.first().first().value<TrainingOutcome>();
}
}  // namespace

class TestCliTraining : public QObject {
  Q_OBJECT
  test::TempDir dir_{"gui-cli-training"};

  // The tiny project for two ranks of one thread each, no kNN monitor, saved as <dir_>/<name>.json.
  ProjectConfig saveProject(const std::string& name, int64_t epochs) {
    ProjectConfig p = test::tiny_project(dir_ / "data");
    p.name = name;
    p.training.threads = 1;
    p.training.epochs = epochs;
    p.evaluation.knn_every_epochs = 0;
    save_project(p, dir_ / (name + ".json"));
    return load_project(dir_ / (name + ".json"));
  }

 private Q_SLOTS:
  void initTestCase() { test::write_cifar10_folder(dir_ / "data", 16, 40, 5); }

  void argumentsNameEverySetting() {
    CliTrainRequest r;
    r.projectFile = QStringLiteral("/p/x.json");
    r.processes = 4;
    r.runsRoot = QStringLiteral("/p/runs");
    r.runName = QStringLiteral("x-1");
    r.threads = 2;
    r.maxSteps = 9;
    QCOMPARE(cliTrainArguments(r).join(QLatin1Char(' ')),
             QStringLiteral("train /p/x.json --nproc-per-node 4 --runs-dir /p/runs --run-name x-1 --threads 2 "
                            "--max-steps 9"));
    r.resumeRunDir = QStringLiteral("/p/runs/x-1");
    r.device = QStringLiteral("cpu");
    r.threads = -1;
    r.maxSteps = 0;
    QCOMPARE(cliTrainArguments(r).join(QLatin1Char(' ')),
             QStringLiteral("train /p/x.json --nproc-per-node 4 --resume /p/runs/x-1 --runs-dir /p/runs --device cpu"));
  }

  // From the window as a user does it: Processes 2, Start; the charts fill from rank 0's log.
  void twoProcessesTrainAndReachTheCharts() {
    saveProject("two", 2);
    AppSettings settings(q(dir_ / "settings.ini"));
    settings.setValue(settings::TrainingProcesses, 2);
    settings.setValue(settings::ThreadsOverride, 1);
    MainWindow window(settings);
    window.show();
    QCOMPARE(window.processesBox()->value(), 2);
    window.training().setCliPath(QStringLiteral(SIMCLR_CLI_PATH));
    window.setMaxStepsOverride(6);
    QVERIFY(window.openProject(q(dir_ / "two.json")));
    QAction* pause = window.action(QStringLiteral("pauseTraining"));

    TrainingController& training = window.training();
    QSignalSpy finished(&training, &TrainingController::finished);
    window.action(QStringLiteral("startTraining"))->trigger();
    QCOMPARE(training.state(), TrainingController::State::Running);
    QVERIFY(training.isProcessRun());
    QVERIFY(!pause->isEnabled());  // until the ranks report steps (and handle the signal)
    QVERIFY(!window.processesBox()->isEnabled());
    const QString run = training.currentRunDir();
    QCOMPARE(QFileInfo(run).absolutePath(), q(dir_ / "runs"));

    const TrainingOutcome outcome = waitForOutcome(finished);
    QVERIFY2(outcome.state == QLatin1String("completed"), qPrintable(outcome.error));
    QCOMPARE(outcome.exitCode, 0);
    QCOMPARE(outcome.runDir, run);
    QCOMPARE(outcome.stepsDone, qint64(6));
    QCOMPARE(statusOf(run).value("world_size", 0), 2);
    // Every step rank 0 logged is on the loss chart, once, in order.
    const auto points = window.charts()->chart(TrainingCharts::Loss)->points(QFileInfo(run).fileName());
    QCOMPARE(points.size(), 6);
    for (int i = 0; i < points.size(); ++i) QCOMPARE(points[i].step, double(i + 1));
    QVERIFY(window.charts()->chart(TrainingCharts::LearningRate)->pointCount(QFileInfo(run).fileName()) == 6);
    // The CLI's stderr is in the log dock.
    const QString log = window.logView()->text();
    QVERIFY2(log.contains(QStringLiteral("starting 2 local ranks")), qPrintable(log));
    QCOMPARE(training.state(), TrainingController::State::Idle);
    QVERIFY(window.processesBox()->isEnabled());
  }

  // Stop interrupts the launcher; every rank stops at the same step and saves a checkpoint.
  // Resuming in processes continues the curve from there.
  void stopEndsEveryRankAndResumeContinues() {
    const ProjectConfig project = saveProject("long", 1000);
    TrainingController controller;
    controller.setCliPath(QStringLiteral(SIMCLR_CLI_PATH));
    QSignalSpy steps(&controller, &TrainingController::stepReported);
    QSignalSpy finished(&controller, &TrainingController::finished);
    const QString run = controller.startProcesses(project, 2, {}, q(dir_ / "runs"), {}, 1);
    QVERIFY(!run.isEmpty());
    QVERIFY(!controller.canPause());  // before the ranks report steps
    QTRY_VERIFY_WITH_TIMEOUT(steps.size() >= 3, 180000);
    // Pause reaches every rank: the steps stop (after the one under way), then go on.
    QVERIFY(controller.canPause());
    controller.pause();
    QCOMPARE(controller.state(), TrainingController::State::Paused);
    // Steps reach the controller through the run follower, which polls the metrics each
    // second, and a step of two ranks on a loaded machine can take longer than that: settle
    // over a window longer than both, or a quiet second is mistaken for the pause.
    const int settled = settledCount([&] { return int(steps.size()); }, 3000, 30);
    QTest::qWait(2000);  // nothing arrives while paused: the time itself is checked (pause_settle.h)
    QCOMPARE(int(steps.size()), settled);
    controller.resume();
    QCOMPARE(controller.state(), TrainingController::State::Running);
    QTRY_VERIFY_WITH_TIMEOUT(steps.size() >= settled + 2, 60000);

    controller.stop();
    QCOMPARE(controller.state(), TrainingController::State::Stopping);
    const TrainingOutcome stopped = waitForOutcome(finished, 120000);
    QVERIFY2(stopped.state == QLatin1String("stopped"), qPrintable(stopped.error));
    QCOMPARE(stopped.exitCode, 0);
    const auto status = statusOf(run);
    QCOMPARE(status.value("state", std::string()), std::string("stopped"));
    QCOMPARE(status.value("world_size", 0), 2);
    const int64_t done = status.value("steps_done", int64_t(0));
    QCOMPARE(stopped.stepsDone, done);
    QCOMPARE(checkpoint_step(RunFolder(run.toStdString()).latest_checkpoint()), done);
    QCOMPARE(int64_t(stepRecords(run)), done);
    QCOMPARE(int64_t(steps.size()), done);  // the follower reported each step once, the last ones too
    QCOMPARE(controller.state(), TrainingController::State::Idle);

    // Resume in two processes for two more steps: the old records come first, then the new.
    ProjectConfig more = project;
    more.training.max_steps = done + 2;
    steps.clear();
    finished.clear();
    QCOMPARE(controller.startProcesses(more, 2, run, q(dir_ / "runs"), {}, 1), run);
    const TrainingOutcome resumed = waitForOutcome(finished);
    QVERIFY2(resumed.state == QLatin1String("stopped") || resumed.state == QLatin1String("completed"),
             qPrintable(resumed.error));
    QCOMPARE(resumed.stepsDone, done + 2);
    QVERIFY(!steps.isEmpty());
    QCOMPARE(steps.last().first().value<StepMetrics>().step, done + 2);
  }

  void aFailingLauncherShowsItsError() {
    const ProjectConfig project = saveProject("uneven", 2);
    TrainingController controller;
    controller.setCliPath(QStringLiteral(SIMCLR_CLI_PATH));
    QSignalSpy finished(&controller, &TrainingController::finished);
    QSignalSpy log(&controller, &TrainingController::logMessage);
    controller.startProcesses(project, 3, {}, q(dir_ / "runs"), {}, 1);  // 16 images do not split over 3
    const TrainingOutcome outcome = waitForOutcome(finished);
    QCOMPARE(outcome.state, QStringLiteral("failed"));
    QCOMPARE(outcome.exitCode, 2);
    QVERIFY(outcome.badInput);
    QVERIFY2(outcome.error.contains(QStringLiteral("cannot be split evenly over 3 processes")),
             qPrintable(outcome.error));
    bool loggedError = false;
    for (const auto& entry : log) loggedError |= entry.at(0).toInt() == int(LogLevel::Error);
    QVERIFY(loggedError);
    QCOMPARE(controller.state(), TrainingController::State::Idle);
  }

  void aMissingCliFailsWithItsPath() {
    const ProjectConfig project = saveProject("missing", 2);
    TrainingController controller;
    controller.setCliPath(q(dir_ / "no-such-simclr-cli"));
    QSignalSpy finished(&controller, &TrainingController::finished);
    controller.startProcesses(project, 2, {}, q(dir_ / "runs"));
    const TrainingOutcome outcome = waitForOutcome(finished, 30000);
    QCOMPARE(outcome.state, QStringLiteral("failed"));
    QVERIFY2(outcome.error.contains(QStringLiteral("no-such-simclr-cli")), qPrintable(outcome.error));
    QCOMPARE(controller.state(), TrainingController::State::Idle);
  }
};

QTEST_MAIN(TestCliTraining)
#include "test_cli_training.moc"
