// A real sweep on a tiny CIFAR-10 fixture: every point is an ordinary, evaluated run folder
// inside the sweep folder; the tables list them; a resumed sweep trains only what is left.
#include <QtTest>

#include <cmath>
#include <fstream>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/experiments/batch_size_sweep.h"
#include "engine/project/run_folder.h"
#include "engine/project/run_summary.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
namespace fs = std::filesystem;

class TestBatchSizeSweep : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-sweep"};
  ProjectConfig project_;
  SweepResult first_;

  SweepOptions options(const std::string& name) const {
    SweepOptions o;
    o.runs_root = dir_ / "runs";
    o.sweep_name = name;
    return o;
  }

 private Q_SLOTS:
  void initTestCase() {
    test::write_cifar10_folder(dir_ / "data", 16, 40, 3);  // 80 training images
    project_ = test::tiny_project(dir_ / "data");
    project_.training.epochs = 1;
    project_.evaluation.knn_every_epochs = 0;
    project_.sweep.batch_sizes = {16, 8, 32};
    project_.sweep.lr_scaling = "linear";
    first_ = run_sweep(project_, options("first"), {}, StopToken());
  }

  void everyPointIsAnEvaluatedRun() {
    QCOMPARE(first_.points.size(), size_t{3});
    QVERIFY(!first_.stopped);
    const int64_t batches[] = {8, 16, 32};
    for (size_t i = 0; i < 3; ++i) {
      const SweepPointResult& p = first_.points[i];
      QCOMPARE(p.batch_size, batches[i]);
      QCOMPARE(QString::fromStdString(p.status), QStringLiteral("done"));
      QCOMPARE(p.steps, 80 / p.batch_size);
      QVERIFY(std::isfinite(p.final_loss) && std::isfinite(p.views_per_second) && p.wall_seconds > 0);
      QVERIFY(p.knn_top1 >= 0 && p.knn_top1 <= 1);
      QVERIFY(p.linear_top1 >= 0 && p.linear_top1 <= 1);
      const RunSummary s = read_run_summary(RunFolder(first_.sweep_dir / p.run));
      QCOMPARE(QString::fromStdString(s.state), QStringLiteral("completed"));
      QCOMPARE(s.batch_size, p.batch_size);
      QVERIFY(s.evaluated_knn_top1.has_value());  // the runs list shows the sweep's kNN
      QCOMPARE(*s.evaluated_knn_top1, p.knn_top1);
    }
    // Linear scaling from the reference batch of 16.
    QVERIFY(std::abs(first_.points[2].learning_rate - 2 * project_.training.learning_rate) < 1e-12);
  }

  void memoryCheckMeasuresTheTwoSmallestAndEstimatesTheRest() {
    for (size_t i = 0; i < 3; ++i) QVERIFY2(!first_.points[i].memory_note.empty(), "no memory note");
    QVERIFY(QString::fromStdString(first_.points[0].memory_note).startsWith("measured") ||
            QString::fromStdString(first_.points[0].memory_note).contains("not readable"));
    QVERIFY(!QString::fromStdString(first_.points[2].memory_note).startsWith("measured"));
  }

  void tablesListEveryPoint() {
    const std::string csv = read_file(first_.sweep_dir / "sweep.csv");
    QVERIFY(QString::fromStdString(csv).startsWith("batch_size,learning_rate,epochs,steps,status,final_loss,knn_top1"));
    QCOMPARE(QString::fromStdString(csv).count('\n'), 4);
    QVERIFY(QString::fromStdString(csv).contains(",done,"));
    const std::string md = read_file(first_.sweep_dir / "sweep.md");
    QVERIFY(QString::fromStdString(md).contains("| 32 |"));
    const SweepResult back = read_sweep(first_.sweep_dir);
    QCOMPARE(back.points.size(), size_t{3});
    QCOMPARE(back.points[1].knn_top1, first_.points[1].knn_top1);
  }

  // A sweep.json edited or damaged by hand: values of the wrong kind read as unknown
  // instead of escaping as nlohmann's type_error (issue #18); no points list is refused.
  void wrongKindsInSweepJsonReadAsUnknown() {
    const fs::path dir = dir_ / "hand-edited";
    fs::create_directories(dir);
    write_file_atomically(dir / "sweep.json",
                          R"({"project": 7, "world_size": "two", "train_images": 1e300,
                              "points": [{"batch_size": "64", "status": false, "knn_top1": "high"},
                                         "not a point", {"batch_size": 128, "run": "bs-00128"}]})");
    const SweepResult read = read_sweep(dir);
    QCOMPARE(read.project_name, std::string());
    QCOMPARE(read.world_size, 1);
    QCOMPARE(read.train_images, int64_t{0});
    QCOMPARE(read.points.size(), size_t{3});
    QCOMPARE(read.points[0].batch_size, int64_t{0});
    QCOMPARE(read.points[0].status, std::string("pending"));
    QVERIFY(std::isnan(read.points[0].knn_top1));
    QCOMPARE(read.points[2].batch_size, int64_t{128});
    QCOMPARE(read.points[2].run, std::string("bs-00128"));
    write_file_atomically(dir / "sweep.json", R"({"points": 3})");
    QVERIFY_THROWS_EXCEPTION(DataError, read_sweep(dir));
  }

  void theRunsListIncludesThePoints() {
    int points = 0;
    for (const RunFolder& run : list_runs(dir_ / "runs"))
      if (QString::fromStdString(run.name()).startsWith("first/bs-00")) ++points;
    QCOMPARE(points, 3);
  }

  void resumeTrainsOnlyWhatIsLeft() {
    SweepResult copy = run_sweep(project_, options("resumed"), {}, StopToken());
    // Pretend the sweep was interrupted after its first point.
    copy.points[1].status = copy.points[2].status = "pending";
    write_sweep_tables(copy);
    fs::remove_all(copy.sweep_dir / copy.points[2].run);
    const auto kept = fs::last_write_time(copy.sweep_dir / copy.points[0].run / "status.json");
    SweepOptions o = options("");
    o.resume_sweep = copy.sweep_dir;
    const SweepResult resumed = run_sweep(project_, o, {}, StopToken());
    for (const auto& p : resumed.points) QCOMPARE(QString::fromStdString(p.status), QStringLiteral("done"));
    QCOMPARE(fs::last_write_time(copy.sweep_dir / copy.points[0].run / "status.json"), kept);
    // The point that had finished training resumes without training again: same loss.
    QCOMPARE(resumed.points[1].final_loss, copy.points[1].final_loss);
  }

  void aStopLeavesPendingPointsInTheTables() {
    StopToken stop;
    stop.request_stop();
    const SweepResult r = run_sweep(project_, options("stopped"), {}, stop);
    QVERIFY(r.stopped);
    for (const auto& p : r.points) QVERIFY(p.status != "done");
    QVERIFY(fs::exists(r.sweep_dir / "sweep.csv"));
  }

  void aProjectWithoutSweepIsRefusedBeforeAnyFolder() {
    ProjectConfig p = project_;
    p.sweep.batch_sizes.clear();
    QVERIFY_THROWS_EXCEPTION(ConfigError, run_sweep(p, options("none"), {}, StopToken()));
    QVERIFY(!fs::exists(dir_ / "runs" / "none"));
    p.sweep.batch_sizes = {8, 4096};
    QVERIFY_THROWS_EXCEPTION(ConfigError, run_sweep(p, options("toolarge"), {}, StopToken()));
    QVERIFY(!fs::exists(dir_ / "runs" / "toolarge"));
  }
};

QTEST_GUILESS_MAIN(TestBatchSizeSweep)
#include "test_batch_size_sweep.moc"
