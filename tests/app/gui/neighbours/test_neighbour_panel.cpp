// The Neighbours dock on a real tiny run, driven as a user would: open a query, read the
// neighbours and the split mean against the engine's own search, follow a neighbour, switch
// to h and z side by side over the training split, let newer requests supersede older ones,
// and inspect a positive pair against the engine's computation.
#include <QtTest>

#include <QLabel>
#include <QPushButton>
#include <QTabWidget>

#include <torch/torch.h>

#include "app/gui/neighbours/neighbour_controller.h"
#include "app/gui/neighbours/neighbour_panel.h"
#include "app/gui/neighbours/positive_pair_job.h"
#include "engine/eval/neighbour_search.h"
#include "engine/analysis/positive_pair.h"
#include "engine/analysis/run_features.h"
#include "engine/analysis/trained_run.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"
#include "tests/widgets/widget_shots.h"
#include "widgets/image_grid.h"
#include "widgets/neighbour_browser.h"
#include "widgets/positive_pair_view.h"

using namespace simclr;
using simclr::gui::NeighbourPanel;
using simclr::widgets::NeighbourResult;

class TestNeighbourPanel : public QObject {
  Q_OBJECT
  test::TempDir dir_{"gui-neighbour-panel"};
  QString runDir_;

  static void compare(const widgets::NeighbourList& shown, const std::vector<Neighbour>& expected, int64_t queryLabel) {
    QCOMPARE(shown.neighbours.size(), qsizetype(expected.size()));
    for (size_t i = 0; i < expected.size(); ++i) {
      const auto& e = shown.neighbours[qsizetype(i)];
      QCOMPARE(e.index, qint64(expected[i].index));
      QVERIFY(std::abs(e.similarity - double(expected[i].similarity)) < 1e-6);
      QCOMPARE(e.sameClass, expected[i].label == queryLabel);
      QVERIFY(!e.image.isNull());
    }
  }

 private Q_SLOTS:
  void initTestCase() { runDir_ = QString::fromStdString(test::train_tiny_run(dir_.path(), 9).string()); }

  void browsesNeighboursInTheBackground() {
    NeighbourPanel panel;
    panel.resize(1000, 700);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setRun(runDir_);
    widgets::NeighbourBrowser* browser = panel.browser();
    browser->setK(5);
    panel.openQuery(QStringLiteral("test"), 3);
    QVERIFY(panel.controller()->isBusy());  // the search runs off the GUI thread
    QTRY_VERIFY_WITH_TIMEOUT(browser->result().request.index == 3 && !browser->result().lists.isEmpty(), 120000);
    QVERIFY2(browser->result().error.isEmpty(), qPrintable(browser->result().error));

    TrainedRun run = open_trained_run(runDir_.toStdString());
    const SplitFeatures test = run_features(run, "test");
    const SplitFeatures train = run_features(run, "train");
    const NeighbourIndex testH(test.h, test.labels);
    const auto expected = testH.query(int64_t(3), 5, true);
    compare(browser->result().lists[0], expected, test.labels[3].item<int64_t>());
    QCOMPARE(browser->grid(0)->count(), 5);
    // The split mean precision@5 arrives from its own background job.
    const double mean = mean_precision_at_k(testH.search_self(5), test.labels);
    QTRY_VERIFY_WITH_TIMEOUT(browser->meanPrecision(QStringLiteral("h")) >= 0, 60000);
    QVERIFY(std::abs(browser->meanPrecision(QStringLiteral("h")) - mean) < 1e-9);
    QVERIFY(browser->sideLabel(0)->text().contains(QString::number(mean, 'f', 3)));

    // Click the second neighbour: it becomes the query.
    QTest::mouseClick(browser->grid(0)->viewport(), Qt::LeftButton, Qt::NoModifier,
                      browser->grid(0)->cellRect(1).center());
    const qint64 next = expected[1].index;
    QTRY_VERIFY_WITH_TIMEOUT(browser->result().request.index == next, 60000);
    QVERIFY(browser->canGoBack());

    // h and z side by side, searched in the training split.
    browser->setSearchSplit(QStringLiteral("train"));
    browser->setFeatures(QStringLiteral("both"));
    QTRY_VERIFY_WITH_TIMEOUT(browser->result().request.features == QLatin1String("both") &&
                                 browser->result().request.searchSplit == QLatin1String("train"),
                             60000);
    const NeighbourResult& both = browser->result();
    QCOMPARE(both.lists.size(), 2);
    const int64_t label = test.labels[next].item<int64_t>();
    const NeighbourIndex trainZ(train.z, train.labels);
    compare(both.lists[1], trainZ.query(NeighbourIndex(test.z).normalised_bank()[next], 5), label);
    const NeighbourIndex trainH(train.h, train.labels);
    compare(both.lists[0], trainH.query(NeighbourIndex(test.h).normalised_bank()[next], 5), label);
    const double trainMeanZ =
        mean_precision_at_k(trainZ.search(NeighbourIndex(test.z).normalised_bank(), 5), test.labels);
    QTRY_VERIFY_WITH_TIMEOUT(browser->meanPrecision(QStringLiteral("z")) >= 0, 60000);
    QVERIFY(std::abs(browser->meanPrecision(QStringLiteral("z")) - trainMeanZ) < 1e-9);

    // Three queries in a row: only the last one's answer reaches the browser.
    QTRY_VERIFY_WITH_TIMEOUT(!panel.controller()->isBusy(), 60000);
    QSignalSpy results(panel.controller(), &gui::NeighbourController::resultReady);
    panel.openQuery(QStringLiteral("test"), 5);
    panel.openQuery(QStringLiteral("test"), 6);
    panel.openQuery(QStringLiteral("test"), 7);
    QTRY_VERIFY_WITH_TIMEOUT(browser->result().request.index == 7, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(!panel.controller()->isBusy(), 60000);
    QCOMPARE(results.count(), 1);
    QCOMPARE(results.first().first().value<NeighbourResult>().request.index, qint64(7));
    widgets::testing::saveShot(*browser, QStringLiteral("neighbour-browser"));

    // Inspect positive pair: the inspector tab opens and agrees with the engine.
    QTest::mouseClick(browser->inspectButton(), Qt::LeftButton);
    QCOMPARE(panel.tabs()->currentWidget(), static_cast<QWidget*>(panel.pairView()));
    widgets::PositivePairView* pair = panel.pairView();
    QTRY_VERIFY_WITH_TIMEOUT(pair->result().rank > 0 || !pair->result().error.isEmpty(), 120000);
    QVERIFY2(pair->result().error.isEmpty(), qPrintable(pair->result().error));
    PositivePairOptions options;
    options.split = "test";
    options.batch_size = run.data.train.size() + 1;  // 256 asked, lowered to what the split holds
    options.hardest = 8;
    const PositivePairResult engine = positive_pair(run, 7, options);
    QCOMPARE(pair->result().rank, int(engine.rank));
    QCOMPARE(pair->rankLabel()->text(),
             QStringLiteral("rank %1 of %2").arg(engine.rank).arg(2 * options.batch_size - 1));
    QVERIFY(std::abs(pair->result().similarity - engine.positive_similarity) < 1e-5);
    QCOMPARE(pair->negativesGrid()->count(), 8);
    QCOMPARE(pair->result().hardest[0].index, qint64(engine.hardest[0].index));
    widgets::testing::saveShot(*pair, QStringLiteral("positive-pair"));
    // A hardest negative clicked becomes the browser's query (a training image).
    QTest::mouseClick(pair->negativesGrid()->viewport(), Qt::LeftButton, Qt::NoModifier,
                      pair->negativesGrid()->cellRect(0).center());
    QCOMPARE(panel.tabs()->currentWidget(), static_cast<QWidget*>(browser));
    QCOMPARE(browser->currentRequest().querySplit, QStringLiteral("train"));
    QCOMPARE(browser->currentRequest().index, qint64(engine.hardest[0].index));
    QTRY_VERIFY_WITH_TIMEOUT(!panel.controller()->isBusy(), 60000);
  }

  void cancellingThePairJobStopsIt() {
    gui::PositivePairJob job;
    job.setRun(runDir_);
    QSignalSpy results(&job, &gui::PositivePairJob::resultReady);
    widgets::PositivePairRequest r;
    r.split = QStringLiteral("train");
    r.index = 1;
    r.batchSize = 64;
    job.request(r);
    QVERIFY(job.isBusy());
    job.cancel();
    QVERIFY(results.wait(60000));
    const auto result = results.first().first().value<widgets::PositivePairResult>();
    QVERIFY2(result.error.contains(QStringLiteral("stop")) || result.error.contains(QStringLiteral("cancel")),
             qPrintable(result.error));
    QVERIFY(!job.isBusy());
  }
};

QTEST_MAIN(TestNeighbourPanel)
#include "test_neighbour_panel.moc"
