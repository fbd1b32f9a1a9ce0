// Run summaries from finished, unfinished and damaged run folders.
#include <QtTest>

#include <nlohmann/json.hpp>

#include "engine/core/atomic_file.h"
#include "engine/project/run_summary.h"
#include "tests/support/temp_dir.h"

using namespace simclr;

class TestRunSummary : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void finishedRunReadsStatusAndConfig() {
    test::TempDir dir("summary");
    RunFolder run(dir / "r1");
    ProjectConfig config;
    config.training.batch_size = 64;
    run.write_config(config);
    write_file_atomically(run.status_file(), nlohmann::json{{"state", "completed"},
                                                            {"steps_done", 390},
                                                            {"total_steps", 390},
                                                            {"final_loss", 4.25},
                                                            {"train_seconds", 93.5},
                                                            {"device", "CPU (2 threads)"},
                                                            {"final_monitor", {{"knn_top1", 0.4575}}}}
                                                 .dump());
    const RunSummary s = read_run_summary(run);
    QCOMPARE(s.name, std::string("r1"));
    QCOMPARE(s.state, std::string("completed"));
    QCOMPARE(s.steps_done, int64_t(390));
    QCOMPARE(*s.final_loss, 4.25);
    QCOMPARE(*s.knn_top1, 0.4575);
    QCOMPARE(s.batch_size, int64_t(64));
    QCOMPARE(s.dataset, config.dataset.name);
  }

  void unfinishedRunShowsItsLatestCheckpoint() {
    test::TempDir dir("summary");
    RunFolder run(dir / "r2");
    write_file_atomically(run.checkpoint_file(40), "x");
    write_file_atomically(run.checkpoint_file(120), "x");
    write_file_atomically(run.checkpoint_dir() / "notes.txt", "x");
    const RunSummary s = read_run_summary(run);
    QCOMPARE(s.state, std::string("incomplete"));
    QCOMPARE(s.steps_done, int64_t(120));
    QVERIFY(!s.final_loss);
  }

  void damagedFilesDoNotThrow() {
    test::TempDir dir("summary");
    RunFolder run(dir / "r3");
    write_file_atomically(run.status_file(), "{ torn");
    write_file_atomically(run.config_file(), "[]");
    const RunSummary s = read_run_summary(run);
    QCOMPARE(s.state, std::string("incomplete"));
    QVERIFY(s.dataset.empty());
  }

  void latestKnnEvaluationIsShown() {
    test::TempDir dir("summary");
    RunFolder run(dir / "r4");
    const auto knn = [](int64_t step, double top1) {
      return nlohmann::json{{"step", step}, {"results", {{{"k", 200}, {"top1", top1}, {"top5", 0.9}}}}}.dump();
    };
    write_file_atomically(run.dir() / "evaluation" / "knn-h-step-00000100.json", knn(100, 0.41));
    write_file_atomically(run.dir() / "evaluation" / "knn-h-step-00000390.json", knn(390, 0.52));
    write_file_atomically(run.dir() / "evaluation" / "knn-z-step-00000999.json", knn(999, 0.1));  // z: not shown
    const RunSummary s = read_run_summary(run);
    QVERIFY(s.evaluated_knn_top1.has_value());
    QCOMPARE(*s.evaluated_knn_top1, 0.52);
    QCOMPARE(s.evaluated_step, int64_t(390));
    QVERIFY(!read_run_summary(RunFolder(dir / "r5")).evaluated_knn_top1);
  }

  void checkpointStepsFromNames() {
    QCOMPARE(checkpoint_step("a/step-00000040.pt"), int64_t(40));
    QCOMPARE(checkpoint_step("step-7.pt"), int64_t(7));
    QCOMPARE(checkpoint_step("step-.pt"), int64_t(-1));
    QCOMPARE(checkpoint_step("latest.pt"), int64_t(-1));
  }
};

QTEST_GUILESS_MAIN(TestRunSummary)
#include "test_run_summary.moc"
