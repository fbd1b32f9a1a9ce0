// `simclr-cli train` with several processes, launched the ways users launch them:
// --nproc-per-node (the CLI supervises its own ranks), torchrun (Debian's python3-torch),
// and Open MPI's / Slurm's variables set by hand with --dist-url; Ctrl+C stops every rank.
#include <QtTest>

#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>

#include <signal.h>

#include <nlohmann/json.hpp>

#include "engine/core/atomic_file.h"
#include "engine/project/project_file.h"
#include "engine/project/run_folder.h"
#include "engine/train/metrics_log.h"
#include "tests/app/cli/cli_process.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
namespace fs = std::filesystem;

namespace {

nlohmann::json status_of(const fs::path& run) {
  return nlohmann::json::parse(read_file(run / "status.json"));
}

int step_records(const fs::path& run) {
  int n = 0;
  for (const auto& r : read_metrics(run / "metrics.jsonl")) n += r.value("type", "") == "step";
  return n;
}
}  // namespace

class TestTrainDistributed : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-cli-distributed"};
  fs::path project_;

  fs::path runs() const { return dir_.path() / "runs"; }

 private Q_SLOTS:
  void initTestCase() {
    test::write_cifar10_folder(dir_.path() / "data", 16, 40, 3);
    ProjectConfig p = test::tiny_project(dir_.path() / "data");
    p.training.threads = 1;
    p.evaluation.knn_every_epochs = 0;
    project_ = dir_.path() / "p.json";
    save_project(p, project_);
  }

  void nprocPerNodeTrainsWithTwoRanks() {
    const auto r = test::cli({"train", test::qpath(project_), "--nproc-per-node", "2", "--max-steps", "6", "--run-name",
                              "local", "--runs-dir", test::qpath(runs())});
    QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
    QVERIFY2(r.out.contains("state: completed after 6 of 10 steps") && r.out.contains("x 2 processes"),
             qPrintable(r.out));
    QCOMPARE(status_of(runs() / "local").value("world_size", 0), 2);
    QCOMPARE(step_records(runs() / "local"), 6);
    // The private rendezvous folder is gone again.
    QVERIFY2(r.err.contains("rendezvous in /tmp/simclr-ranks-"), qPrintable(r.err));
    const QString folder = r.err.section("rendezvous in ", 1).section(')', 0, 0);
    QVERIFY2(!QFileInfo::exists(folder), qPrintable(folder));
  }

  void torchrunLaunchesTheRanks() {
    const QString torchrun = QStandardPaths::findExecutable("torchrun");
    if (torchrun.isEmpty()) QSKIP("torchrun not found (Debian package python3-torch)");
    // --redirects/--tee 2: Debian 12's torchrun 1.13 fails on Python 3.11 with its default
    // "0" (its Std flag lookup misses the zero member) before it starts a single worker.
    const auto r = test::run_process(torchrun, {"--redirects",
                                                "2",
                                                "--tee",
                                                "2",
                                                "--no_python",
                                                "--nproc_per_node",
                                                "2",
                                                "--master_port",
                                                QString::number(29500 + (QCoreApplication::applicationPid() % 2000)),
                                                SIMCLR_CLI_PATH,
                                                "train",
                                                test::qpath(project_),
                                                "--max-steps",
                                                "4",
                                                "--run-name",
                                                "torchrun",
                                                "--runs-dir",
                                                test::qpath(runs()),
                                                "--threads",
                                                "1"});
    QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
    QCOMPARE(status_of(runs() / "torchrun").value("world_size", 0), 2);
    QCOMPARE(step_records(runs() / "torchrun"), 4);
  }

  void openMpiVariablesWithADistUrl() {
    const int port = 31000 + (QCoreApplication::applicationPid() % 3000);
    std::vector<std::unique_ptr<QProcess>> ranks;
    for (int r = 0; r < 2; ++r) {
      auto p = std::make_unique<QProcess>();
      QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
      env.insert("OMPI_COMM_WORLD_RANK", QString::number(r));
      env.insert("OMPI_COMM_WORLD_SIZE", "2");
      env.insert("OMPI_COMM_WORLD_LOCAL_RANK", QString::number(r));
      p->setProcessEnvironment(env);
      p->start(SIMCLR_CLI_PATH, {"train", test::qpath(project_), "--max-steps", "3", "--run-name", "mpi", "--runs-dir",
                                 test::qpath(runs()), "--dist-url", QString("tcp://127.0.0.1:%1").arg(port)});
      ranks.push_back(std::move(p));
    }
    for (auto& p : ranks) QVERIFY(p->waitForFinished(180000));
    QVERIFY2(ranks[0]->exitCode() == 0, ranks[0]->readAllStandardError().constData());
    QCOMPARE(ranks[1]->exitCode(), 0);
    QCOMPARE(status_of(runs() / "mpi").value("world_size", 0), 2);
    // Rank 1 reports nothing of its own; rank 0 reports the run.
    QVERIFY(ranks[0]->readAllStandardOutput().contains("x 2 processes"));
    QCOMPARE(ranks[1]->readAllStandardOutput(), QByteArray());
  }

  void ctrlCStopsEveryRankWithACheckpoint() {
    ProjectConfig p = load_project(project_);
    p.training.epochs = 1000;
    const fs::path long_project = dir_.path() / "long.json";
    save_project(p, long_project);
    QProcess launcher;
    launcher.start(SIMCLR_CLI_PATH, {"train", test::qpath(long_project), "--nproc-per-node", "2", "--run-name",
                                     "stopped", "--runs-dir", test::qpath(runs())});
    const fs::path run = runs() / "stopped";
    QTRY_VERIFY_WITH_TIMEOUT(fs::exists(run / "metrics.jsonl") && step_records(run) >= 3, 120000);
    ::kill(static_cast<pid_t>(launcher.processId()), SIGINT);
    QVERIFY(launcher.waitForFinished(60000));
    QVERIFY2(launcher.exitCode() == 0, launcher.readAllStandardError().constData());
    const auto status = status_of(run);
    QCOMPARE(status.value("state", std::string()), std::string("stopped"));
    const int64_t steps = status.value("steps_done", int64_t(0));
    QCOMPARE(checkpoint_step(RunFolder(run).latest_checkpoint()), steps);
    QCOMPARE(int64_t(step_records(run)), steps);
  }

  // SIGUSR1 to the launcher pauses every rank, for longer than the group's timeout without
  // tripping it; SIGUSR2 lets them go on.
  void pauseAndGoOnReachEveryRank() {
    ProjectConfig p = load_project(project_);
    p.training.epochs = 1000;
    p.training.distributed.timeout_s = 2;
    const fs::path long_project = dir_.path() / "pause.json";
    save_project(p, long_project);
    QProcess launcher;
    launcher.start(SIMCLR_CLI_PATH, {"train", test::qpath(long_project), "--nproc-per-node", "2", "--run-name",
                                     "paused", "--runs-dir", test::qpath(runs())});
    const fs::path run = runs() / "paused";
    QTRY_VERIFY_WITH_TIMEOUT(fs::exists(run / "metrics.jsonl") && step_records(run) >= 3, 120000);
    ::kill(static_cast<pid_t>(launcher.processId()), SIGUSR1);
    // Paused: the count settles (the step under way finishes; unchanged over a second) and
    // then stays put for 3 seconds, 1.5 times the group's timeout.
    int settled = step_records(run);
    for (int tries = 0; tries < 30; ++tries) {
      QTest::qWait(1000);
      const int now = step_records(run);
      if (now == settled) break;
      settled = now;
    }
    QTest::qWait(3000);  // a time without progress is what is being checked
    QCOMPARE(step_records(run), settled);
    QCOMPARE(launcher.state(), QProcess::Running);
    ::kill(static_cast<pid_t>(launcher.processId()), SIGUSR2);
    QTRY_VERIFY_WITH_TIMEOUT(step_records(run) >= settled + 2, 60000);
    ::kill(static_cast<pid_t>(launcher.processId()), SIGINT);
    QVERIFY(launcher.waitForFinished(60000));
    QVERIFY2(launcher.exitCode() == 0, launcher.readAllStandardError().constData());
    QCOMPARE(status_of(run).value("state", std::string()), std::string("stopped"));
  }

  void aBatchThatDoesNotSplitIsRefused() {
    const auto r = test::cli({"train", test::qpath(project_), "--nproc-per-node", "3", "--max-steps", "2", "--runs-dir",
                              test::qpath(runs()), "--run-name", "uneven"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("training.batch_size: 16 images cannot be split evenly over 3 processes"),
             qPrintable(r.err));
    QVERIFY(!fs::exists(runs() / "uneven"));
  }

  // A batch-size sweep whose every point trains on both ranks (one group for all points),
  // rank 0 alone evaluating and writing the tables.
  void sweepTrainsEveryPointWithTwoRanks() {
    ProjectConfig p = load_project(project_);
    p.sweep.batch_sizes = {8, 16};
    p.sweep.linear_probe = false;
    const fs::path sweep_project = dir_.path() / "sweep.json";
    save_project(p, sweep_project);
    const fs::path root = dir_.path() / "sweeps";
    const auto r = test::cli({"sweep", test::qpath(sweep_project), "--nproc-per-node", "2", "--max-steps", "3",
                              "--name", "s", "--runs-dir", test::qpath(root)});
    QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
    const auto sweep = nlohmann::json::parse(read_file(root / "s" / "sweep.json"));
    QCOMPARE(sweep.value("world_size", 0), 2);
    QCOMPARE(sweep["points"].size(), size_t(2));
    for (const auto& point : sweep["points"]) {
      QCOMPARE(point.value("status", std::string()), std::string("done"));
      QVERIFY(point["knn_top1"].is_number());
      const fs::path run = root / "s" / point.value("run", std::string());
      QCOMPARE(status_of(run).value("world_size", 0), 2);
      QCOMPARE(step_records(run), 3);
    }
    QVERIFY2(read_file(root / "s" / "sweep.md").find("2 data-parallel processes") != std::string::npos,
             qPrintable(QString::fromStdString(read_file(root / "s" / "sweep.md"))));
    QCOMPARE(test::folders_in(root), 1);  // rank 1 made no folder of its own
  }

  void aSweepBatchThatDoesNotSplitIsRefusedBeforeAnyFolder() {
    const fs::path root = dir_.path() / "uneven-sweeps";
    const auto r = test::cli({"sweep", test::qpath(project_), "--batch-sizes", "8,12", "--nproc-per-node", "8",
                              "--no-memory-check", "--runs-dir", test::qpath(root)});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("sweep.batch_sizes[1]: 12 images cannot be split evenly over 8 processes"),
             qPrintable(r.err));
    QCOMPARE(test::folders_in(root), 0);  // no sweep folder
  }
};

QTEST_GUILESS_MAIN(TestTrainDistributed)
#include "test_train_distributed.moc"
