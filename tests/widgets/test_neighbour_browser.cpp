// The neighbour browser driven as a user would: open a query, read the grid (captions,
// frames, label agreement, precision), click a neighbour, Back and Forward, change k, the
// split and the features, browse with the keyboard. The test plays the app: it answers each
// request with made-up neighbours whose indices encode the request, so every answer can be
// checked against what was asked.
#include <QtTest>

#include <QComboBox>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>

#include "tests/widgets/widget_shots.h"
#include "widgets/image_grid.h"
#include "widgets/neighbour_browser.h"

using namespace simclr::widgets;

namespace {
QImage solid(QColor color) {
  QImage image(32, 32, QImage::Format_RGB32);
  image.fill(color);
  return image;
}

// Neighbour i of query q (in the list for `features`) is row 1000 q + 100 side + i + 1; every
// third one (i = 2, 5, 8, ...) is of another class, so k = 10 agrees on 7.
NeighbourResult answer(const NeighbourRequest& r) {
  NeighbourResult result;
  result.request = r;
  result.queryImage = solid(Qt::darkBlue);
  result.queryLabel = QStringLiteral("cat");
  const QStringList sides = r.features == QLatin1String("both") ? QStringList{"h", "z"} : QStringList{r.features};
  for (int side = 0; side < sides.size(); ++side) {
    NeighbourList list;
    list.features = sides[side];
    for (int i = 0; i < r.k; ++i) {
      NeighbourEntry e;
      e.index = 1000 * r.index + 100 * side + i + 1;
      e.sameClass = i % 3 != 2;
      e.label = e.sameClass ? QStringLiteral("cat") : QStringLiteral("dog");
      e.image = solid(e.sameClass ? Qt::gray : Qt::yellow);
      e.similarity = 0.9 - 0.05 * i - 0.1 * side;
      list.neighbours.append(e);
    }
    result.lists.append(list);
  }
  return result;
}
}  // namespace

class TestNeighbourBrowser : public QObject {
  Q_OBJECT

  std::unique_ptr<NeighbourBrowser> browser_;
  std::unique_ptr<QSignalSpy> requests_;

  // Answers the latest request, as the app does.
  void answerLast() {
    QVERIFY(!requests_->isEmpty());
    const auto r = requests_->last().first().value<NeighbourRequest>();
    QVERIFY(browser_->showResult(answer(r)));
  }
  NeighbourRequest last() const { return requests_->last().first().value<NeighbourRequest>(); }

 private Q_SLOTS:
  void initTestCase() { qRegisterMetaType<NeighbourRequest>("simclr::widgets::NeighbourRequest"); }

  void init() {
    browser_ = std::make_unique<NeighbourBrowser>();
    browser_->resize(900, 600);
    browser_->show();
    QVERIFY(QTest::qWaitForWindowExposed(browser_.get()));
    requests_ = std::make_unique<QSignalSpy>(browser_.get(), &NeighbourBrowser::requested);
  }
  void cleanup() {
    requests_.reset();
    browser_.reset();
  }

  void openingAQueryRequestsAndShowsItsNeighbours() {
    QVERIFY(!browser_->inspectButton()->isEnabled());
    browser_->openQuery(QStringLiteral("test"), 5);
    QCOMPARE(requests_->count(), 1);
    const NeighbourRequest r = last();
    QCOMPARE(r.querySplit, QStringLiteral("test"));
    QCOMPARE(r.index, qint64(5));
    QCOMPARE(r.searchSplit, QStringLiteral("test"));
    QCOMPARE(r.k, 10);
    QCOMPARE(r.features, QStringLiteral("h"));
    browser_->openQuery(QStringLiteral("test"), 5);  // already the query
    QCOMPARE(requests_->count(), 1);
    answerLast();
    ImageGrid* grid = browser_->grid(0);
    QCOMPARE(grid->count(), 10);
    QCOMPARE(grid->items()[0].subcaption, QStringLiteral("sim 0.900"));
    QCOMPARE(grid->items()[0].caption, QStringLiteral("cat"));
    QCOMPARE(grid->items()[2].caption, QStringLiteral("dog"));
    QCOMPARE(grid->items()[2].frame, QColor(0xd3, 0x2f, 0x2f));  // another class: red
    QVERIFY(grid->items()[1].frame != grid->items()[2].frame);
    QVERIFY(grid->items()[2].toolTip.contains(QStringLiteral("#5003")));
    QVERIFY2(browser_->sideLabel(0)->text().contains(QStringLiteral("label agreement 7/10")),
             qPrintable(browser_->sideLabel(0)->text()));
    QVERIFY(browser_->sideLabel(0)->text().contains(QStringLiteral("precision@10 0.70")));
    QVERIFY(browser_->sideLabel(0)->text().contains(QStringLiteral("computing")));
    QVERIFY(browser_->queryCaption()->text().contains(QStringLiteral("cat")));
    QVERIFY(!browser_->grid(1)->isVisible());
    // The split mean arrives later, for these settings only.
    browser_->setMeanPrecision(QStringLiteral("test"), QStringLiteral("test"), QStringLiteral("h"), 5, 0.111);
    QVERIFY(!browser_->sideLabel(0)->text().contains(QStringLiteral("0.111")));
    browser_->setMeanPrecision(QStringLiteral("test"), QStringLiteral("test"), QStringLiteral("h"), 10, 0.625);
    QVERIFY(browser_->sideLabel(0)->text().contains(QStringLiteral("mean over the test split 0.625")));
    QCOMPARE(browser_->meanPrecision(QStringLiteral("h")), 0.625);

    // An answer to another request (a stale one) is not shown.
    NeighbourRequest stale = r;
    stale.index = 4;
    QVERIFY(!browser_->showResult(answer(stale)));
    QVERIFY(grid->items()[2].toolTip.contains(QStringLiteral("#5003")));
  }

  void controlsRequestAgainAndBothShowsTwoSides() {
    browser_->openQuery(QStringLiteral("test"), 2);
    answerLast();
    browser_->kBox()->setFocus();
    browser_->kBox()->selectAll();
    QTest::keyClicks(browser_->kBox(), QStringLiteral("4"));
    QCOMPARE(last().k, 4);
    QVERIFY(!browser_->showResult(answer(requests_->first().first().value<NeighbourRequest>())));
    answerLast();
    QCOMPARE(browser_->grid(0)->count(), 4);
    QVERIFY(browser_->sideLabel(0)->text().contains(QStringLiteral("label agreement 3/4")));

    browser_->featuresBox()->setCurrentIndex(browser_->featuresBox()->findData(QStringLiteral("both")));
    QCOMPARE(last().features, QStringLiteral("both"));
    answerLast();
    QVERIFY(browser_->grid(1)->isVisible());
    QCOMPARE(browser_->grid(1)->count(), 4);
    QVERIFY(browser_->sideLabel(0)->text().contains(QStringLiteral("h (backbone)")));
    QVERIFY(browser_->sideLabel(1)->text().contains(QStringLiteral("z (projection)")));
    QVERIFY(browser_->sideLabel(1)->text().contains(QStringLiteral("label agreement 3/4")));
    QCOMPARE(browser_->grid(1)->items()[0].subcaption, QStringLiteral("sim 0.800"));

    browser_->splitBox()->setCurrentIndex(browser_->splitBox()->findData(QStringLiteral("train")));
    QCOMPARE(last().searchSplit, QStringLiteral("train"));
    QCOMPARE(last().querySplit, QStringLiteral("test"));  // the query stays a test image
    answerLast();
    // Following a neighbour found in the training split makes a training image the query.
    QTest::mouseClick(browser_->grid(1)->viewport(), Qt::LeftButton, Qt::NoModifier,
                      browser_->grid(1)->cellRect(3).center());
    QCOMPARE(last().querySplit, QStringLiteral("train"));
    QCOMPARE(last().index, qint64(2000 + 100 + 3 + 1));
  }

  void clickingFollowsAndBackForwardWalkTheHistory() {
    browser_->openQuery(QStringLiteral("test"), 1);
    answerLast();
    QVERIFY(!browser_->backButton()->isEnabled());
    ImageGrid* grid = browser_->grid(0);
    QTest::mouseClick(grid->viewport(), Qt::LeftButton, Qt::NoModifier, grid->cellRect(1).center());
    QCOMPARE(last().index, qint64(1002));
    answerLast();
    QTest::mouseClick(grid->viewport(), Qt::LeftButton, Qt::NoModifier, grid->cellRect(0).center());
    QCOMPARE(last().index, qint64(1002001));
    answerLast();
    QVERIFY(browser_->backButton()->isEnabled());
    QVERIFY(!browser_->forwardButton()->isEnabled());
    QTest::mouseClick(browser_->backButton(), Qt::LeftButton);
    QCOMPARE(last().index, qint64(1002));
    QTest::mouseClick(browser_->backButton(), Qt::LeftButton);
    QCOMPARE(last().index, qint64(1));
    QVERIFY(!browser_->backButton()->isEnabled());
    QVERIFY(browser_->forwardButton()->isEnabled());
    QTest::mouseClick(browser_->forwardButton(), Qt::LeftButton);
    QCOMPARE(last().index, qint64(1002));
    answerLast();
    // A new query from the middle of the history drops the forward part.
    QTest::mouseClick(grid->viewport(), Qt::LeftButton, Qt::NoModifier, grid->cellRect(4).center());
    QCOMPARE(last().index, qint64(1002005));
    QVERIFY(!browser_->forwardButton()->isEnabled());
    QVERIFY(!browser_->forward());
  }

  void keyboardMovesFollowsAndGoesBack() {
    browser_->openQuery(QStringLiteral("test"), 7);
    answerLast();
    browser_->setFocus();
    QCOMPARE(browser_->currentNeighbour(), 0);
    QTest::keyClick(browser_.get(), Qt::Key_Right);
    QTest::keyClick(browser_.get(), Qt::Key_Right);
    QCOMPARE(browser_->currentNeighbour(), 2);
    QVERIFY2(browser_->currentCaption()->text().contains(QStringLiteral("#7003, dog")),
             qPrintable(browser_->currentCaption()->text()));
    const int columns = browser_->grid(0)->columnCount();
    QVERIFY(columns >= 2);
    QTest::keyClick(browser_.get(), Qt::Key_Down);
    const int below = std::min(2 + columns, 9);  // one row down, or the last cell
    QCOMPARE(browser_->currentNeighbour(), below);
    QTest::keyClick(browser_.get(), Qt::Key_Left);
    const int current = below - 1;
    QCOMPARE(browser_->currentNeighbour(), current);
    const int before = requests_->count();
    QTest::keyClick(browser_.get(), Qt::Key_Return);
    QCOMPARE(requests_->count(), before + 1);
    QCOMPARE(last().index, qint64(7000 + current + 1));
    answerLast();
    QTest::keyClick(browser_.get(), Qt::Key_Backspace);
    QCOMPARE(last().index, qint64(7));
    QTest::keyClick(browser_.get(), Qt::Key_Right, Qt::AltModifier);
    QCOMPARE(last().index, qint64(7000 + current + 1));
    QTest::keyClick(browser_.get(), Qt::Key_Left, Qt::AltModifier);
    QCOMPARE(last().index, qint64(7));
    // The grid itself, focused by a click, answers the same keys.
    answerLast();
    browser_->grid(0)->setFocus();
    QTest::keyClick(browser_->grid(0), Qt::Key_End);
    QTest::keyClick(browser_->grid(0), Qt::Key_Enter);
    QCOMPARE(last().index, qint64(7010));
  }

  void busyCancelAndInspect() {
    QSignalSpy cancel(browser_.get(), &NeighbourBrowser::cancelRequested);
    QSignalSpy inspect(browser_.get(), &NeighbourBrowser::inspectRequested);
    browser_->setBusy(true);
    browser_->setProgress(3, 10, QStringLiteral("features"));
    auto* progress = browser_->findChild<QProgressBar*>();
    QVERIFY(progress);
    QCOMPARE(progress->value(), 3);
    QCOMPARE(progress->maximum(), 10);
    for (QPushButton* b : browser_->findChildren<QPushButton*>())
      if (b->text() == QStringLiteral("Cancel")) QTest::mouseClick(b, Qt::LeftButton);
    QCOMPARE(cancel.count(), 1);
    browser_->setBusy(false);
    browser_->openQuery(QStringLiteral("train"), 42);
    QTest::mouseClick(browser_->inspectButton(), Qt::LeftButton);
    QCOMPARE(inspect.count(), 1);
    QCOMPARE(inspect.first()[0].toString(), QStringLiteral("train"));
    QCOMPARE(inspect.first()[1].toLongLong(), qint64(42));
    browser_->clear();
    QVERIFY(!browser_->inspectButton()->isEnabled());
    QCOMPARE(browser_->grid(0)->count(), 0);
  }

  void screenshot() {
    SIMCLR_SKIP_WITHOUT_SHOTS();
    browser_->setFeatures(QStringLiteral("both"));
    browser_->openQuery(QStringLiteral("test"), 3);
    answerLast();
    QVERIFY(testing::saveShot(*browser_, QStringLiteral("neighbour_browser")));
  }
};

QTEST_MAIN(TestNeighbourBrowser)
#include "test_neighbour_browser.moc"
