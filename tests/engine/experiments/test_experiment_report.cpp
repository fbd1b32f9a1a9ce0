// The report over run and sweep folders: tables with our numbers and the paper's, one
// figure per comparison with its data, and refusals for folders that are neither.
#include <QtTest>

#include <cmath>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/experiments/batch_size_sweep.h"
#include "engine/experiments/experiment_report.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
namespace fs = std::filesystem;

class TestExperimentReport : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-report"};
  fs::path run_, vit_run_, sweep_;

 private Q_SLOTS:
  void initTestCase() {
    run_ = test::train_tiny_run(dir_.path(), 5, 1, false);
    write_file_atomically(run_ / "evaluation" / "figure10-step-00000005.csv",
                          "representation,label,input_dim,train_size,test_size,train_top1,test_top1,paper_test_top1\n"
                          "raw,Raw pixels,3072,80,40,90.0,31.5,35.77\n"
                          "h,\"SimCLR embeddings, h\",32,80,40,60.0,42.25,48.63\n");
    // A ViT run as its folder shows it (the report reads files only).
    vit_run_ = dir_ / "vit-run";
    fs::create_directories(vit_run_);
    auto config = nlohmann::json::parse(read_file(run_ / "config.json"));
    config["model"]["encoder"] = "vit";
    config["model"]["vit"] = {{"patch_size", 16}, {"dim", 768}, {"heads", 6}, {"layers", 6}};
    write_file_atomically(vit_run_ / "config.json", config.dump());
    write_file_atomically(vit_run_ / "status.json",
                          R"json({"state": "stopped", "steps_done": 2, "total_steps": 3900, "train_seconds": 30,
                              "parameters": 43000000, "device": "CPU (2 threads)"})json");
    SweepResult sweep;
    sweep.sweep_dir = sweep_ = dir_ / "runs" / "a-sweep";
    fs::create_directories(sweep_);
    sweep.project_name = "tiny";
    sweep.budget = "epochs";
    sweep.lr_scaling = "sqrt";
    sweep.train_images = 80;
    sweep.reference_batch = 16;
    for (int64_t b : {8, 16}) {
      SweepPointResult p;
      p.batch_size = b;
      p.status = b == 8 ? "done" : "skipped-memory";
      p.knn_top1 = b == 8 ? 0.25 : NAN;
      p.linear_top1 = b == 8 ? 0.5 : NAN;
      sweep.points.push_back(p);
    }
    write_sweep_tables(sweep);
  }

  void tablesCarryOursAndThePapers() {
    const ExperimentReport report = build_experiment_report({run_, sweep_});
    const QString md = QString::fromStdString(report.markdown(true));
    QVERIFY(md.contains("## Runs"));
    QVERIFY(md.contains(QString::fromStdString(run_.filename().string())));
    QVERIFY(md.contains("| Raw pixels | 3072 | 80 / 40 | 31.50 | 35.77 |"));
    QVERIFY(md.contains("| SimCLR embeddings, h | 32 | 80 / 40 | 42.25 | 48.63 |"));
    QVERIFY(md.contains("## Batch-size sweep (paper Figure 11): a-sweep"));
    QVERIFY(md.contains("| 16 | 0 | 0 | skipped-memory |"));
    QVERIFY(!md.contains("## Encoders"));  // no ViT among the inputs
    QVERIFY(!md.contains("{{figure:"));
    QVERIFY(md.contains("](sweep-a-sweep.png)"));
  }

  void figuresHoldTheirData() {
    const ExperimentReport report = build_experiment_report({run_, sweep_});
    QCOMPARE(report.figures.size(), size_t{2});
    const ReportFigure& bars = report.figures[0];
    QCOMPARE(QString::fromStdString(bars.kind), QStringLiteral("bars"));
    QCOMPARE(QString::fromStdString(bars.csv()),
             QStringLiteral("category,Ours,Paper\nRaw pixels,31.50,35.77\n\"SimCLR embeddings, h\",42.25,48.63\n"));
    QCOMPARE(QString::fromStdString(report.figures[1].csv()),
             QStringLiteral("batch_size,kNN top-1,Linear probe top-1\n8,25.00,50.00\n16,,\n"));
    // Without images the text links the data instead.
    const QString md = QString::fromStdString(report.markdown(false));
    QVERIFY(!md.contains(".png"));
    QVERIFY(md.contains("(sweep-a-sweep.csv)"));
  }

  void encodersAreComparedWhenAViTIsAmongThem() {
    const ExperimentReport report = build_experiment_report({run_, vit_run_});
    const QString md = QString::fromStdString(report.markdown(true));
    QVERIFY(md.contains("## Encoders (paper Table 1, Figure 12)"));
    QVERIFY(md.contains("ViT 6/6 (patch 16, dim 768)"));
    QVERIFY(md.contains("| 43.00 M |"));
    // Cut short after 2 of 3900 steps at 15 s/step: the full run is extrapolated.
    QVERIFY2(md.contains("| 15.000 | 16.2 h |"), qPrintable(md));
  }

  void foldersThatAreNeitherAreRefused() {
    QVERIFY_THROWS_EXCEPTION(ConfigError, build_experiment_report({dir_ / "nothing-here"}));
    QVERIFY_THROWS_EXCEPTION(ConfigError, build_experiment_report({}));
    fs::create_directories(dir_ / "broken-sweep");
    write_file_atomically(dir_ / "broken-sweep" / "sweep.json", "{ not json");
    QVERIFY_THROWS_EXCEPTION(DataError, build_experiment_report({dir_ / "broken-sweep"}));
  }
};

QTEST_GUILESS_MAIN(TestExperimentReport)
#include "test_experiment_report.moc"
