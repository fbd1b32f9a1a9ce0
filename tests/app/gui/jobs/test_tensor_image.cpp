// Dataset images to QImage: planar [C, H, W] uint8 to interleaved pixels, exactly.
#include <QtTest>

#include "app/gui/jobs/tensor_image.h"
#include "engine/data/image_dataset.h"
#include "tests/support/dataset_fixtures.h"

using namespace simclr;

class TestTensorImage : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void rgbPlanesBecomePixels() {
    // 2 x 3 image; red plane 0..5, green 10..15, blue 20..25.
    std::vector<uint8_t> px(18);
    for (int i = 0; i < 6; ++i) {
      px[size_t(i)] = uint8_t(i);
      px[size_t(6 + i)] = uint8_t(10 + i);
      px[size_t(12 + i)] = uint8_t(20 + i);
    }
    const QImage image = gui::imageFromPlanar(px.data(), 3, 2, 3);
    QCOMPARE(image.size(), QSize(3, 2));
    for (int y = 0; y < 2; ++y)
      for (int x = 0; x < 3; ++x) QCOMPARE(image.pixel(x, y), qRgb(3 * y + x, 10 + 3 * y + x, 20 + 3 * y + x));
  }

  void grayscale() {
    const uint8_t px[] = {0, 64, 128, 255};
    const QImage image = gui::imageFromPlanar(px, 1, 2, 2);
    QCOMPARE(image.format(), QImage::Format_Grayscale8);
    QCOMPARE(qGray(image.pixel(1, 1)), 255);
    QCOMPARE(qGray(image.pixel(1, 0)), 64);
  }

  void unsupportedShapesGiveNullImages() {
    const uint8_t px[8] = {};
    QVERIFY(gui::imageFromPlanar(px, 2, 2, 2).isNull());
    QVERIFY(gui::imageFromPlanar(px, 1, 0, 2).isNull());
    QVERIFY(gui::imageFromPlanar(nullptr, 1, 2, 2).isNull());
  }

  void datasetImagesMatchTheirTensors() {
    const ImageDataset ds = test::make_random_images(5, 3, 7, 5, 3, 42);  // odd width: padded rows
    const QImage image = gui::imageFromDataset(ds, 4);
    QCOMPARE(image.size(), QSize(5, 7));
    const auto a = ds.images.accessor<uint8_t, 4>();
    for (int y = 0; y < 7; ++y)
      for (int x = 0; x < 5; ++x) QCOMPARE(image.pixel(x, y), qRgb(a[4][0][y][x], a[4][1][y][x], a[4][2][y][x]));
    QVERIFY(gui::imageFromDataset(ds, 5).isNull());
    QVERIFY(gui::imageFromDataset(ds, -1).isNull());
  }

  void nearestNeighbourUpscaling() {
    const uint8_t px[] = {0, 255, 255, 0};
    const QImage big = gui::upscaledNearest(gui::imageFromPlanar(px, 1, 2, 2), 3);
    QCOMPARE(big.size(), QSize(6, 6));
    QCOMPARE(qGray(big.pixel(2, 2)), 0);  // no smoothing at the block edges
    QCOMPARE(qGray(big.pixel(3, 2)), 255);
  }
};

QTEST_MAIN(TestTensorImage)
#include "test_tensor_image.moc"
