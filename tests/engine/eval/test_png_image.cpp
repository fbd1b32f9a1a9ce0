// The engine's PNG encoder, decoded by Qt's PNG reader (libpng-based; the tests link
// QtGui, the engine does not).
#include <QtTest>

#include <QImage>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/eval/png_image.h"
#include "tests/support/temp_dir.h"

using namespace simclr;

namespace {

QImage decode(const std::string& png) {
  QImage image;
  image.loadFromData(reinterpret_cast<const uchar*>(png.data()), static_cast<int>(png.size()), "PNG");
  return image;
}

// Every pixel of the decoded image equals the tensor [H, W, C].
void compare_pixels(const QImage& image, const torch::Tensor& hwc) {
  QCOMPARE(image.height(), int(hwc.size(0)));
  QCOMPARE(image.width(), int(hwc.size(1)));
  const int64_t c = hwc.size(2);
  const QImage argb = image.convertToFormat(QImage::Format_ARGB32);
  const auto t = hwc.contiguous();
  const uint8_t* p = t.data_ptr<uint8_t>();
  for (int y = 0; y < argb.height(); ++y)
    for (int x = 0; x < argb.width(); ++x) {
      const QRgb px = argb.pixel(x, y);
      const uint8_t* e = p + (int64_t(y) * argb.width() + x) * c;
      const int r = e[0], g = c >= 3 ? e[1] : e[0], b = c >= 3 ? e[2] : e[0], a = c == 4 ? e[3] : 255;
      if (qRed(px) != r || qGreen(px) != g || qBlue(px) != b || qAlpha(px) != a)
        QFAIL(qPrintable(QString("pixel (%1, %2) differs").arg(x).arg(y)));
    }
}

}  // namespace

class TestPngImage : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void decodesToTheSamePixels_data() {
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("level");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("width");
    QTest::newRow("rgb deflate") << 3 << 6 << 37 << 53;
    QTest::newRow("rgb stored") << 3 << 0 << 37 << 53;
    QTest::newRow("grey deflate") << 1 << 9 << 20 << 31;
    QTest::newRow("grey stored") << 1 << 0 << 1 << 1;
    QTest::newRow("rgba deflate") << 4 << 1 << 16 << 16;
    // Stored blocks hold at most 65535 bytes: this needs several.
    QTest::newRow("rgb stored, many blocks") << 3 << 0 << 200 << 300;
  }
  void decodesToTheSamePixels() {
    QFETCH(int, channels);
    QFETCH(int, level);
    QFETCH(int, height);
    QFETCH(int, width);
    torch::manual_seed(channels * 100 + level);
    const auto image = torch::randint(0, 256, {height, width, channels}, torch::kByte);
    const QImage decoded = decode(encode_png(image, level));
    QVERIFY(!decoded.isNull());
    compare_pixels(decoded, image);
  }

  void compressionShrinksSmoothImages() {
    if (!png_compression_available()) QSKIP("engine built without zlib: PNGs are stored uncompressed");
    const auto ramp = torch::arange(256, torch::kLong).to(torch::kByte).repeat({256, 1}).unsqueeze(2);  // [256, 256, 1]
    const auto packed = encode_png(ramp, 9), stored = encode_png(ramp, 0);
    QVERIFY(packed.size() * 10 < stored.size());
    compare_pixels(decode(packed), ramp);
  }

  void greyscaleFrom2D() {
    const auto image = torch::tensor({0, 64, 128, 255}, torch::kByte).reshape({2, 2});
    const QImage decoded = decode(encode_png(image));
    QVERIFY(decoded.isGrayscale());
    compare_pixels(decoded, image.unsqueeze(2));
  }

  void writesAtomicallyToAFile() {
    test::TempDir dir;
    const auto image = torch::full({4, 5, 3}, 200, torch::kByte);
    write_png(dir / "a.png", image);
    QImage decoded(QString::fromStdString((dir / "a.png").string()));
    compare_pixels(decoded, image);
  }

  void badImagesAreRejected() {
    QVERIFY_THROWS_EXCEPTION(ConfigError, encode_png(torch::zeros({4, 4, 3})));  // float
    QVERIFY_THROWS_EXCEPTION(ConfigError, encode_png(torch::zeros({4, 4, 2}, torch::kByte)));
    QVERIFY_THROWS_EXCEPTION(ConfigError, encode_png(torch::zeros({0, 4, 3}, torch::kByte)));
    QVERIFY_THROWS_EXCEPTION(ConfigError, encode_png(torch::zeros({4}, torch::kByte)));
  }
};

QTEST_GUILESS_MAIN(TestPngImage)
#include "test_png_image.moc"
