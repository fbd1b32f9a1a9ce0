// The Explore dock on a real unlabelled run, driven as a user would: the planted copies come
// up as the near-duplicate groups at the default threshold, a lower threshold regroups in
// the background, the most unusual come in the engine's order, a diverse subset has the size
// asked for, and the result saves as the CLI's CSV with the files' paths.
#include <QtTest>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QSignalSpy>

#include <set>

#include "app/gui/explore/explore_panel.h"
#include "engine/analysis/run_features.h"
#include "engine/analysis/trained_run.h"
#include "engine/core/atomic_file.h"
#include "engine/explore/outlier_scores.h"
#include "tests/support/photo_folder.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"
#include "tests/widgets/widget_shots.h"
#include "widgets/image_grid.h"

using namespace simclr;
using simclr::gui::ExplorePanel;
using simclr::gui::ExploreResult;

namespace {
// The files of a result's thumbnails (their tooltips start with the file's path).
std::set<std::string> files(const ExploreResult& r) {
  std::set<std::string> out;
  for (const auto& item : r.items) out.insert(item.toolTip.section(QLatin1Char('\n'), 0, 0).toStdString());
  return out;
}
}  // namespace

class TestExplorePanel : public QObject {
  Q_OBJECT
  test::TempDir dir_{"gui-explore-panel"};
  test::PhotoFolder photos_;
  QString runDir_;

  // Waits for the panel's next answer.
  static ExploreResult next(ExplorePanel& panel) {
    QSignalSpy ready(panel.job(), &gui::ExploreJob::resultReady);
    if (!ready.wait(120000)) return {};
    return panel.result();
  }

 private Q_SLOTS:
  void initTestCase() { runDir_ = QString::fromStdString(test::train_photo_run(dir_.path(), &photos_).string()); }

  void findsThePlantedCopiesAndRegroupsLive() {
    ExplorePanel panel;
    panel.resize(1000, 600);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setRun(runDir_);
    ExploreResult r = next(panel);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QCOMPARE(r.split, QStringLiteral("all"));  // an unlabelled folder: every image
    std::set<std::string> planted;
    for (const auto& pair : photos_.planted_pairs) planted.insert(pair.begin(), pair.end());
    QVERIFY2(files(r) == planted, qPrintable(r.summary));
    QCOMPARE(r.groups, int(photos_.planted_pairs.size()));
    QCOMPARE(panel.grid()->count(), int(planted.size()));
    widgets::testing::saveShot(panel, QStringLiteral("explore-duplicates"));  // with SIMCLR_WIDGET_SHOTS

    // A lower threshold: the answer comes from a new background search, with more images.
    panel.thresholdBox()->setValue(0.95);
    r = next(panel);
    QCOMPARE(r.request.threshold, 0.95);
    QVERIFY2(r.items.size() > qsizetype(planted.size()), qPrintable(r.summary));

    QString error;
    const QString csv = panel.saveCsv(&error);
    QVERIFY2(!csv.isEmpty(), qPrintable(error));
    QVERIFY(csv.endsWith(QStringLiteral("explore/duplicates-all-h.csv")));
    const QString text = QString::fromStdString(read_file(csv.toStdString()));
    QVERIFY2(text.startsWith(QStringLiteral("index,group,similarity,path\n")), qPrintable(text.left(80)));
    QCOMPARE(text.count(QLatin1Char('\n')), int(r.items.size()) + 1);
  }

  void unusualAndDiverseImages() {
    ExplorePanel panel;
    panel.resize(1000, 600);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setRun(runDir_);
    next(panel);
    panel.kindBox()->setCurrentIndex(1);  // Most unusual
    ExploreResult r = next(panel);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    // The engine's ranking of the same collection, most unusual first.
    TrainedRun run = open_trained_run(runDir_.toStdString());
    const SplitFeatures rows = collection_features(run, "");
    const OutlierScores scores = outlier_scores(rows.h);
    QCOMPARE(r.items.size(), qsizetype(100));
    for (int i = 0; i < 100; ++i) QCOMPARE(r.rows[i], qint64(scores.ranking[size_t(i)]));

    panel.kindBox()->setCurrentIndex(2);  // Diverse subset of the default 100
    r = next(panel);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QCOMPARE(r.items.size(), qsizetype(100));
    QCOMPARE(std::set<qint64>(r.rows.begin(), r.rows.end()).size(), size_t(100));
    QVERIFY(r.csvName.startsWith(QStringLiteral("select-all-h-100-seed0")));
  }

  // For the README: the dock on a run named by SIMCLR_EXPLORE_RUN (the CIFAR-10 test split
  // as an unlabelled folder), its near-duplicates and most unusual images, saved as
  // explore-duplicates-real.png and explore-outliers-real.png in $SIMCLR_WIDGET_SHOTS.
  void screenshotOnARealRun() {
    SIMCLR_SKIP_WITHOUT_SHOTS();
    const QString run = qEnvironmentVariable("SIMCLR_EXPLORE_RUN");
    if (run.isEmpty()) QSKIP("set SIMCLR_EXPLORE_RUN to a run folder");
    ExplorePanel panel;
    panel.resize(900, 620);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.thresholdBox()->setValue(qEnvironmentVariable("SIMCLR_EXPLORE_THRESHOLD", QStringLiteral("0.99")).toDouble());
    panel.setRun(run);
    ExploreResult r = next(panel);
    while (r.request.threshold != panel.thresholdBox()->value()) r = next(panel);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QTest::qWait(50);
    widgets::testing::saveShot(panel, QStringLiteral("explore-duplicates-real"));
    panel.kindBox()->setCurrentIndex(1);
    r = next(panel);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QTest::qWait(50);
    widgets::testing::saveShot(panel, QStringLiteral("explore-outliers-real"));
  }

  void withoutARunItSaysWhatToDo() {
    ExplorePanel panel;
    panel.show();
    QVERIFY(panel.grid()->placeholderText().contains(QStringLiteral("Select a run")));
    QString error;
    QVERIFY(panel.saveCsv(&error).isEmpty());
    QVERIFY(!error.isEmpty());
  }
};

QTEST_MAIN(TestExplorePanel)
#include "test_explore_panel.moc"
