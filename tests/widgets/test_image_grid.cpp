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
    grid_ = std::make_unique<ImageGrid>();
    grid_->resize(500, 360);
    grid_->setCellSize(64);
    grid_->setItems(sampleItems(30));
    grid_->show();
    QVERIFY(QTest::qWaitForWindowExposed(grid_.get()));
  }
  void cleanup() { grid_.reset(); }

  void clickActivatesCell() {
    QSignalSpy activated(grid_.get(), &ImageGrid::activated);
    const QRect cell = grid_->cellRect(5);
    QVERIFY(grid_->viewport()->rect().contains(cell));
    QTest::mouseClick(grid_->viewport(), Qt::LeftButton, Qt::NoModifier, cell.center());
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.first().first().toInt(), 5);
    QCOMPARE(grid_->currentIndex(), 5);
    QCOMPARE(grid_->indexAt(grid_->imageRect(5).topLeft()), 5);
    // The gap between two cells belongs to neither.
    const QPoint gap(grid_->cellRect(5).right() + 3, cell.center().y());
    QCOMPARE(grid_->indexAt(gap), -1);
    QTest::mouseClick(grid_->viewport(), Qt::LeftButton, Qt::NoModifier, gap);
    QCOMPARE(activated.count(), 1);
  }

  void hoverReportsCell() {
    QSignalSpy hovered(grid_.get(), &ImageGrid::hovered);
    QTest::mouseMove(grid_->viewport(), grid_->cellRect(2).center());
    QTRY_COMPARE(hovered.count(), 1);
    QCOMPARE(hovered.last().first().toInt(), 2);
  }

  void arrowKeysMoveCurrent() {
    const int columns = grid_->columnCount();
    QVERIFY(columns > 1);
    QCOMPARE(grid_->currentIndex(), 0);
    grid_->setFocus();
    QTest::keyClick(grid_.get(), Qt::Key_Right);
    QCOMPARE(grid_->currentIndex(), 1);
    QTest::keyClick(grid_.get(), Qt::Key_Down);
    QCOMPARE(grid_->currentIndex(), 1 + columns);
    QTest::keyClick(grid_.get(), Qt::Key_Left);
    QCOMPARE(grid_->currentIndex(), columns);
    QTest::keyClick(grid_.get(), Qt::Key_Up);
    QCOMPARE(grid_->currentIndex(), 0);
    QTest::keyClick(grid_.get(), Qt::Key_Left);  // clamped at the first cell
    QCOMPARE(grid_->currentIndex(), 0);
    QTest::keyClick(grid_.get(), Qt::Key_End);
    QCOMPARE(grid_->currentIndex(), 29);
    QTest::keyClick(grid_.get(), Qt::Key_Down);  // clamped at the last cell
    QCOMPARE(grid_->currentIndex(), 29);
    // The last row is scrolled into view.
    QVERIFY(grid_->viewport()->rect().contains(grid_->cellRect(29)));
  }

  void enterAndBackspaceSignal() {
    QSignalSpy activated(grid_.get(), &ImageGrid::activated);
    QSignalSpy back(grid_.get(), &ImageGrid::backRequested);
    grid_->setCurrentIndex(4);
    grid_->setFocus();
    QTest::keyClick(grid_.get(), Qt::Key_Return);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.first().first().toInt(), 4);
    QTest::keyClick(grid_.get(), Qt::Key_Enter);
    QCOMPARE(activated.count(), 2);
    QTest::keyClick(grid_.get(), Qt::Key_Backspace);
    QCOMPARE(back.count(), 1);
  }

  void columnsFitWidthAndScroll() {
    const int narrow = grid_->columnCount();
    grid_->resize(900, 360);
    QTRY_VERIFY(grid_->columnCount() > narrow);
    grid_->setItems(sampleItems(500));
    QVERIFY(grid_->verticalScrollBar()->maximum() > 0);
    grid_->setCurrentIndex(480);
    QVERIFY(grid_->viewport()->rect().contains(grid_->cellRect(480)));
    QVERIFY(grid_->verticalScrollBar()->value() > 0);
    QCOMPARE(grid_->indexAt(grid_->cellRect(480).center()), 480);
  }

  void zoomScalesCells() {
    grid_->setZoom(3);
    QCOMPARE(grid_->cellSize(), 96);
    QCOMPARE(grid_->zoom(), 3);
    QCOMPARE(grid_->imageRect(0).size(), QSize(96, 96));
    grid_->setFocus();
    QTest::keyClick(grid_.get(), Qt::Key_Minus, Qt::ControlModifier);
    QCOMPARE(grid_->cellSize(), 64);
  }

  void enlargesWithNearestNeighbour() {
    // A 2x2 checkerboard drawn at 64x64 must be four flat 32x32 blocks, no grey edges.
    QImage checker(2, 2, QImage::Format_RGB32);
    checker.setPixel(0, 0, qRgb(0, 0, 0));
    checker.setPixel(1, 0, qRgb(255, 255, 255));
    checker.setPixel(0, 1, qRgb(255, 255, 255));
    checker.setPixel(1, 1, qRgb(0, 0, 0));
    grid_->setItems({ImageGridItem{checker, {}, {}, {}, {}}});
    grid_->setCurrentIndex(-1);  // no highlight over the image
    grid_->setCellSize(64);
    const QImage shot = grid_->viewport()->grab().toImage();
    const QRect area = grid_->imageRect(0);
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
    grid_->setPlaceholderText(QStringLiteral("No images"));
    grid_->clear();
    QCOMPARE(grid_->count(), 0);
    QCOMPARE(grid_->currentIndex(), -1);
    QCOMPARE(grid_->indexAt(QPoint(20, 20)), -1);
    QCOMPARE(grid_->cellRect(0), QRect());
  }

  void screenshot() {
    SIMCLR_SKIP_WITHOUT_SHOTS();
    grid_->resize(620, 420);
    grid_->setCellSize(96);
    grid_->setItems(sampleItems(40));
    grid_->setCurrentIndex(6);
    grid_->setFocus();
    QTest::mouseMove(grid_->viewport(), grid_->cellRect(2).center());
    QVERIFY(simclr::widgets::testing::saveShot(*grid_, QStringLiteral("image_grid")));
  }

 private:
  std::unique_ptr<ImageGrid> grid_;
};

QTEST_MAIN(TestImageGrid)
#include "test_image_grid.moc"
