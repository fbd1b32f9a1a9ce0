// What a run keeps on disk: timeline snapshots (log-spaced and epoch ends, thinned under a
// disk cap), resume checkpoints pruned to the newest few, the disk use stated first.
#include <QtTest>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/train/checkpoint.h"
#include "engine/train/trainer.h"
#include "engine/project/project_file.h"
#include "engine/project/run_folder.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
namespace fs = std::filesystem;

namespace {

std::vector<int64_t> steps_in(const fs::path& dir) {
  std::vector<int64_t> steps;
  for (const auto& [step, file] : step_files(dir)) steps.push_back(step);
  return steps;
}

struct Trained {
  TrainResult result;
  std::vector<std::string> log;
  bool logged(const std::string& part) const {
    for (const auto& line : log)
      if (line.find(part) != std::string::npos) return true;
    return false;
  }
};

Trained train_logged(const ProjectConfig& p, const TrainOptions& options) {
  Trained t;
  TrainCallbacks callbacks;
  callbacks.on_log = [&](LogLevel, const std::string& text) { t.log.push_back(text); };
  t.result = train(p, options, callbacks, StopToken());
  return t;
}

}  // namespace

class TestRunSnapshots : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-run-snapshots"};

  ProjectConfig project(int64_t epochs) {
    ProjectConfig p = test::tiny_project(dir_ / "data");
    p.evaluation.knn_every_epochs = 0;
    p.training.epochs = epochs;  // 5 steps per epoch
    return p;
  }
  TrainOptions options(const std::string& name) {
    TrainOptions o;
    o.runs_root = dir_ / "runs";
    o.run_name = name;
    return o;
  }

 private Q_SLOTS:
  void initTestCase() { test::write_cifar10_folder(dir_ / "data", 16, 40, 5); }

  void defaultsKeepLogSpacedSnapshotsAndTheNewestCheckpoints() {
    ProjectConfig p = project(5);  // 25 steps, checkpoints every 4
    const Trained t = train_logged(p, options("defaults"));
    const RunFolder run(t.result.run_dir);
    // Steps 0, 10, 20 (log-spaced), each epoch's end (5 ... 25), the last.
    QCOMPARE(steps_in(run.snapshot_dir()), (std::vector<int64_t>{0, 5, 10, 15, 20, 25}));
    QCOMPARE(steps_in(run.checkpoint_dir()), (std::vector<int64_t>{20, 24, 25}));
    QVERIFY(t.logged("disk: about"));
    QVERIFY(t.logged("6 timeline snapshots of"));
    QVERIFY(t.logged("3 resume checkpoints of"));

    // A snapshot holds the model alone: a fraction of a checkpoint trained with Adam.
    QVERIFY(fs::file_size(run.snapshot_file(10)) * 2 < fs::file_size(run.checkpoint_file(20)));
    QCOMPARE(read_checkpoint_info(run.snapshot_file(10)).step, int64_t{10});
    snapshot_bytes_ = fs::file_size(run.snapshot_file(10));
  }

  void diskCapThinsEvenlyKeepingTheFirstAndTheLatest() {
    QVERIFY(snapshot_bytes_ > 0);
    ProjectConfig p = project(10);  // epoch ends 5 ... 50 and step 0: 11 snapshots
    p.training.timeline = "epochs";
    p.training.timeline_max_mb = 3.5 * double(snapshot_bytes_) / 1e6;  // room for three
    const Trained t = train_logged(p, options("capped"));
    const RunFolder run(t.result.run_dir);
    const auto kept = steps_in(run.snapshot_dir());
    QCOMPARE(kept.size(), size_t{3});
    QCOMPARE(kept.front(), int64_t{0});
    QCOMPARE(kept.back(), int64_t{50});
    uintmax_t total = 0;
    for (const auto& [step, file] : step_files(run.snapshot_dir())) total += fs::file_size(file);
    QVERIFY(double(total) <= p.training.timeline_max_mb * 1e6);
    QVERIFY(t.logged("timeline snapshots thinned"));
    QVERIFY(t.logged("thinned to stay under training.timeline_max_mb"));  // said before it started
  }

  void neitherSettingBindsAResume() {
    ProjectConfig p = project(4);  // 20 steps
    p.training.max_steps = 12;
    const Trained first = train_logged(p, options("resumed"));
    const RunFolder run(first.result.run_dir);
    QCOMPARE(steps_in(run.snapshot_dir()), (std::vector<int64_t>{0, 5, 10, 12}));
    QCOMPARE(steps_in(run.checkpoint_dir()), (std::vector<int64_t>{4, 8, 12}));

    p.training.max_steps = 0;
    p.training.keep_last_checkpoints = 1;
    p.training.timeline = "off";
    TrainOptions resume;
    resume.resume_run = run.dir();
    const Trained second = train_logged(p, resume);
    QCOMPARE(second.result.steps_done, int64_t{20});
    QCOMPARE(steps_in(run.checkpoint_dir()), (std::vector<int64_t>{20}));
    QCOMPARE(steps_in(run.snapshot_dir()), (std::vector<int64_t>{0, 5, 10, 12}));
  }

  void aRunMadeBeforePruningKeepsEveryCheckpoint() {
    ProjectConfig p = project(4);
    p.training.max_steps = 12;
    const Trained first = train_logged(p, options("older"));
    const RunFolder run(first.result.run_dir);
    // Its config as a run made before these settings existed saved it.
    auto raw = nlohmann::json::parse(read_file(run.config_file()));
    for (const char* key : {"keep_last_checkpoints", "timeline", "timeline_steps", "timeline_max_mb"})
      raw["training"].erase(key);
    write_file_atomically(run.config_file(), raw.dump(2));
    QCOMPARE(run.read_config().training.keep_last_checkpoints, int64_t{0});

    p.training.max_steps = 0;
    TrainOptions resume;
    resume.resume_run = run.dir();
    train_logged(p, resume);
    QCOMPARE(steps_in(run.checkpoint_dir()), (std::vector<int64_t>{4, 8, 12, 16, 20}));
  }

 private:
  uintmax_t snapshot_bytes_ = 0;
};

QTEST_GUILESS_MAIN(TestRunSnapshots)
#include "test_run_snapshots.moc"
