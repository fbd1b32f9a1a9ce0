// `simclr-cli train PROJECT` as a user runs it: a few steps of a tiny project into a named
// run folder, continued with --resume; Ctrl+C (SIGINT) or SIGTERM stops it cleanly with a
// checkpoint; bad input, including a training that fails on a missing dataset, ends with
// exit code 2 and a message naming the file or field.
#include <QtTest>

#include <QProcess>
#include <QRegularExpression>

#include <signal.h>  // kill()

#include <nlohmann/json.hpp>

#include "engine/core/atomic_file.h"
#include "engine/project/project_file.h"
#include "engine/project/run_folder.h"
#include "engine/project/run_summary.h"
#include "tests/app/cli/cli_process.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using simclr::test::cli;
using simclr::test::folders_in;
using Outcome = simclr::test::ProcessOutcome;
namespace fs = std::filesystem;

namespace {

// The steps of the step records in a run's metrics log, in file order.
std::vector<int64_t> logged_steps(const fs::path& run) {
  std::vector<int64_t> steps;
  if (!fs::exists(run / "metrics.jsonl")) return steps;
  for (const QString& line : QString::fromStdString(read_file(run / "metrics.jsonl")).split('\n')) {
    const auto record = nlohmann::json::parse(line.toStdString(), nullptr, false);  // a torn last line: discarded
    if (record.is_object() && record.value("type", "") == "step") steps.push_back(record.value("step", int64_t(-1)));
  }
  return steps;
}

std::vector<int64_t> one_to(int64_t n) {
  std::vector<int64_t> v;
  for (int64_t i = 1; i <= n; ++i) v.push_back(i);
  return v;
}

}  // namespace

class TestTrainCommand : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-cli-train"};
  fs::path runs_;
  QString project_, no_data_, invalid_;

 private Q_SLOTS:
  void initTestCase() {
    test::write_cifar10_folder(dir_ / "data", 16, 20, 17);
    ProjectConfig p = test::tiny_project(dir_ / "data");
    p.evaluation.knn_every_epochs = 0;  // the monitor is the trainer's test, not this one's
    p.evaluation.knn_at_start = false;
    save_project(p, dir_ / "tiny.json");
    // An image folder is looked for only where the project says (a missing CIFAR-10 path
    // would fall back to $SIMCLR_DATA_DIR and train on what it finds there).
    p.dataset.name = "image-folder";
    p.dataset.path = (dir_ / "no-such-data").string();
    save_project(p, dir_ / "no-data.json");
    write_file_atomically(dir_ / "invalid.json", R"({"version": 1, "training": {"epochs": 0}})");
    project_ = test::qpath(dir_ / "tiny.json");
    no_data_ = test::qpath(dir_ / "no-data.json");
    invalid_ = test::qpath(dir_ / "invalid.json");
    runs_ = dir_ / "runs";
  }

  void trainThenResume() {
    // 2 epochs of 5 steps, cut at step 3, then continued to step 6.
    Outcome o = cli({"train", project_, "--runs-dir", test::qpath(runs_), "--run-name", "first", "--max-steps", "3"});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    const fs::path run = runs_ / "first";
    QVERIFY2(o.out.contains("run: " + test::qpath(run) + "\n"), qPrintable(o.out));
    QVERIFY2(o.out.contains("state: completed after 3 of 10 steps"), qPrintable(o.out));
    QVERIFY(fs::exists(run / "config.json"));
    QCOMPARE(logged_steps(run), one_to(3));
    QCOMPARE(RunFolder(run).latest_checkpoint(), RunFolder(run).checkpoint_file(3));

    o = cli({"train", project_, "--resume", test::qpath(run), "--max-steps", "6"});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    QVERIFY2(o.out.contains("state: completed after 6 of 10 steps"), qPrintable(o.out));
    QCOMPARE(logged_steps(run), one_to(6));  // steps 4..6 appended, none repeated
    QCOMPARE(RunFolder(run).latest_checkpoint(), RunFolder(run).checkpoint_file(6));
  }

  // Bad input is found before anything is written: exit code 2, nothing in runs/.
  void badInputExitsWithTwo_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("missing project") << QStringList{"train", "NOFILE"} << "NOFILE";
    QTest::newRow("invalid project") << QStringList{"train", invalid_} << "training.epochs";
    QTest::newRow("epochs") << QStringList{"train", project_, "--epochs", "0"} << "--epochs: must be >= 1";
    QTest::newRow("resume") << QStringList{"train", project_, "--resume", "/no/such/run"} << "/no/such/run";
    QTest::newRow("no project") << QStringList{"train"} << "PROJECT";
  }
  void badInputExitsWithTwo() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const QString missing = test::qpath(dir_ / "missing.json");
    args.replaceInStrings(QStringLiteral("NOFILE"), missing);
    message.replace(QStringLiteral("NOFILE"), missing);
    const fs::path runs = dir_ / "bad-runs";
    const Outcome o = cli(args << "--runs-dir" << test::qpath(runs));
    QVERIFY2(o.code == 2, qPrintable(QString("exit %1: %2").arg(o.code).arg(o.err)));
    QVERIFY2(o.err.contains(message), qPrintable(o.err));
    QCOMPARE(folders_in(runs), 0);
  }

  // The training itself throws (the dataset folder is missing): the exception leaves the
  // command, its Ctrl+C handling ends with it, and the process exits normally with code 2.
  void failingTrainingExitsCleanly() {
    const Outcome o = cli({"train", no_data_, "--runs-dir", test::qpath(dir_ / "failed-runs")});
    QVERIFY2(o.code == 2, qPrintable(QString("exit %1: %2").arg(o.code).arg(o.err)));
    QVERIFY2(o.err.contains("error: "), qPrintable(o.err));
    QVERIFY2(o.err.contains(test::qpath(dir_ / "no-such-data")), qPrintable(o.err));
    QVERIFY2(!o.err.contains("terminate") && !o.err.contains("Aborted"), qPrintable(o.err));
    QVERIFY(!o.out.contains("state:"));
  }

  // Ctrl+C and SIGTERM end the training after the current step with a checkpoint there.
  void signalStopsWithACheckpoint_data() {
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGINT") << SIGINT;
    QTest::newRow("SIGTERM") << SIGTERM;
  }
  void signalStopsWithACheckpoint() {
    QFETCH(int, signal);
    const fs::path run = runs_ / ("stopped-" + std::string(QTest::currentDataTag()));
    QProcess p;
    p.start(QStringLiteral(SIMCLR_CLI_PATH),
            {"train", project_, "--runs-dir", test::qpath(runs_), "--run-name", test::qpath(run.filename()), "--epochs",
             "2000"});  // 10000 steps: far longer
    QVERIFY(p.waitForStarted());
    // Training is under way once steps are logged; the handler is installed before the first.
    QTRY_VERIFY_WITH_TIMEOUT(logged_steps(run).size() >= 2 || p.state() == QProcess::NotRunning, 120000);
    QCOMPARE(p.state(), QProcess::Running);
    QCOMPARE(::kill(static_cast<pid_t>(p.processId()), signal), 0);
    if (!p.waitForFinished(120000)) {
      p.kill();
      p.waitForFinished();
      QFAIL("simclr-cli train did not stop after the signal");
    }
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QVERIFY2(p.exitCode() == 0, qPrintable(err));
    const auto m = QRegularExpression(R"(state: stopped after (\d+) of 10000 steps)").match(out);
    QVERIFY2(m.hasMatch(), qPrintable(out));
    const int64_t steps = m.captured(1).toLongLong();
    QVERIFY(steps >= 2 && steps < 10000);
    QCOMPARE(logged_steps(run), one_to(steps));
    QCOMPARE(RunFolder(run).latest_checkpoint(), RunFolder(run).checkpoint_file(steps));
  }

  // While it trains the run summary says "running" with the process; killed (SIGKILL: no
  // handler runs), "interrupted"; resumed to its end, "completed", each step logged once.
  void killedRunIsInterruptedThenResumes() {
    const fs::path run = runs_ / "killed";
    QProcess p;
    p.start(QStringLiteral(SIMCLR_CLI_PATH),
            {"train", project_, "--runs-dir", test::qpath(runs_), "--run-name", "killed", "--epochs", "2000"});
    const auto end = qScopeGuard([&p] { p.kill(), p.waitForFinished(); });  // a failed check leaves none behind
    QVERIFY(p.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(!RunFolder(run).latest_checkpoint().empty() || p.state() == QProcess::NotRunning, 120000);
    QCOMPARE(p.state(), QProcess::Running);
    const auto pid = int64_t(p.processId());
    RunSummary s = read_run_summary(RunFolder(run));
    QCOMPARE(QString::fromStdString(s.state), QStringLiteral("running"));
    QVERIFY(s.process);
    QCOMPARE(s.process->pid, pid);
    QCOMPARE(s.total_steps, int64_t(10000));

    QCOMPARE(::kill(static_cast<pid_t>(pid), SIGKILL), 0);
    QVERIFY(p.waitForFinished(60000));
    s = read_run_summary(RunFolder(run));
    QCOMPARE(QString::fromStdString(s.state), QStringLiteral("interrupted"));
    QVERIFY(s.process);
    QCOMPARE(s.process->pid, pid);
    const int64_t kept = checkpoint_step(RunFolder(run).latest_checkpoint());
    QCOMPARE(s.steps_done, kept);
    const Outcome listed = cli({"runs", test::qpath(runs_)});
    QVERIFY2(listed.out.contains(QRegularExpression("\\nkilled +interrupted +" + QString::number(kept) + " / 10000 ")),
             qPrintable(listed.out));
    QVERIFY2(listed.out.contains("resume with  simclr-cli train PROJECT --resume " + test::qpath(run)),
             qPrintable(listed.out));

    const Outcome o = cli({"train", project_, "--resume", test::qpath(run), "--epochs", "2000", "--max-steps",
                           QString::number(kept + 3)});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    s = read_run_summary(RunFolder(run));
    QCOMPARE(QString::fromStdString(s.state), QStringLiteral("completed"));
    QVERIFY(!s.process);
    QVERIFY(!fs::exists(process_record_file(RunFolder(run))));
    QCOMPARE(logged_steps(run), one_to(kept + 3));
  }

  // Two processes resuming one run: the second is refused (bad input: exit 2), naming the
  // first, which trains on undisturbed.
  void secondTrainerOfARunIsRefused() {
    const fs::path run = runs_ / "shared";
    Outcome o = cli({"train", project_, "--runs-dir", test::qpath(runs_), "--run-name", "shared", "--epochs", "2000",
                     "--max-steps", "4"});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    QProcess first;
    first.start(QStringLiteral(SIMCLR_CLI_PATH), {"train", project_, "--resume", test::qpath(run), "--epochs", "2000"});
    const auto end = qScopeGuard([&first] { first.kill(), first.waitForFinished(); });
    QVERIFY(first.waitForStarted());
    const auto pid = int64_t(first.processId());
    const auto record_pid = [&] {
      const auto record = read_process_record(RunFolder(run));
      return record ? record->pid : 0;
    };
    QTRY_VERIFY_WITH_TIMEOUT(record_pid() == pid || first.state() == QProcess::NotRunning, 120000);

    o = cli({"train", project_, "--resume", test::qpath(run), "--epochs", "2000", "--max-steps", "8"});
    QVERIFY2(o.code == 2, qPrintable(QString("exit %1: %2").arg(o.code).arg(o.err)));
    const QString who = QString("%1 is being trained by process %2 on %3")
                            .arg(test::qpath(run))
                            .arg(pid)
                            .arg(QString::fromStdString(this_process_record().host));
    QVERIFY2(o.err.contains(who), qPrintable(o.err));

    QTRY_VERIFY_WITH_TIMEOUT(logged_steps(run).size() >= 7 || first.state() == QProcess::NotRunning, 120000);
    QCOMPARE(first.state(), QProcess::Running);
    QCOMPARE(::kill(static_cast<pid_t>(pid), SIGINT), 0);
    QVERIFY(first.waitForFinished(120000));
    QCOMPARE(first.exitCode(), 0);
    const auto steps = logged_steps(run);
    QCOMPARE(steps, one_to(int64_t(steps.size())));
  }
};

QTEST_GUILESS_MAIN(TestTrainCommand)
#include "test_train_command.moc"
