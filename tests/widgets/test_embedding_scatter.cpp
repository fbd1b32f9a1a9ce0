// The embedding scatter driven as a user would: hover, click, drag, wheel, legend clicks,
// exports. Points are three well separated clusters so every hit test has one right answer.
#include <QtTest>

#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QToolTip>
#include <QTemporaryDir>
#include <QTextDocument>

#include "tests/widgets/widget_shots.h"
#include "widgets/embedding_scatter.h"
#include "widgets/image_grid.h"
#include "widgets/qcustomplot_include.h"

using simclr::widgets::EmbeddingScatter;

namespace {
// Class c sits around (10 c, 5 c) on a small 3 x 3 grid, 9 points per class.
void makeClusters(QVector<QPointF>& points, QVector<int>& labels) {
  for (int c = 0; c < 3; ++c)
    for (int i = 0; i < 9; ++i) {
      points.append(QPointF(10.0 * c + (i % 3), 5.0 * c + (i / 3)));
      labels.append(c);
    }
}
const QStringList kNames{QStringLiteral("cat"), QStringLiteral("dog"), QStringLiteral("ship")};
}  // namespace

class TestEmbeddingScatter : public QObject {
  Q_OBJECT

  std::unique_ptr<EmbeddingScatter> scatter_;

 private Q_SLOTS:
  void init() {
    scatter_ = std::make_unique<EmbeddingScatter>();
    scatter_->resize(600, 450);
    QVector<QPointF> points;
    QVector<int> labels;
    makeClusters(points, labels);
    QVERIFY(scatter_->setPoints(points, labels, kNames));
    scatter_->show();
    QVERIFY(QTest::qWaitForWindowExposed(scatter_.get()));
    scatter_->resetView();  // lay out for the shown size
  }
  void cleanup() { scatter_.reset(); }

  void dataAndClasses() {
    QCOMPARE(scatter_->pointCount(), 27);
    QCOMPARE(scatter_->classCount(), 3);
    QCOMPARE(scatter_->label(12), 1);
    QCOMPARE(scatter_->className(2), QStringLiteral("ship"));
    QCOMPARE(scatter_->className(7), QStringLiteral("class 7"));
    QVERIFY(scatter_->classColor(0) != scatter_->classColor(1));
    QCOMPARE(scatter_->plot()->legend->itemCount(), 3);
    auto* item = qobject_cast<QCPPlottableLegendItem*>(scatter_->plot()->legend->item(1));
    QVERIFY(item);
    QCOMPARE(item->plottable()->name(), QStringLiteral("dog"));
    // Mismatched lengths and negative labels are refused and keep the old data.
    QVERIFY(!scatter_->setPoints({QPointF(0, 0)}, {0, 1}, kNames));
    QVERIFY(!scatter_->setPoints({QPointF(0, 0)}, {-1}, kNames));
    QCOMPARE(scatter_->pointCount(), 27);
  }

  void resetViewShowsEveryPoint() {
    const QRect area = scatter_->plot()->axisRect()->rect();
    for (int i = 0; i < scatter_->pointCount(); ++i)
      QVERIFY2(area.contains(scatter_->pixelOf(i)), qPrintable(QString::number(i)));
  }

  void clickSelectsTheNearestPoint() {
    QSignalSpy activated(scatter_.get(), &EmbeddingScatter::pointActivated);
    QCustomPlot* plot = scatter_->plot();
    const QPoint target = scatter_->pixelOf(13) + QPoint(2, -1);  // a little off centre
    QTest::mouseClick(plot, Qt::LeftButton, Qt::NoModifier, target);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.first().first().toInt(), 13);
    QCOMPARE(scatter_->selectedIndex(), 13);
    // Empty space between the clusters: no point, no signal, the selection stays.
    const QPoint between = (scatter_->pixelOf(8) + scatter_->pixelOf(9)) / 2;
    QCOMPARE(scatter_->indexAt(between), -1);
    QTest::mouseClick(plot, Qt::LeftButton, Qt::NoModifier, between);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(scatter_->selectedIndex(), 13);
  }

  void dragPansWithoutSelecting() {
    QSignalSpy activated(scatter_.get(), &EmbeddingScatter::pointActivated);
    QCustomPlot* plot = scatter_->plot();
    const QCPRange before = plot->xAxis->range();
    const QPoint start = scatter_->pixelOf(0);
    QTest::mousePress(plot, Qt::LeftButton, Qt::NoModifier, start);
    QMouseEvent move(QEvent::MouseMove, start + QPoint(60, 0), plot->mapToGlobal(start + QPoint(60, 0)), Qt::NoButton,
                     Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(plot, &move);
    QTest::mouseRelease(plot, Qt::LeftButton, Qt::NoModifier, start + QPoint(60, 0));
    QCOMPARE(activated.count(), 0);
    QVERIFY(plot->xAxis->range().lower < before.lower);  // content moved right: view moved left
    scatter_->resetView();
    QCOMPARE(plot->xAxis->range().lower, before.lower);
  }

  void wheelZoomsIn() {
    QCustomPlot* plot = scatter_->plot();
    const double before = plot->xAxis->range().size();
    const QPoint centre = plot->axisRect()->rect().center();
    QWheelEvent wheel(centre, plot->mapToGlobal(centre), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(plot, &wheel);
    QVERIFY(plot->xAxis->range().size() < before);
  }

  void hoverReportsAndExplainsThePoint() {
    QSignalSpy hovered(scatter_.get(), &EmbeddingScatter::pointHovered);
    QTest::mouseMove(scatter_->plot(), scatter_->pixelOf(20));
    QTRY_VERIFY(!hovered.isEmpty());
    QCOMPARE(hovered.last().first().toInt(), 20);
    QVERIFY(scatter_->toolTipText(20).contains(QStringLiteral("#20")));
    QVERIFY(scatter_->toolTipText(20).contains(QStringLiteral("ship")));
    // With a thumbnail provider the tooltip carries the image, and Qt's rich text decodes it.
    QImage red(32, 32, QImage::Format_RGB32);
    red.fill(Qt::red);
    scatter_->setThumbnailProvider([red](int index) { return index == 20 ? red : QImage(); });
    QTextDocument doc;
    doc.setHtml(scatter_->toolTipHtml(20));
    QCOMPARE(doc.toPlainText().trimmed().right(4), QStringLiteral("ship"));
    QImage rendered(200, 200, QImage::Format_RGB32);
    rendered.fill(Qt::white);
    {
      QPainter painter(&rendered);
      doc.drawContents(&painter);
    }
    QCOMPARE(rendered.pixelColor(20, 20), QColor(Qt::red));  // the 96 px thumbnail was drawn
    QVERIFY(!scatter_->toolTipHtml(21).contains(QStringLiteral("<img")));
  }

  void hoverShowsATooltipWithTheLabel() {
    // (Another point than the test above hovers: the cursor must move to send an event.)
    QTest::mouseMove(scatter_->plot(), scatter_->pixelOf(22));
    QTRY_VERIFY(QToolTip::isVisible());
    QVERIFY2(QToolTip::text().contains(QStringLiteral("ship")), qPrintable(QToolTip::text()));
    QVERIFY(QToolTip::text().contains(QStringLiteral("#22")));
    // Between the clusters the tooltip goes away.
    QTest::mouseMove(scatter_->plot(), (scatter_->pixelOf(8) + scatter_->pixelOf(9)) / 2);
    QTRY_VERIFY(!QToolTip::isVisible());
  }

  void ctrlDragSelectsTheRectangleAndListsIt() {
    QSignalSpy changed(scatter_.get(), &EmbeddingScatter::selectionChanged);
    QImage grey(32, 32, QImage::Format_RGB32);
    grey.fill(Qt::gray);
    scatter_->setThumbnailProvider([grey](int) { return grey; });
    QVERIFY(!scatter_->selectionGrid()->isVisible());
    // A rectangle just around cluster 1 (points 9..17), from where the points are drawn.
    QRect box;
    for (int i = 9; i < 18; ++i) box |= QRect(scatter_->pixelOf(i), QSize(1, 1));
    box.adjust(-5, -5, 5, 5);
    QCustomPlot* plot = scatter_->plot();
    const QCPRange before = plot->xAxis->range();
    QTest::mousePress(plot, Qt::LeftButton, Qt::ControlModifier, box.topLeft());
    QMouseEvent move(QEvent::MouseMove, box.bottomRight(), plot->mapToGlobal(box.bottomRight()), Qt::NoButton,
                     Qt::LeftButton, Qt::ControlModifier);
    QApplication::sendEvent(plot, &move);
    QTest::mouseRelease(plot, Qt::LeftButton, Qt::ControlModifier, box.bottomRight());
    QCOMPARE(changed.count(), 1);
    QCOMPARE(scatter_->selection(), (QVector<int>{9, 10, 11, 12, 13, 14, 15, 16, 17}));
    QCOMPARE(plot->xAxis->range().lower, before.lower);  // selecting does not pan
    QVERIFY(scatter_->selectionGrid()->isVisible());
    QCOMPARE(scatter_->selectionGrid()->count(), 9);
    QCOMPARE(scatter_->selectionGrid()->items()[0].caption, QStringLiteral("dog"));
    QVERIFY(!scatter_->selectionGrid()->items()[0].image.isNull());
    QVERIFY2(scatter_->selectionLabel()->text().startsWith(QStringLiteral("9 points selected: 9 dog")),
             qPrintable(scatter_->selectionLabel()->text()));
    QCOMPARE(plot->graph(5)->dataCount(), 9);  // a square around each selected point

    // Clicking a listed thumbnail opens that point, as a click on it does.
    QSignalSpy activated(scatter_.get(), &EmbeddingScatter::pointActivated);
    simclr::widgets::ImageGrid* grid = scatter_->selectionGrid();
    QTest::mouseClick(grid->viewport(), Qt::LeftButton, Qt::NoModifier, grid->cellRect(2).center());
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.first().first().toInt(), 11);
    QCOMPARE(scatter_->selectedIndex(), 11);

    // A rectangle over two clusters counts per class; hidden classes are not selected.
    scatter_->setClassVisible(2, false);
    scatter_->selectPointsIn(plot->axisRect()->rect());
    QCOMPARE(scatter_->selection().size(), 18);
    QVERIFY(scatter_->selectionLabel()->text().contains(QStringLiteral("9 cat, 9 dog")));
    // Clear selection hides the list.
    for (QPushButton* b : scatter_->findChildren<QPushButton*>())
      if (b->text() == QStringLiteral("Clear selection")) QTest::mouseClick(b, Qt::LeftButton);
    QVERIFY(scatter_->selection().isEmpty());
    QVERIFY(!grid->isVisible());
    QCOMPARE(changed.count(), 3);
  }

  void hiddenClassesCannotBeHitAndLegendTogglesThem() {
    QSignalSpy visibility(scatter_.get(), &EmbeddingScatter::classVisibilityChanged);
    QCOMPARE(scatter_->indexAt(scatter_->pixelOf(4)), 4);
    scatter_->setClassVisible(0, false);
    QVERIFY(!scatter_->isClassVisible(0));
    QCOMPARE(scatter_->indexAt(scatter_->pixelOf(4)), -1);
    QCOMPARE(visibility.count(), 1);
    // Clicking the legend's "cat" entry shows the class again.
    QCustomPlot* plot = scatter_->plot();
    plot->replot();
    const QPoint entry = plot->legend->item(0)->rect().center();
    QTest::mouseClick(plot, Qt::LeftButton, Qt::NoModifier, entry);
    QVERIFY(scatter_->isClassVisible(0));
    QCOMPARE(visibility.count(), 2);
  }

  void highlightsDropInvalidIndices() {
    scatter_->setHighlighted({1, 2, 99, -3, 26});
    QCOMPARE(scatter_->highlighted(), (QVector<int>{1, 2, 26}));
    // The ring graph draws exactly those points (added after the three class graphs).
    QCOMPARE(scatter_->plot()->graph(3)->dataCount(), 3);
    scatter_->setSelectedIndex(5);
    QCOMPARE(scatter_->plot()->graph(4)->dataCount(), 1);
    scatter_->setSelectedIndex(500);
    QCOMPARE(scatter_->selectedIndex(), -1);
    QCOMPARE(scatter_->plot()->graph(4)->dataCount(), 0);
  }

  void exportsImagesAndCsv() {
    QTemporaryDir dir;
    QString error;
    QVERIFY2(scatter_->exportImage(dir.filePath(QStringLiteral("s.png")), &error, QSize(400, 300)), qPrintable(error));
    const QImage png(dir.filePath(QStringLiteral("s.png")));
    QCOMPARE(png.size(), QSize(800, 600));  // rendered at twice the size for high-DPI
    for (const QString& name : {QStringLiteral("s.svg"), QStringLiteral("s.pdf")}) {
      QVERIFY2(scatter_->exportImage(dir.filePath(name), &error), qPrintable(error));
      QFile file(dir.filePath(name));
      QVERIFY(file.open(QIODevice::ReadOnly));
      const QByteArray head = file.read(4096);
      QVERIFY2(name.endsWith(QLatin1String("pdf")) ? head.startsWith("%PDF") : head.contains("<svg"), qPrintable(name));
    }
    QVERIFY(!scatter_->exportImage(dir.filePath(QStringLiteral("s.bmpx")), &error));
    QVERIFY(error.contains(QStringLiteral("unknown image format")));
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("s.bmpx"))));

    QVERIFY(scatter_->exportCsv(dir.filePath(QStringLiteral("s.csv")), &error));
    QFile csv(dir.filePath(QStringLiteral("s.csv")));
    QVERIFY(csv.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList lines = QString::fromUtf8(csv.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 28);
    QCOMPARE(lines[0], QStringLiteral("index,x,y,label,class"));
    QCOMPARE(lines[14], QStringLiteral("13,11,6,1,dog"));  // point 13 = class 1, i = 4: (10+1, 5+1)
  }

  void screenshot() {
    SIMCLR_SKIP_WITHOUT_SHOTS();
    scatter_->setSelectedIndex(13);
    scatter_->setHighlighted({12, 14, 10});
    QVERIFY(simclr::widgets::testing::saveShot(*scatter_, QStringLiteral("embedding_scatter")));
  }
};

QTEST_MAIN(TestEmbeddingScatter)
#include "test_embedding_scatter.moc"
