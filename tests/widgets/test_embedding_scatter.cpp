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

  std::unique_ptr<EmbeddingScatter> m_scatter;

 private Q_SLOTS:
  void init() {
    m_scatter = std::make_unique<EmbeddingScatter>();
    m_scatter->resize(600, 450);
    QVector<QPointF> points;
    QVector<int> labels;
    makeClusters(points, labels);
    QVERIFY(m_scatter->setPoints(points, labels, kNames));
    m_scatter->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_scatter.get()));
    m_scatter->resetView();  // lay out for the shown size
  }
  void cleanup() { m_scatter.reset(); }

  void dataAndClasses() {
    QCOMPARE(m_scatter->pointCount(), 27);
    QCOMPARE(m_scatter->classCount(), 3);
    QCOMPARE(m_scatter->label(12), 1);
    QCOMPARE(m_scatter->className(2), QStringLiteral("ship"));
    QCOMPARE(m_scatter->className(7), QStringLiteral("class 7"));
    QVERIFY(m_scatter->classColor(0) != m_scatter->classColor(1));
    QCOMPARE(m_scatter->plot()->legend->itemCount(), 3);
    auto* item = qobject_cast<QCPPlottableLegendItem*>(m_scatter->plot()->legend->item(1));
    QVERIFY(item);
    QCOMPARE(item->plottable()->name(), QStringLiteral("dog"));
    // Mismatched lengths and negative labels are refused and keep the old data.
    QVERIFY(!m_scatter->setPoints({QPointF(0, 0)}, {0, 1}, kNames));
    QVERIFY(!m_scatter->setPoints({QPointF(0, 0)}, {-1}, kNames));
    QCOMPARE(m_scatter->pointCount(), 27);
  }

  void resetViewShowsEveryPoint() {
    const QRect area = m_scatter->plot()->axisRect()->rect();
    for (int i = 0; i < m_scatter->pointCount(); ++i)
      QVERIFY2(area.contains(m_scatter->pixelOf(i)), qPrintable(QString::number(i)));
  }

  void clickSelectsTheNearestPoint() {
    QSignalSpy activated(m_scatter.get(), &EmbeddingScatter::pointActivated);
    QCustomPlot* plot = m_scatter->plot();
    const QPoint target = m_scatter->pixelOf(13) + QPoint(2, -1);  // a little off centre
    QTest::mouseClick(plot, Qt::LeftButton, Qt::NoModifier, target);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.first().first().toInt(), 13);
    QCOMPARE(m_scatter->selectedIndex(), 13);
    // Empty space between the clusters: no point, no signal, the selection stays.
    const QPoint between = (m_scatter->pixelOf(8) + m_scatter->pixelOf(9)) / 2;
    QCOMPARE(m_scatter->indexAt(between), -1);
    QTest::mouseClick(plot, Qt::LeftButton, Qt::NoModifier, between);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(m_scatter->selectedIndex(), 13);
  }

  void dragPansWithoutSelecting() {
    QSignalSpy activated(m_scatter.get(), &EmbeddingScatter::pointActivated);
    QCustomPlot* plot = m_scatter->plot();
    const QCPRange before = plot->xAxis->range();
    const QPoint start = m_scatter->pixelOf(0);
    QTest::mousePress(plot, Qt::LeftButton, Qt::NoModifier, start);
    QMouseEvent move(QEvent::MouseMove, start + QPoint(60, 0), plot->mapToGlobal(start + QPoint(60, 0)), Qt::NoButton,
                     Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(plot, &move);
    QTest::mouseRelease(plot, Qt::LeftButton, Qt::NoModifier, start + QPoint(60, 0));
    QCOMPARE(activated.count(), 0);
    QVERIFY(plot->xAxis->range().lower < before.lower);  // content moved right: view moved left
    m_scatter->resetView();
    QCOMPARE(plot->xAxis->range().lower, before.lower);
  }

  void wheelZoomsIn() {
    QCustomPlot* plot = m_scatter->plot();
    const double before = plot->xAxis->range().size();
    const QPoint centre = plot->axisRect()->rect().center();
    QWheelEvent wheel(centre, plot->mapToGlobal(centre), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(plot, &wheel);
    QVERIFY(plot->xAxis->range().size() < before);
  }

  void hoverReportsAndExplainsThePoint() {
    QSignalSpy hovered(m_scatter.get(), &EmbeddingScatter::pointHovered);
    QTest::mouseMove(m_scatter->plot(), m_scatter->pixelOf(20));
    QTRY_VERIFY(!hovered.isEmpty());
    QCOMPARE(hovered.last().first().toInt(), 20);
    QVERIFY(m_scatter->toolTipText(20).contains(QStringLiteral("#20")));
    QVERIFY(m_scatter->toolTipText(20).contains(QStringLiteral("ship")));
    // With a thumbnail provider the tooltip carries the image, and Qt's rich text decodes it.
    QImage red(32, 32, QImage::Format_RGB32);
    red.fill(Qt::red);
    m_scatter->setThumbnailProvider([red](int index) { return index == 20 ? red : QImage(); });
    QTextDocument doc;
    doc.setHtml(m_scatter->toolTipHtml(20));
    QCOMPARE(doc.toPlainText().trimmed().right(4), QStringLiteral("ship"));
    QImage rendered(200, 200, QImage::Format_RGB32);
    rendered.fill(Qt::white);
    {
      QPainter painter(&rendered);
      doc.drawContents(&painter);
    }
    QCOMPARE(rendered.pixelColor(20, 20), QColor(Qt::red));  // the 96 px thumbnail was drawn
    QVERIFY(!m_scatter->toolTipHtml(21).contains(QStringLiteral("<img")));
  }

  void hoverShowsATooltipWithTheLabel() {
    // (Another point than the test above hovers: the cursor must move to send an event.)
    QTest::mouseMove(m_scatter->plot(), m_scatter->pixelOf(22));
    QTRY_VERIFY(QToolTip::isVisible());
    QVERIFY2(QToolTip::text().contains(QStringLiteral("ship")), qPrintable(QToolTip::text()));
    QVERIFY(QToolTip::text().contains(QStringLiteral("#22")));
    // Between the clusters the tooltip goes away.
    QTest::mouseMove(m_scatter->plot(), (m_scatter->pixelOf(8) + m_scatter->pixelOf(9)) / 2);
    QTRY_VERIFY(!QToolTip::isVisible());
  }

  void ctrlDragSelectsTheRectangleAndListsIt() {
    QSignalSpy changed(m_scatter.get(), &EmbeddingScatter::selectionChanged);
    QImage grey(32, 32, QImage::Format_RGB32);
    grey.fill(Qt::gray);
    m_scatter->setThumbnailProvider([grey](int) { return grey; });
    QVERIFY(!m_scatter->selectionGrid()->isVisible());
    // A rectangle just around cluster 1 (points 9..17), from where the points are drawn.
    QRect box;
    for (int i = 9; i < 18; ++i) box |= QRect(m_scatter->pixelOf(i), QSize(1, 1));
    box.adjust(-5, -5, 5, 5);
    QCustomPlot* plot = m_scatter->plot();
    const QCPRange before = plot->xAxis->range();
    QTest::mousePress(plot, Qt::LeftButton, Qt::ControlModifier, box.topLeft());
    QMouseEvent move(QEvent::MouseMove, box.bottomRight(), plot->mapToGlobal(box.bottomRight()), Qt::NoButton,
                     Qt::LeftButton, Qt::ControlModifier);
    QApplication::sendEvent(plot, &move);
    QTest::mouseRelease(plot, Qt::LeftButton, Qt::ControlModifier, box.bottomRight());
    QCOMPARE(changed.count(), 1);
    QCOMPARE(m_scatter->selection(), (QVector<int>{9, 10, 11, 12, 13, 14, 15, 16, 17}));
    QCOMPARE(plot->xAxis->range().lower, before.lower);  // selecting does not pan
    QVERIFY(m_scatter->selectionGrid()->isVisible());
    QCOMPARE(m_scatter->selectionGrid()->count(), 9);
    QCOMPARE(m_scatter->selectionGrid()->items()[0].caption, QStringLiteral("dog"));
    QVERIFY(!m_scatter->selectionGrid()->items()[0].image.isNull());
    QVERIFY2(m_scatter->selectionLabel()->text().startsWith(QStringLiteral("9 points selected: 9 dog")),
             qPrintable(m_scatter->selectionLabel()->text()));
    QCOMPARE(plot->graph(5)->dataCount(), 9);  // a square around each selected point

    // Clicking a listed thumbnail opens that point, as a click on it does.
    QSignalSpy activated(m_scatter.get(), &EmbeddingScatter::pointActivated);
    simclr::widgets::ImageGrid* grid = m_scatter->selectionGrid();
    QTest::mouseClick(grid->viewport(), Qt::LeftButton, Qt::NoModifier, grid->cellRect(2).center());
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.first().first().toInt(), 11);
    QCOMPARE(m_scatter->selectedIndex(), 11);

    // A rectangle over two clusters counts per class; hidden classes are not selected.
    m_scatter->setClassVisible(2, false);
    m_scatter->selectPointsIn(plot->axisRect()->rect());
    QCOMPARE(m_scatter->selection().size(), 18);
    QVERIFY(m_scatter->selectionLabel()->text().contains(QStringLiteral("9 cat, 9 dog")));
    // Clear selection hides the list.
    for (QPushButton* b : m_scatter->findChildren<QPushButton*>())
      if (b->text() == QStringLiteral("Clear selection")) QTest::mouseClick(b, Qt::LeftButton);
    QVERIFY(m_scatter->selection().isEmpty());
    QVERIFY(!grid->isVisible());
    QCOMPARE(changed.count(), 3);
  }

  void hiddenClassesCannotBeHitAndLegendTogglesThem() {
    QSignalSpy visibility(m_scatter.get(), &EmbeddingScatter::classVisibilityChanged);
    QCOMPARE(m_scatter->indexAt(m_scatter->pixelOf(4)), 4);
    m_scatter->setClassVisible(0, false);
    QVERIFY(!m_scatter->isClassVisible(0));
    QCOMPARE(m_scatter->indexAt(m_scatter->pixelOf(4)), -1);
    QCOMPARE(visibility.count(), 1);
    // Clicking the legend's "cat" entry shows the class again.
    QCustomPlot* plot = m_scatter->plot();
    plot->replot();
    const QPoint entry = plot->legend->item(0)->rect().center();
    QTest::mouseClick(plot, Qt::LeftButton, Qt::NoModifier, entry);
    QVERIFY(m_scatter->isClassVisible(0));
    QCOMPARE(visibility.count(), 2);
  }

  void highlightsDropInvalidIndices() {
    m_scatter->setHighlighted({1, 2, 99, -3, 26});
    QCOMPARE(m_scatter->highlighted(), (QVector<int>{1, 2, 26}));
    // The ring graph draws exactly those points (added after the three class graphs).
    QCOMPARE(m_scatter->plot()->graph(3)->dataCount(), 3);
    m_scatter->setSelectedIndex(5);
    QCOMPARE(m_scatter->plot()->graph(4)->dataCount(), 1);
    m_scatter->setSelectedIndex(500);
    QCOMPARE(m_scatter->selectedIndex(), -1);
    QCOMPARE(m_scatter->plot()->graph(4)->dataCount(), 0);
  }

  void exportsImagesAndCsv() {
    QTemporaryDir dir;
    QString error;
    QVERIFY2(m_scatter->exportImage(dir.filePath(QStringLiteral("s.png")), &error, QSize(400, 300)), qPrintable(error));
    const QImage png(dir.filePath(QStringLiteral("s.png")));
    QCOMPARE(png.size(), QSize(800, 600));  // rendered at twice the size for high-DPI
    for (const QString& name : {QStringLiteral("s.svg"), QStringLiteral("s.pdf")}) {
      QVERIFY2(m_scatter->exportImage(dir.filePath(name), &error), qPrintable(error));
      QFile file(dir.filePath(name));
      QVERIFY(file.open(QIODevice::ReadOnly));
      const QByteArray head = file.read(4096);
      QVERIFY2(name.endsWith(QLatin1String("pdf")) ? head.startsWith("%PDF") : head.contains("<svg"), qPrintable(name));
    }
    QVERIFY(!m_scatter->exportImage(dir.filePath(QStringLiteral("s.bmpx")), &error));
    QVERIFY(error.contains(QStringLiteral("unknown image format")));
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("s.bmpx"))));

    QVERIFY(m_scatter->exportCsv(dir.filePath(QStringLiteral("s.csv")), &error));
    QFile csv(dir.filePath(QStringLiteral("s.csv")));
    QVERIFY(csv.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList lines = QString::fromUtf8(csv.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 28);
    QCOMPARE(lines[0], QStringLiteral("index,x,y,label,class"));
    QCOMPARE(lines[14], QStringLiteral("13,11,6,1,dog"));  // point 13 = class 1, i = 4: (10+1, 5+1)
  }

  void screenshot() {
    SIMCLR_SKIP_WITHOUT_SHOTS();
    m_scatter->setSelectedIndex(13);
    m_scatter->setHighlighted({12, 14, 10});
    QVERIFY(simclr::widgets::testing::saveShot(*m_scatter, QStringLiteral("embedding_scatter")));
  }
};

QTEST_MAIN(TestEmbeddingScatter)
#include "test_embedding_scatter.moc"
