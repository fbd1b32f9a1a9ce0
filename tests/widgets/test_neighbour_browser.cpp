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

  std::unique_ptr<NeighbourBrowser> m_browser;
  std::unique_ptr<QSignalSpy> m_requests;

  // Answers the latest request, as the app does.
  void answerLast() {
    QVERIFY(!m_requests->isEmpty());
    const auto r = m_requests->last().first().value<NeighbourRequest>();
    QVERIFY(m_browser->showResult(answer(r)));
  }
  NeighbourRequest last() const { return m_requests->last().first().value<NeighbourRequest>(); }

 private Q_SLOTS:
  void initTestCase() { qRegisterMetaType<NeighbourRequest>("simclr::widgets::NeighbourRequest"); }

  void init() {
    m_browser = std::make_unique<NeighbourBrowser>();
    m_browser->resize(900, 600);
    m_browser->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_browser.get()));
    m_requests = std::make_unique<QSignalSpy>(m_browser.get(), &NeighbourBrowser::requested);
  }
  void cleanup() {
    m_requests.reset();
    m_browser.reset();
  }

  void openingAQueryRequestsAndShowsItsNeighbours() {
    QVERIFY(!m_browser->inspectButton()->isEnabled());
    m_browser->openQuery(QStringLiteral("test"), 5);
    QCOMPARE(m_requests->count(), 1);
    const NeighbourRequest r = last();
    QCOMPARE(r.querySplit, QStringLiteral("test"));
    QCOMPARE(r.index, qint64(5));
    QCOMPARE(r.searchSplit, QStringLiteral("test"));
    QCOMPARE(r.k, 10);
    QCOMPARE(r.features, QStringLiteral("h"));
    m_browser->openQuery(QStringLiteral("test"), 5);  // already the query
    QCOMPARE(m_requests->count(), 1);
    answerLast();
    ImageGrid* grid = m_browser->grid(0);
    QCOMPARE(grid->count(), 10);
    QCOMPARE(grid->items()[0].subcaption, QStringLiteral("sim 0.900"));
    QCOMPARE(grid->items()[0].caption, QStringLiteral("cat"));
    QCOMPARE(grid->items()[2].caption, QStringLiteral("dog"));
    QCOMPARE(grid->items()[2].frame, QColor(0xd3, 0x2f, 0x2f));  // another class: red
    QVERIFY(grid->items()[1].frame != grid->items()[2].frame);
    QVERIFY(grid->items()[2].toolTip.contains(QStringLiteral("#5003")));
    QVERIFY2(m_browser->sideLabel(0)->text().contains(QStringLiteral("label agreement 7/10")),
             qPrintable(m_browser->sideLabel(0)->text()));
    QVERIFY(m_browser->sideLabel(0)->text().contains(QStringLiteral("precision@10 0.70")));
    QVERIFY(m_browser->sideLabel(0)->text().contains(QStringLiteral("computing")));
    QVERIFY(m_browser->queryCaption()->text().contains(QStringLiteral("cat")));
    QVERIFY(!m_browser->grid(1)->isVisible());
    // The split mean arrives later, for these settings only.
    m_browser->setMeanPrecision(QStringLiteral("test"), QStringLiteral("test"), QStringLiteral("h"), 5, 0.111);
    QVERIFY(!m_browser->sideLabel(0)->text().contains(QStringLiteral("0.111")));
    m_browser->setMeanPrecision(QStringLiteral("test"), QStringLiteral("test"), QStringLiteral("h"), 10, 0.625);
    QVERIFY(m_browser->sideLabel(0)->text().contains(QStringLiteral("mean over the test split 0.625")));
    QCOMPARE(m_browser->meanPrecision(QStringLiteral("h")), 0.625);

    // An answer to another request (a stale one) is not shown.
    NeighbourRequest stale = r;
    stale.index = 4;
    QVERIFY(!m_browser->showResult(answer(stale)));
    QVERIFY(grid->items()[2].toolTip.contains(QStringLiteral("#5003")));
  }

  void controlsRequestAgainAndBothShowsTwoSides() {
    m_browser->openQuery(QStringLiteral("test"), 2);
    answerLast();
    m_browser->kBox()->setFocus();
    m_browser->kBox()->selectAll();
    QTest::keyClicks(m_browser->kBox(), QStringLiteral("4"));
    QCOMPARE(last().k, 4);
    QVERIFY(!m_browser->showResult(answer(m_requests->first().first().value<NeighbourRequest>())));
    answerLast();
    QCOMPARE(m_browser->grid(0)->count(), 4);
    QVERIFY(m_browser->sideLabel(0)->text().contains(QStringLiteral("label agreement 3/4")));

    m_browser->featuresBox()->setCurrentIndex(m_browser->featuresBox()->findData(QStringLiteral("both")));
    QCOMPARE(last().features, QStringLiteral("both"));
    answerLast();
    QVERIFY(m_browser->grid(1)->isVisible());
    QCOMPARE(m_browser->grid(1)->count(), 4);
    QVERIFY(m_browser->sideLabel(0)->text().contains(QStringLiteral("h (backbone)")));
    QVERIFY(m_browser->sideLabel(1)->text().contains(QStringLiteral("z (projection)")));
    QVERIFY(m_browser->sideLabel(1)->text().contains(QStringLiteral("label agreement 3/4")));
    QCOMPARE(m_browser->grid(1)->items()[0].subcaption, QStringLiteral("sim 0.800"));

    m_browser->splitBox()->setCurrentIndex(m_browser->splitBox()->findData(QStringLiteral("train")));
    QCOMPARE(last().searchSplit, QStringLiteral("train"));
    QCOMPARE(last().querySplit, QStringLiteral("test"));  // the query stays a test image
    answerLast();
    // Following a neighbour found in the training split makes a training image the query.
    QTest::mouseClick(m_browser->grid(1)->viewport(), Qt::LeftButton, Qt::NoModifier,
                      m_browser->grid(1)->cellRect(3).center());
    QCOMPARE(last().querySplit, QStringLiteral("train"));
    QCOMPARE(last().index, qint64(2000 + 100 + 3 + 1));
  }

  void clickingFollowsAndBackForwardWalkTheHistory() {
    m_browser->openQuery(QStringLiteral("test"), 1);
    answerLast();
    QVERIFY(!m_browser->backButton()->isEnabled());
    ImageGrid* grid = m_browser->grid(0);
    QTest::mouseClick(grid->viewport(), Qt::LeftButton, Qt::NoModifier, grid->cellRect(1).center());
    QCOMPARE(last().index, qint64(1002));
    answerLast();
    QTest::mouseClick(grid->viewport(), Qt::LeftButton, Qt::NoModifier, grid->cellRect(0).center());
    QCOMPARE(last().index, qint64(1002001));
    answerLast();
    QVERIFY(m_browser->backButton()->isEnabled());
    QVERIFY(!m_browser->forwardButton()->isEnabled());
    QTest::mouseClick(m_browser->backButton(), Qt::LeftButton);
    QCOMPARE(last().index, qint64(1002));
    QTest::mouseClick(m_browser->backButton(), Qt::LeftButton);
    QCOMPARE(last().index, qint64(1));
    QVERIFY(!m_browser->backButton()->isEnabled());
    QVERIFY(m_browser->forwardButton()->isEnabled());
    QTest::mouseClick(m_browser->forwardButton(), Qt::LeftButton);
    QCOMPARE(last().index, qint64(1002));
    answerLast();
    // A new query from the middle of the history drops the forward part.
    QTest::mouseClick(grid->viewport(), Qt::LeftButton, Qt::NoModifier, grid->cellRect(4).center());
    QCOMPARE(last().index, qint64(1002005));
    QVERIFY(!m_browser->forwardButton()->isEnabled());
    QVERIFY(!m_browser->forward());
  }

  void keyboardMovesFollowsAndGoesBack() {
    m_browser->openQuery(QStringLiteral("test"), 7);
    answerLast();
    m_browser->setFocus();
    QCOMPARE(m_browser->currentNeighbour(), 0);
    QTest::keyClick(m_browser.get(), Qt::Key_Right);
    QTest::keyClick(m_browser.get(), Qt::Key_Right);
    QCOMPARE(m_browser->currentNeighbour(), 2);
    QVERIFY2(m_browser->currentCaption()->text().contains(QStringLiteral("#7003, dog")),
             qPrintable(m_browser->currentCaption()->text()));
    const int columns = m_browser->grid(0)->columnCount();
    QVERIFY(columns >= 2);
    QTest::keyClick(m_browser.get(), Qt::Key_Down);
    const int below = std::min(2 + columns, 9);  // one row down, or the last cell
    QCOMPARE(m_browser->currentNeighbour(), below);
    QTest::keyClick(m_browser.get(), Qt::Key_Left);
    const int current = below - 1;
    QCOMPARE(m_browser->currentNeighbour(), current);
    const int before = m_requests->count();
    QTest::keyClick(m_browser.get(), Qt::Key_Return);
    QCOMPARE(m_requests->count(), before + 1);
    QCOMPARE(last().index, qint64(7000 + current + 1));
    answerLast();
    QTest::keyClick(m_browser.get(), Qt::Key_Backspace);
    QCOMPARE(last().index, qint64(7));
    QTest::keyClick(m_browser.get(), Qt::Key_Right, Qt::AltModifier);
    QCOMPARE(last().index, qint64(7000 + current + 1));
    QTest::keyClick(m_browser.get(), Qt::Key_Left, Qt::AltModifier);
    QCOMPARE(last().index, qint64(7));
    // The grid itself, focused by a click, answers the same keys.
    answerLast();
    m_browser->grid(0)->setFocus();
    QTest::keyClick(m_browser->grid(0), Qt::Key_End);
    QTest::keyClick(m_browser->grid(0), Qt::Key_Enter);
    QCOMPARE(last().index, qint64(7010));
  }

  void busyCancelAndInspect() {
    QSignalSpy cancel(m_browser.get(), &NeighbourBrowser::cancelRequested);
    QSignalSpy inspect(m_browser.get(), &NeighbourBrowser::inspectRequested);
    m_browser->setBusy(true);
    m_browser->setProgress(3, 10, QStringLiteral("features"));
    auto* progress = m_browser->findChild<QProgressBar*>();
    QVERIFY(progress);
    QCOMPARE(progress->value(), 3);
    QCOMPARE(progress->maximum(), 10);
    for (QPushButton* b : m_browser->findChildren<QPushButton*>())
      if (b->text() == QStringLiteral("Cancel")) QTest::mouseClick(b, Qt::LeftButton);
    QCOMPARE(cancel.count(), 1);
    m_browser->setBusy(false);
    m_browser->openQuery(QStringLiteral("train"), 42);
    QTest::mouseClick(m_browser->inspectButton(), Qt::LeftButton);
    QCOMPARE(inspect.count(), 1);
    QCOMPARE(inspect.first()[0].toString(), QStringLiteral("train"));
    QCOMPARE(inspect.first()[1].toLongLong(), qint64(42));
    m_browser->clear();
    QVERIFY(!m_browser->inspectButton()->isEnabled());
    QCOMPARE(m_browser->grid(0)->count(), 0);
  }

  void screenshot() {
    SIMCLR_SKIP_WITHOUT_SHOTS();
    m_browser->setFeatures(QStringLiteral("both"));
    m_browser->openQuery(QStringLiteral("test"), 3);
    answerLast();
    QVERIFY(testing::saveShot(*m_browser, QStringLiteral("neighbour_browser")));
  }
};

QTEST_MAIN(TestNeighbourBrowser)
#include "test_neighbour_browser.moc"
