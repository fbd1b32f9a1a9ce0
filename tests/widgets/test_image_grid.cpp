#include <QtTest>

#include <QPainter>
#include <QScrollBar>
#include <QSet>

#include "tests/widgets/widget_shots.h"
#include "widgets/image_grid.h"

using simclr::widgets::ImageGrid;
using simclr::widgets::ImageGridItem;

namespace {
// A small, distinct image per index: a colour gradient like a downscaled photo.
QImage sampleImage(int index, int size = 32) {
  QImage image(size, size, QImage::Format_RGB32);
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x)
      image.setPixel(x, y,
                     qRgb((index * 37 + x * 5) % 256, (index * 91 + y * 6) % 256, (index * 53 + (x + y) * 3) % 256));
  return image;
}

QVector<ImageGridItem> sampleItems(int n) {
  static const char* const classes[] = {"airplane", "automobile", "bird",  "cat",  "deer",
                                        "dog",      "frog",       "horse", "ship", "truck"};
  QVector<ImageGridItem> items;
  for (int i = 0; i < n; ++i) {
    ImageGridItem item;
    item.image = sampleImage(i);
    item.caption = QString::fromLatin1(classes[i % 10]);
    item.subcaption = QStringLiteral("d = %1").arg(0.05 * i, 0, 'f', 3);
    item.frame = (i % 4 == 3) ? QColor(0xd3, 0x2f, 0x2f) : QColor();
    item.toolTip = QStringLiteral("image %1").arg(i);
    items.append(item);
  }
  return items;
}
}  // namespace

class TestImageGrid : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void init() {
    m_grid = std::make_unique<ImageGrid>();
    m_grid->resize(500, 360);
    m_grid->setCellSize(64);
    m_grid->setItems(sampleItems(30));
    m_grid->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_grid.get()));
  }
  void cleanup() { m_grid.reset(); }

  void clickActivatesCell() {
    QSignalSpy activated(m_grid.get(), &ImageGrid::activated);
    const QRect cell = m_grid->cellRect(5);
    QVERIFY(m_grid->viewport()->rect().contains(cell));
    QTest::mouseClick(m_grid->viewport(), Qt::LeftButton, Qt::NoModifier, cell.center());
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.first().first().toInt(), 5);
    QCOMPARE(m_grid->currentIndex(), 5);
    QCOMPARE(m_grid->indexAt(m_grid->imageRect(5).topLeft()), 5);
    // The gap between two cells belongs to neither.
    const QPoint gap(m_grid->cellRect(5).right() + 3, cell.center().y());
    QCOMPARE(m_grid->indexAt(gap), -1);
    QTest::mouseClick(m_grid->viewport(), Qt::LeftButton, Qt::NoModifier, gap);
    QCOMPARE(activated.count(), 1);
  }

  void hoverReportsCell() {
    QSignalSpy hovered(m_grid.get(), &ImageGrid::hovered);
    QTest::mouseMove(m_grid->viewport(), m_grid->cellRect(2).center());
    QTRY_COMPARE(hovered.count(), 1);
    QCOMPARE(hovered.last().first().toInt(), 2);
  }

  void arrowKeysMoveCurrent() {
    const int columns = m_grid->columnCount();
    QVERIFY(columns > 1);
    QCOMPARE(m_grid->currentIndex(), 0);
    m_grid->setFocus();
    QTest::keyClick(m_grid.get(), Qt::Key_Right);
    QCOMPARE(m_grid->currentIndex(), 1);
    QTest::keyClick(m_grid.get(), Qt::Key_Down);
    QCOMPARE(m_grid->currentIndex(), 1 + columns);
    QTest::keyClick(m_grid.get(), Qt::Key_Left);
    QCOMPARE(m_grid->currentIndex(), columns);
    QTest::keyClick(m_grid.get(), Qt::Key_Up);
    QCOMPARE(m_grid->currentIndex(), 0);
    QTest::keyClick(m_grid.get(), Qt::Key_Left);  // clamped at the first cell
    QCOMPARE(m_grid->currentIndex(), 0);
    QTest::keyClick(m_grid.get(), Qt::Key_End);
    QCOMPARE(m_grid->currentIndex(), 29);
    QTest::keyClick(m_grid.get(), Qt::Key_Down);  // clamped at the last cell
    QCOMPARE(m_grid->currentIndex(), 29);
    // The last row is scrolled into view.
    QVERIFY(m_grid->viewport()->rect().contains(m_grid->cellRect(29)));
  }

  void enterAndBackspaceSignal() {
    QSignalSpy activated(m_grid.get(), &ImageGrid::activated);
    QSignalSpy back(m_grid.get(), &ImageGrid::backRequested);
    m_grid->setCurrentIndex(4);
    m_grid->setFocus();
    QTest::keyClick(m_grid.get(), Qt::Key_Return);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.first().first().toInt(), 4);
    QTest::keyClick(m_grid.get(), Qt::Key_Enter);
    QCOMPARE(activated.count(), 2);
    QTest::keyClick(m_grid.get(), Qt::Key_Backspace);
    QCOMPARE(back.count(), 1);
  }

  void columnsFitWidthAndScroll() {
    const int narrow = m_grid->columnCount();
    m_grid->resize(900, 360);
    QTRY_VERIFY(m_grid->columnCount() > narrow);
    m_grid->setItems(sampleItems(500));
    QVERIFY(m_grid->verticalScrollBar()->maximum() > 0);
    m_grid->setCurrentIndex(480);
    QVERIFY(m_grid->viewport()->rect().contains(m_grid->cellRect(480)));
    QVERIFY(m_grid->verticalScrollBar()->value() > 0);
    QCOMPARE(m_grid->indexAt(m_grid->cellRect(480).center()), 480);
  }

  void zoomScalesCells() {
    m_grid->setZoom(3);
    QCOMPARE(m_grid->cellSize(), 96);
    QCOMPARE(m_grid->zoom(), 3);
    QCOMPARE(m_grid->imageRect(0).size(), QSize(96, 96));
    m_grid->setFocus();
    QTest::keyClick(m_grid.get(), Qt::Key_Minus, Qt::ControlModifier);
    QCOMPARE(m_grid->cellSize(), 64);
  }

  void enlargesWithNearestNeighbour() {
    // A 2x2 checkerboard drawn at 64x64 must be four flat 32x32 blocks, no grey edges.
    QImage checker(2, 2, QImage::Format_RGB32);
    checker.setPixel(0, 0, qRgb(0, 0, 0));
    checker.setPixel(1, 0, qRgb(255, 255, 255));
    checker.setPixel(0, 1, qRgb(255, 255, 255));
    checker.setPixel(1, 1, qRgb(0, 0, 0));
    m_grid->setItems({ImageGridItem{checker, {}, {}, {}, {}}});
    m_grid->setCurrentIndex(-1);  // no highlight over the image
    m_grid->setCellSize(64);
    const QImage shot = m_grid->viewport()->grab().toImage();
    const QRect area = m_grid->imageRect(0);
    QSet<QRgb> colours;
    for (int y = 0; y < 64; ++y)
      for (int x = 0; x < 64; ++x) {
        const QRgb pixel = shot.pixel(area.x() + x, area.y() + y) & 0xffffff;
        const bool black = (x < 32) == (y < 32);
        QCOMPARE(pixel, black ? 0x000000u : 0xffffffu);
        colours.insert(pixel);
      }
    QCOMPARE(colours.size(), 2);
  }

  void emptyGridShowsPlaceholder() {
    m_grid->setPlaceholderText(QStringLiteral("No images"));
    m_grid->clear();
    QCOMPARE(m_grid->count(), 0);
    QCOMPARE(m_grid->currentIndex(), -1);
    QCOMPARE(m_grid->indexAt(QPoint(20, 20)), -1);
    QCOMPARE(m_grid->cellRect(0), QRect());
  }

  void screenshot() {
    SIMCLR_SKIP_WITHOUT_SHOTS();
    m_grid->resize(620, 420);
    m_grid->setCellSize(96);
    m_grid->setItems(sampleItems(40));
    m_grid->setCurrentIndex(6);
    m_grid->setFocus();
    QTest::mouseMove(m_grid->viewport(), m_grid->cellRect(2).center());
    QVERIFY(simclr::widgets::testing::saveShot(*m_grid, QStringLiteral("image_grid")));
  }

 private:
  std::unique_ptr<ImageGrid> m_grid;
};

QTEST_MAIN(TestImageGrid)
#include "test_image_grid.moc"
