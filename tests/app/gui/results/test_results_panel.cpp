// The Results dock on result files written by hand: the newest Figure 10 CSV of the selected
// run next to the paper's values, a sweep folder's chart and table, the runs' kNN by batch
// size while no sweep exists, the encoder comparison with the metric of each bar, clear
// messages for missing and malformed files, Refresh and the exports.
#include <QtTest>

#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>

#include <cmath>

#include "app/gui/results/results_panel.h"
#include "tests/app/gui/results_fixtures.h"
#include "tests/widgets/widget_shots.h"
#include "widgets/accuracy_bar_chart.h"
#include "widgets/sweep_chart.h"

using simclr::gui::ResultsPanel;
using namespace simclr::test;

namespace {
const QByteArray kResNet = "{\"encoder\": \"resnet18\", \"width\": 16}";
const QByteArray kVit =
    "{\"encoder\": \"vit\", \"vit\": {\"heads\": 6, \"layers\": 6, \"patch_size\": 16, \"dim\": 768}}";

QVector<double> values(const simclr::widgets::AccuracyBarChart* chart, int series) {
  return chart->series().value(series).values;
}
}  // namespace

class TestResultsPanel : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString root_, runA_, runVit_, runBad_;

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    root_ = dir_.filePath(QStringLiteral("runs"));
    runA_ = root_ + QStringLiteral("/run-a");
    runVit_ = root_ + QStringLiteral("/run-vit");
    runBad_ = root_ + QStringLiteral("/run-bad");
    writeRun(runA_, kResNet, 128, 0.45);
    writeFile(runA_ + "/evaluation/figure10-step-00000100.csv", figure10Csv(100, 20.0));
    writeFile(runA_ + "/evaluation/figure10-step-00000390.csv", figure10Csv(390, 51.23));
    writeFile(runA_ + "/evaluation/finetune-step-00000390.json",
              "{\"probe\": \"finetune\", \"results\": {\"test_top1\": 0.3845, \"test_size\": 2000}, \"step\": 390}");
    writeRun(runVit_, kVit, 256, 0.30);
    writeFile(runVit_ + "/evaluation/knn-h-step-00000200.json",
              "{\"results\": [{\"k\": 200, \"top1\": 0.33, \"top5\": 0.8}], \"step\": 200}");
    // Not a finished run: no status, no accuracy; its Figure 10 file is damaged.
    writeFile(runBad_ + "/config.json", "{\"model\": " + kResNet + "}");
    writeFile(runBad_ + "/evaluation/figure10-step-00000010.csv",
              kFigure10Header +
                  "raw,Raw pixels,3072,50000,10000,81.5,51.2,35.77,0,0,10,512,20,0.001,256,0,50,10000,x\n"
                  "h,SimCLR h,128,50000,10000,57.6,fifty,,0,0,10,512,20,0.001,256,0,50,10000,x\n");
  }

  void figure10OfTheSelectedRun() {
    ResultsPanel panel;
    QVERIFY(panel.figure10Chart()->isHidden());
    QVERIFY(panel.figure10Label()->text().contains(QStringLiteral("Select a run")));
    panel.setRun(runA_);
    const auto* chart = panel.figure10Chart();
    QVERIFY(!chart->isHidden());
    QCOMPARE(chart->categories(), (QStringList{"Raw pixels", "SimCLR embeddings (h)", "PCA of h", "t-SNE of h"}));
    QCOMPARE(chart->series().size(), 2);
    QCOMPARE(chart->series()[0].name, QStringLiteral("Ours"));
    QCOMPARE(chart->series()[1].name, QStringLiteral("Paper"));
    // The newest file (step 390), not the step-100 one.
    QCOMPARE(values(chart, 0), (QVector<double>{51.23, 51.3, 49.7, 31.2537}));
    const QVector<double> paper = values(chart, 1);
    QCOMPARE(paper[0], 35.77);
    QVERIFY(std::isnan(paper[1]));  // the paper's value for h is not in the file: no bar
    QCOMPARE(paper[2], 39.67);
    QCOMPARE(chart->valueLabels().size(), 7);  // one per drawn bar: 4 ours, 3 of the paper
    const QString text = panel.figure10Label()->text();
    QVERIFY2(text.contains(QStringLiteral("run-a")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("checkpoint step 390")));
    QVERIFY(text.contains(QStringLiteral("50000 / 10000")));
    QVERIFY(text.contains(QStringLiteral("t-SNE of h: 8333 / 1667")));
  }

  void figure10MissingSaysHowToMakeIt() {
    ResultsPanel panel;
    panel.setRun(runVit_);
    QVERIFY(panel.figure10Chart()->isHidden());
    const QString text = panel.figure10Label()->text();
    QVERIFY2(text.contains(QStringLiteral("simclr-cli evaluate")) && text.contains(QStringLiteral("paper-figure10")),
             qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("run-vit")));
  }

  void figure10MalformedIsExplained() {
    ResultsPanel panel;
    panel.setRun(runA_);
    panel.setRun(runBad_);
    QVERIFY(panel.figure10Chart()->isHidden());
    QVERIFY(panel.figure10Chart()->categories().isEmpty());  // nothing left of run-a
    const QString text = panel.figure10Label()->text();
    QVERIFY2(text.contains(QStringLiteral("Cannot show Figure 10")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("line 3")));
    QVERIFY(text.contains(QStringLiteral("test_top1")));
    QVERIFY(text.contains(QStringLiteral("fifty")));
  }

  void sweepChartAndTable() {
    QTemporaryDir dir;
    const QString root = dir.filePath(QStringLiteral("runs"));
    writeFile(root + "/sweep-b/sweep.csv", kSweepCsv);
    writeFile(root + "/a-broken-sweep/sweep.csv", "batch_size,knn_top1\n64,40\n128\n");
    writeFile(root + "/not-a-sweep/notes.txt", "x");
    ResultsPanel panel;
    panel.setRunsRoot(root);
    QCOMPARE(panel.sweepBox()->count(), 2);
    QCOMPARE(panel.sweepBox()->itemText(0), QStringLiteral("a-broken-sweep"));
    // A malformed sweep: a message naming the line, no chart.
    QVERIFY(panel.sweepChart()->isHidden());
    QVERIFY2(panel.sweepLabel()->text().contains(QStringLiteral("line 3")), qPrintable(panel.sweepLabel()->text()));
    QVERIFY(panel.sweepLabel()->text().contains(QStringLiteral("Cannot show the sweep")));

    panel.sweepBox()->setCurrentIndex(1);
    const auto* chart = panel.sweepChart();
    QVERIFY(!chart->isHidden());
    QCOMPARE(chart->series().size(), 2);
    QCOMPARE(chart->series()[0].name, QStringLiteral("kNN top-1"));
    QCOMPARE(chart->series()[0].batchSizes, (QVector<double>{64, 128, 256, 1024}));
    // 1024 was skipped (nothing measured): no point, no tick; no linear probe at 256.
    QCOMPARE(chart->batchSizes(), (QVector<double>{64, 128, 256}));
    QVERIFY(chart->throughputGraph());
    QCOMPARE(chart->toCsv(), QStringLiteral("batch_size,kNN top-1,Linear probe,views/s\n"
                                            "64,41.25,47.5,410.5\n128,43.8,49.1,455\n256,44.1,,470.2\n"));
    const QTableWidget* table = panel.sweepTable();
    QVERIFY(!table->isHidden());
    QCOMPARE(table->rowCount(), 4);
    QCOMPARE(table->columnCount(), 12);
    QCOMPARE(table->horizontalHeaderItem(6)->text(), QStringLiteral("knn_top1"));
    QCOMPARE(table->item(3, 4)->text(), QStringLiteral("skipped-memory"));
    QCOMPARE(table->item(1, 7)->text(), QStringLiteral("49.10"));
    const QString text = panel.sweepLabel()->text();
    QVERIFY2(text.contains(QStringLiteral("sweep-b")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("3 done")));
    QVERIFY(text.contains(QStringLiteral("1 skipped-memory")));
  }

  void runsByBatchSizeUntilASweepExists() {
    ResultsPanel panel;
    panel.setRunsRoot(root_);
    QCOMPARE(panel.sweepBox()->count(), 0);
    QVERIFY(!panel.sweepBox()->isEnabled());
    const auto* chart = panel.sweepChart();
    QVERIFY(!chart->isHidden());
    QCOMPARE(chart->series().size(), 1);
    QCOMPARE(chart->series()[0].batchSizes, (QVector<double>{128, 256}));
    // run-a: the monitor's 45 %; run-vit: its full-split kNN (33 %) rather than the monitor.
    QCOMPARE(chart->series()[0].values, (QVector<double>{45.0, 33.0}));
    QVERIFY(panel.sweepLabel()->text().contains(QStringLiteral("No batch-size sweep yet")));
    QVERIFY(panel.sweepLabel()->text().contains(QStringLiteral("simclr-cli sweep")));
  }

  void encoderComparison() {
    ResultsPanel panel;
    panel.setRunsRoot(root_);
    const auto* chart = panel.vitChart();
    QVERIFY(!chart->isHidden());
    // ViT first; run-bad has no accuracy and no bar.
    QCOMPARE(chart->categories(), (QStringList{QStringLiteral("ViT 6/6 (patch 16, dim 768)\nrun-vit"),
                                               QStringLiteral("ResNet-18 (width 16)\nrun-a")}));
    QCOMPARE(chart->series().size(), 1);
    QCOMPARE(chart->series()[0].name, QStringLiteral("Ours"));
    QCOMPARE(values(chart, 0), (QVector<double>{33.0, 38.45}));
    const QString text = panel.vitLabel()->text();
    QVERIFY2(text.contains(QStringLiteral("38.45 % fine-tune test top-1 at step 390")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("33.00 % kNN top-1 (full test split) at step 200")));
    QVERIFY(!text.contains(QStringLiteral("No ViT run yet")));
  }

  void refreshButtonRereads() {
    QTemporaryDir dir;
    const QString run = dir.filePath(QStringLiteral("runs/r"));
    writeRun(run, kResNet, 64, 0.4);
    ResultsPanel panel;
    panel.setRunsRoot(dir.filePath(QStringLiteral("runs")));
    panel.setRun(run);
    QVERIFY(panel.figure10Chart()->isHidden());
    QVERIFY(panel.vitLabel()->text().contains(QStringLiteral("No ViT run yet")));
    writeFile(run + "/evaluation/figure10-step-00000500.csv", figure10Csv(500, 60.0));
    auto* refresh = panel.findChild<QPushButton*>(QStringLiteral("resultsRefresh"));
    QVERIFY(refresh);
    QTest::mouseClick(refresh, Qt::LeftButton);
    QVERIFY(!panel.figure10Chart()->isHidden());
    QCOMPARE(values(panel.figure10Chart(), 0).value(0), 60.0);
    QVERIFY(panel.figure10Label()->text().contains(QStringLiteral("step 500")));
  }

  void exportsTheCurrentChart() {
    QTemporaryDir out;
    ResultsPanel panel;
    panel.setRun(runA_);
    panel.tabs()->setCurrentIndex(ResultsPanel::Figure10Tab);
    const QString csv = out.filePath(QStringLiteral("f10.csv"));
    QString error;
    QVERIFY2(panel.exportCurrentChart(csv, &error), qPrintable(error));
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(f.readAll()),
             QStringLiteral("category,Ours,Paper\nRaw pixels,51.23,35.77\nSimCLR embeddings (h),51.3,\n"
                            "PCA of h,49.7,39.67\nt-SNE of h,31.2537,28.72\n"));
    const QString png = out.filePath(QStringLiteral("f10.png"));
    QVERIFY2(panel.exportCurrentChart(png, &error), qPrintable(error));
    QCOMPARE(QImage(png).size(), QSize(1000, 560));
    QVERIFY(!panel.exportCurrentChart(out.filePath(QStringLiteral("f10.txt")), &error));
    QVERIFY(error.contains(QStringLiteral(".txt")));
  }

  void screenshot() {
    SIMCLR_SKIP_WITHOUT_SHOTS();
    QTemporaryDir dir;
    const QString root = dir.filePath(QStringLiteral("runs"));
    writeFile(root + "/sweep-b/sweep.csv", kSweepCsv);
    ResultsPanel panel;
    panel.resize(1100, 560);
    panel.setRunsRoot(root_);
    panel.setRun(runA_);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QVERIFY(simclr::widgets::testing::saveShot(panel, QStringLiteral("results_figure10")));
    panel.tabs()->setCurrentIndex(ResultsPanel::VitTab);
    QVERIFY(simclr::widgets::testing::saveShot(panel, QStringLiteral("results_vit")));
    panel.setRunsRoot(root);
    panel.tabs()->setCurrentIndex(ResultsPanel::SweepTab);
    QVERIFY(simclr::widgets::testing::saveShot(panel, QStringLiteral("results_sweep")));
  }
};

QTEST_MAIN(TestResultsPanel)
#include "test_results_panel.moc"
