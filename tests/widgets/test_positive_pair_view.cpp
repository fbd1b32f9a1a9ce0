// The positive-pair inspector driven as a user would: inspect an image, read the views,
// similarity, rank and hardest negatives, redraw with another batch size and seed, click a
// negative, cancel. The test plays the app and answers each request.
#include <QtTest>

#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>

#include "tests/widgets/widget_shots.h"
#include "widgets/image_grid.h"
#include "widgets/positive_pair_view.h"

using namespace simclr::widgets;

namespace {
QImage solid(QColor color, int side = 32) {
  QImage image(side, side, QImage::Format_RGB32);
  image.fill(color);
  return image;
}

PositivePairResult answer(const PositivePairRequest& r) {
  PositivePairResult result;
  result.request = r;
  result.label = QStringLiteral("ship");
  result.step = 40;
  result.view1 = solid(Qt::red);
  result.view2 = solid(Qt::blue);
  result.similarity = 0.8125;
  result.rank = 3;
  result.candidates = 2 * r.batchSize - 1;
  for (int i = 0; i < r.hardest; ++i) {
    PositivePairNegative n;
    n.index = 100 + i;
    n.view = i % 2;
    n.image = solid(Qt::gray);
    n.sameClass = i == 1;
    n.label = n.sameClass ? QStringLiteral("ship") : QStringLiteral("truck");
    n.similarity = 0.9 - 0.01 * i;
    result.hardest.append(n);
  }
  return result;
}
}  // namespace

class TestPositivePairView : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void inspectShowsViewsRankAndNegatives() {
    PositivePairView view;
    view.resize(700, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy requests(&view, &PositivePairView::requested);
    QVERIFY(!view.redrawButton()->isEnabled());
    view.inspect(QStringLiteral("test"), 12);
    QCOMPARE(requests.count(), 1);
    auto r = requests.last().first().value<PositivePairRequest>();
    QCOMPARE(r.split, QStringLiteral("test"));
    QCOMPARE(r.index, qint64(12));
    QCOMPARE(r.batchSize, 256);
    QCOMPARE(r.hardest, 8);
    QVERIFY(view.showResult(answer(r)));
    QCOMPARE(view.rankLabel()->text(), QStringLiteral("rank 3 of 511"));
    QVERIFY(view.similarityLabel()->text().contains(QStringLiteral("0.813")));
    QVERIFY(view.titleLabel()->text().contains(QStringLiteral("ship")));
    QVERIFY(view.titleLabel()->text().contains(QStringLiteral("step 40")));
    // The views are enlarged with nearest-neighbour sampling: solid colours stay solid.
    const QImage v1 = view.viewLabel(0)->pixmap().toImage();
    QVERIFY(v1.width() >= 128);
    QCOMPARE(v1.pixelColor(v1.width() / 2, v1.height() / 2), QColor(Qt::red));
    QCOMPARE(view.viewLabel(1)->pixmap().toImage().pixelColor(5, 5), QColor(Qt::blue));
    ImageGrid* grid = view.negativesGrid();
    QCOMPARE(grid->count(), 8);
    QCOMPARE(grid->items()[0].subcaption, QStringLiteral("sim 0.900"));
    QVERIFY(grid->items()[1].frame != grid->items()[0].frame);  // a same-class "negative" is marked
    QVERIFY(grid->items()[1].toolTip.contains(QStringLiteral("same class")));

    // Clicking a negative reports its training row.
    QSignalSpy negative(&view, &PositivePairView::negativeActivated);
    QTest::mouseClick(grid->viewport(), Qt::LeftButton, Qt::NoModifier, grid->cellRect(2).center());
    QCOMPARE(negative.count(), 1);
    QCOMPARE(negative.first().first().toLongLong(), qint64(102));

    // Another batch size and seed, then Redraw: a new request; the old answer is stale.
    view.batchBox()->setValue(4);
    view.seedBox()->setValue(9);
    QCOMPARE(requests.count(), 1);  // nothing until Redraw
    QTest::mouseClick(view.redrawButton(), Qt::LeftButton);
    QCOMPARE(requests.count(), 2);
    const auto r2 = requests.last().first().value<PositivePairRequest>();
    QCOMPARE(r2.batchSize, 4);
    QCOMPARE(r2.seed, quint64(9));
    QCOMPARE(r2.index, qint64(12));
    QVERIFY(!view.showResult(answer(r)));
    QCOMPARE(view.rankLabel()->text(), QStringLiteral("rank 3 of 511"));
    QVERIFY(view.showResult(answer(r2)));
    QCOMPARE(view.rankLabel()->text(), QStringLiteral("rank 3 of 7"));

    // An error replaces the numbers.
    PositivePairResult failed;
    failed.request = r2;
    failed.error = QStringLiteral("cancelled");
    QVERIFY(view.showResult(failed));
    QVERIFY(view.titleLabel()->text().contains(QStringLiteral("cancelled")));
    QVERIFY(view.rankLabel()->text().isEmpty());
    QCOMPARE(grid->count(), 0);
    widgets_shot(view);
  }

  void busyShowsProgressAndCancels() {
    PositivePairView view;
    QSignalSpy cancel(&view, &PositivePairView::cancelRequested);
    view.setBusy(true);
    view.setProgress(2, 5, QStringLiteral("views"));
    auto* progress = view.findChild<QProgressBar*>();
    QCOMPARE(progress->value(), 2);
    QCOMPARE(progress->maximum(), 5);
    for (QPushButton* b : view.findChildren<QPushButton*>())
      if (b->text() == QStringLiteral("Cancel")) QTest::mouseClick(b, Qt::LeftButton);
    QCOMPARE(cancel.count(), 1);
    view.setBusy(false);
    for (QPushButton* b : view.findChildren<QPushButton*>())
      if (b->text() == QStringLiteral("Cancel")) QVERIFY(!b->isEnabled());
  }

 private:
  static void widgets_shot(QWidget& w) { simclr::widgets::testing::saveShot(w, QStringLiteral("positive_pair_view")); }
};

QTEST_MAIN(TestPositivePairView)
#include "test_positive_pair_view.moc"
