// Training meets faults at each named point of its writing paths (SIMCLR_FAULT, see
// engine/core/fault_point.h): killed there (SIGKILL) the run reads as interrupted; a full or
// failing disk ends `simclr-cli train` with exit code 1 and a message naming the file. Either
// way the checkpoints left all load, no temporary file stays, and the resumed run ends with
// the weights of an uninterrupted one, bit for bit, each step's metrics logged once.
#include <QtTest>

#include <QProcess>
#include <QProcessEnvironment>

#include "engine/core/error.h"
#include "engine/project/project_file.h"
#include "engine/project/run_failure.h"
#include "engine/project/run_summary.h"
#include "engine/train/checkpoint.h"
#include "engine/train/metrics_log.h"
#include "engine/train/run_setup.h"
#include "tests/app/cli/checkpoint_checks.h"
#include "tests/app/cli/cli_process.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using simclr::test::cli;
using Outcome = simclr::test::ProcessOutcome;
namespace fs = std::filesystem;
using simclr::test::checkpoint_problems;

namespace {

struct FaultedRun {
  bool killed = false;  // by a signal
  int code = -1;
  QString err;
};

FaultedRun train_with_fault(const QStringList& args, const QString& fault) {
  QProcess p;
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.insert(QStringLiteral("SIMCLR_FAULT"), fault);
  p.setProcessEnvironment(env);
  p.start(QStringLiteral(SIMCLR_CLI_PATH), args);
  if (!p.waitForFinished(240000)) {
    p.kill();
    p.waitForFinished();
    return {};
  }
  return {p.exitStatus() == QProcess::CrashExit, p.exitCode(), QString::fromUtf8(p.readAllStandardError())};
}

std::vector<int64_t> logged_steps(const fs::path& run) {
  std::vector<int64_t> steps;
  for (const auto& record : read_metrics(RunFolder(run).metrics_file()))
    if (record.value("type", "") == "step") steps.push_back(record.value("step", int64_t(-1)));
  return steps;
}

}  // namespace

class TestTrainFaults : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-cli-faults"};
  QString project_;
  ProjectConfig config_;
  fs::path runs_;

  QStringList train_args(const QString& run_name) const {
    return {"train", project_, "--runs-dir", test::qpath(runs_), "--run-name", run_name};
  }

  // The final weights (and buffers) equal the uninterrupted run's, bit for bit.
  bool same_final_weights(const fs::path& run) {
    SimCLRModel a = build_model(config_, 3), b = build_model(config_, 3);
    load_checkpoint(RunFolder(runs_ / "straight").checkpoint_file(10), a, nullptr);
    load_checkpoint(RunFolder(run).checkpoint_file(10), b, nullptr);
    const auto pb = b->named_parameters(), bb = b->named_buffers();
    for (const auto& item : a->named_parameters())
      if (!torch::equal(item.value(), pb[item.key()])) return false;
    for (const auto& item : a->named_buffers())
      if (!torch::equal(item.value(), bb[item.key()])) return false;
    return true;
  }

  void resume_to_the_end(const fs::path& run) {
    const Outcome o = cli({"train", project_, "--resume", test::qpath(run)});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    QVERIFY2(o.out.contains("state: completed after 10 of 10 steps"), qPrintable(o.out));
    QCOMPARE(QString::fromStdString(read_run_summary(RunFolder(run)).state), QStringLiteral("completed"));
    QVERIFY(same_final_weights(run));
    QCOMPARE(logged_steps(run), (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
    const QString problems = checkpoint_problems(run);
    QVERIFY2(problems.isEmpty(), qPrintable(problems));
  }

 private Q_SLOTS:
  void initTestCase() {
    test::write_cifar10_folder(dir_ / "data", 16, 20, 23);
    config_ = test::tiny_project(dir_ / "data");  // 10 steps, a checkpoint at 4, 8 and 10
    config_.evaluation.knn_every_epochs = 0;
    config_.evaluation.knn_at_start = false;
    save_project(config_, dir_ / "tiny.json");
    project_ = test::qpath(dir_ / "tiny.json");
    runs_ = dir_ / "runs";
    const Outcome o = cli(train_args("straight"));
    QVERIFY2(o.code == 0, qPrintable(o.err));
  }

  // Passes: checkpoint_* 1, 2, 3 at steps 4, 8, 10; metrics_append n at step n; status_write
  // once at the end.
  void killedAtAPointThenResumed_data() {
    QTest::addColumn<QString>("fault");
    QTest::newRow("checkpoint write") << "checkpoint_write:2:kill";
    QTest::newRow("checkpoint rename") << "checkpoint_rename:2:kill";
    QTest::newRow("last checkpoint rename") << "checkpoint_rename:3:kill";
    QTest::newRow("metrics append") << "metrics_append:6:kill";
    QTest::newRow("status write") << "status_write:1:kill";
  }
  void killedAtAPointThenResumed() {
    QFETCH(QString, fault);
    const QString name = QString(QTest::currentDataTag()).replace(' ', '-');
    const fs::path run = runs_ / name.toStdString();
    const FaultedRun r = train_with_fault(train_args(name), fault);
    QVERIFY2(r.killed, qPrintable(QString("exit %1: %2").arg(r.code).arg(r.err)));
    QCOMPARE(QString::fromStdString(read_run_summary(RunFolder(run)).state), QStringLiteral("interrupted"));
    resume_to_the_end(run);
  }

  void diskFailsAtAPoint_data() {
    QTest::addColumn<QString>("fault");
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("message");
    QTest::newRow("checkpoint write full") << "checkpoint_write:2:enospc"
                                           << "checkpoints/step-00000008.pt"
                                           << "cannot write checkpoint: No space left on device";
    QTest::newRow("checkpoint rename eio") << "checkpoint_rename:2:eio"
                                           << "checkpoints/step-00000008.pt"
                                           << "cannot write checkpoint: Input/output error";
    QTest::newRow("metrics full") << "metrics_append:6:enospc"
                                  << "metrics.jsonl"
                                  << "cannot write metrics: No space left on device";
    QTest::newRow("status full") << "status_write:1:enospc"
                                 << "status.json"
                                 << "cannot write: No space left on device";
  }
  void diskFailsAtAPoint() {
    QFETCH(QString, fault);
    QFETCH(QString, file);
    QFETCH(QString, message);
    const QString name = QString(QTest::currentDataTag()).replace(' ', '-');
    const fs::path run = runs_ / name.toStdString();
    const FaultedRun r = train_with_fault(train_args(name), fault);
    QVERIFY(!r.killed);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("error: " + test::qpath(run / file.toStdString()) + ": " + message), qPrintable(r.err));
    const QString problems = checkpoint_problems(run);  // the earlier checkpoints intact, nothing half-written
    QVERIFY2(problems.isEmpty(), qPrintable(problems));
    QVERIFY(fs::exists(RunFolder(run).checkpoint_file(4)));
    QVERIFY(!fs::exists(process_record_file(RunFolder(run))));  // it ended: not "interrupted"
    // It says it failed, and why: not "stopped" (on request), not "interrupted" (died).
    QCOMPARE(QString::fromStdString(read_run_summary(RunFolder(run)).state), QStringLiteral("failed"));
    QVERIFY(QString::fromStdString(read_run_failure(RunFolder(run))).contains(message));
    const Outcome listed = cli({"runs", test::qpath(run)});
    QVERIFY2(listed.out.contains("failed: " + test::qpath(run) + ": ") && listed.out.contains(message),
             qPrintable(listed.out));
    resume_to_the_end(run);
  }

  void unreadableFaultSpecIsBadInput() {
    const FaultedRun r = train_with_fault(train_args("bad-spec"), "checkpoint_write:x:kill");
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("SIMCLR_FAULT: 'checkpoint_write:x:kill' is not <point>:<n>:<kill|enospc|eio>"),
             qPrintable(r.err));
  }
};

QTEST_GUILESS_MAIN(TestTrainFaults)
#include "test_train_faults.moc"
