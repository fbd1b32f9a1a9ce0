#include <QtTest>

#include <fstream>
#include <random>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "engine/core/error.h"
#include "engine/data/image_file.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
namespace fs = std::filesystem;

namespace {

// A colour image whose every pixel differs: R = 10x + y, G = 100 + 3y, B = 255 - 7x (x < 13, y < 9).
cv::Mat pattern_bgr(int height, int width) {
  cv::Mat m(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      m.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(255 - 7 * x), uchar(100 + 3 * y), uchar(10 * x + y));
  return m;
}

// A smooth image (JPEG keeps it within a few levels).
cv::Mat gradient_bgr(int height, int width) {
  cv::Mat m(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      m.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(40 + 2 * y), uchar(200 - x), uchar(50 + x + y));
  return m;
}

// The RGB tensor [3, H, W] a BGR cv::Mat should decode to.
torch::Tensor expected_rgb(const cv::Mat& bgr) {
  torch::Tensor t = torch::empty({3, bgr.rows, bgr.cols}, torch::kByte);
  auto a = t.accessor<uint8_t, 3>();
  for (int y = 0; y < bgr.rows; ++y)
    for (int x = 0; x < bgr.cols; ++x) {
      const cv::Vec3b p = bgr.at<cv::Vec3b>(y, x);
      a[0][y][x] = p[2];
      a[1][y][x] = p[1];
      a[2][y][x] = p[0];
    }
  return t;
}

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void expect_data_error(const fs::path& file, const QString& problem) {
  try {
    read_image_file(file);
    QFAIL("no DataError");
  } catch (const DataError& e) {
    const QString what = QString::fromStdString(e.what());
    QVERIFY2(what.contains(QString::fromStdString(file.string())), qPrintable(what));
    QVERIFY2(what.contains(problem, Qt::CaseInsensitive), qPrintable(what));
  }
}

}  // namespace

class TestImageFile : public QObject {
  Q_OBJECT
  test::TempDir tmp_{"simclr-image-file"};

 private Q_SLOTS:
  void buildHasOpenCv() { QVERIFY(image_files_supported()); }

  void decodesLosslessFilesExactly_data() {
    QTest::addColumn<QString>("extension");
    QTest::newRow("png") << "png";
    QTest::newRow("bmp") << "bmp";
    QTest::newRow("ppm") << "ppm";
    QTest::newRow("tiff") << "tiff";
  }
  void decodesLosslessFilesExactly() {
    QFETCH(QString, extension);
    const cv::Mat bgr = pattern_bgr(9, 13);
    const fs::path file = tmp_ / ("pattern." + extension.toStdString());
    QVERIFY(cv::imwrite(file.string(), bgr));
    const torch::Tensor image = read_image_file(file);
    QCOMPARE(image.scalar_type(), torch::kByte);
    QCOMPARE(image.sizes().vec(), (std::vector<int64_t>{3, 9, 13}));
    QVERIFY(image.is_contiguous());
    QVERIFY(torch::equal(image, expected_rgb(bgr)));
  }

  void decodesJpegApproximately() {
    const cv::Mat bgr = gradient_bgr(24, 40);
    const fs::path file = tmp_ / "gradient.JPG";  // upper-case extension as cameras write it
    QVERIFY(cv::imwrite(file.string(), bgr, {cv::IMWRITE_JPEG_QUALITY, 95}));
    const torch::Tensor image = read_image_file(file);
    QCOMPARE(image.sizes().vec(), (std::vector<int64_t>{3, 24, 40}));
    const torch::Tensor diff = (image.to(torch::kInt) - expected_rgb(bgr).to(torch::kInt)).abs();
    QVERIFY2(diff.max().item<int>() <= 12, qPrintable(QString::number(diff.max().item<int>())));
    QVERIFY2(diff.to(torch::kDouble).mean().item<double>() < 2.0, "mean error");
    // Channel order: R rises with x, B with x + y, G falls with x; so R != B at (0, 39).
    QVERIFY(std::abs(image[0][0][39].item<int>() - (50 + 39)) <= 12);
  }

  void greyFiles_data() {
    QTest::addColumn<int>("mode");
    QTest::addColumn<int>("channels");
    QTest::newRow("rgb when asked") << int(ImageChannels::Rgb) << 3;
    QTest::newRow("grey") << int(ImageChannels::Grey) << 1;
    QTest::newRow("auto keeps grey") << int(ImageChannels::Auto) << 1;
  }
  void greyFiles() {
    QFETCH(int, mode);
    QFETCH(int, channels);
    cv::Mat grey(6, 5, CV_8UC1);
    for (int i = 0; i < 30; ++i) grey.data[i] = uchar(i * 8);
    const fs::path file = tmp_ / "grey.png";
    QVERIFY(cv::imwrite(file.string(), grey));
    const torch::Tensor image = read_image_file(file, ImageChannels(mode));
    QCOMPARE(image.sizes().vec(), (std::vector<int64_t>{channels, 6, 5}));
    const torch::Tensor want = torch::arange(0, 30, torch::kLong).mul(8).to(torch::kByte).view({1, 6, 5});
    for (int c = 0; c < channels; ++c) QVERIFY(torch::equal(image[c], want[0]));
  }

  void colourToGreyAndAlpha() {
    // BGRA with alpha 0 keeps its colour (alpha is dropped, not composited).
    cv::Mat bgra(2, 2, CV_8UC4, cv::Scalar(30, 60, 90, 0));
    const fs::path file = tmp_ / "alpha.png";
    QVERIFY(cv::imwrite(file.string(), bgra));
    const torch::Tensor rgb = read_image_file(file);
    QCOMPARE(rgb.sizes().vec(), (std::vector<int64_t>{3, 2, 2}));
    QCOMPARE(rgb[0][0][0].item<int>(), 90);
    QCOMPARE(rgb[2][1][1].item<int>(), 30);
    const torch::Tensor grey = read_image_file(file, ImageChannels::Grey);
    QCOMPARE(grey.size(0), int64_t{1});
    // ITU-R 601 luma: 0.299 R + 0.587 G + 0.114 B = 65.58.
    QVERIFY(std::abs(grey[0][0][0].item<int>() - 66) <= 1);
    QCOMPARE(read_image_file(file, ImageChannels::Auto).size(0), int64_t{3});
  }

  void sixteenBitPngIsScaled() {
    cv::Mat deep(1, 2, CV_16UC1);
    deep.at<uint16_t>(0, 0) = 65535;
    deep.at<uint16_t>(0, 1) = 257 * 100;
    const fs::path file = tmp_ / "deep.png";
    QVERIFY(cv::imwrite(file.string(), deep));
    const torch::Tensor image = read_image_file(file, ImageChannels::Grey);
    QCOMPARE(image[0][0][0].item<int>(), 255);
    QCOMPARE(image[0][0][1].item<int>(), 100);
  }

  void badFilesNameTheFile_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("problem");
    QTest::newRow("random bytes as .jpg") << "random"
                                          << "not an image file";
    QTest::newRow("truncated png") << "truncated"
                                   << "corrupt or truncated PNG";
    QTest::newRow("empty file") << "empty"
                                << "empty file";
    QTest::newRow("missing file") << "missing"
                                  << "missing";
    QTest::newRow("jpeg header, garbage body") << "garbage-jpeg"
                                               << "JPEG";
  }
  void badFilesNameTheFile() {
    QFETCH(QString, kind);
    QFETCH(QString, problem);
    fs::path file;
    if (kind == "random") {
      std::mt19937 gen(3);
      std::string bytes(300, '\0');
      for (auto& b : bytes) b = char(gen() & 0xff);
      bytes[0] = 'x';  // no accidental signature
      file = tmp_ / "random.jpg";
      test::write_bytes(file, bytes);
    } else if (kind == "truncated") {
      const fs::path whole = tmp_ / "whole.png";
      QVERIFY(cv::imwrite(whole.string(), gradient_bgr(32, 32)));
      const std::string bytes = file_bytes(whole);
      file = tmp_ / "truncated.png";
      test::write_bytes(file, bytes.substr(0, bytes.size() / 2));
    } else if (kind == "empty") {
      file = tmp_ / "empty.png";
      test::write_bytes(file, "");
    } else if (kind == "missing") {
      file = tmp_ / "nowhere.png";
    } else {
      file = tmp_ / "garbage.jpeg";
      test::write_bytes(file, std::string("\xFF\xD8\xFF\xE0", 4) + std::string(100, '\x11'));
    }
    expect_data_error(file, problem);
  }

  void recognisesImageExtensions() {
    for (const char* yes : {"a.png", "b.JPEG", "dir/c.jpg", "d.Bmp", "e.tif", "f.webp", "g.pgm"})
      QVERIFY2(is_image_file_name(yes), yes);
    for (const char* no : {"a.txt", "b", ".png.bak", "c.gif", "labels.csv"}) QVERIFY2(!is_image_file_name(no), no);
  }

  void resizeScalesTheShortSideAndCropsTheCentre() {
    // 20 x 60: thirds red | green | blue. Shorter side 20 -> 10, width 60 -> 30, centre 10
    // columns of 30 = columns 10..19 of the half-size image = the green third exactly.
    cv::Mat bgr(20, 60, CV_8UC3, cv::Scalar(0, 0, 0));
    bgr(cv::Rect(0, 0, 20, 20)).setTo(cv::Scalar(0, 0, 255));
    bgr(cv::Rect(20, 0, 20, 20)).setTo(cv::Scalar(0, 255, 0));
    bgr(cv::Rect(40, 0, 20, 20)).setTo(cv::Scalar(255, 0, 0));
    const torch::Tensor out = resize_and_center_crop(expected_rgb(bgr), 10);
    QCOMPARE(out.sizes().vec(), (std::vector<int64_t>{3, 10, 10}));
    QVERIFY(torch::equal(out[1], torch::full({10, 10}, 255, torch::kByte)));
    QCOMPARE(out[0].max().item<int>(), 0);
    QCOMPARE(out[2].max().item<int>(), 0);

    // Portrait 30 x 10 -> 15 x 5, its centre 5 rows kept; a constant image stays constant.
    const torch::Tensor tall = torch::full({3, 30, 10}, 77, torch::kByte);
    QVERIFY(torch::equal(resize_and_center_crop(tall, 5), torch::full({3, 5, 5}, 77, torch::kByte)));
  }

  void resizeAveragesWhenShrinkingAndInterpolatesWhenEnlarging() {
    // A 2x2 checkerboard of 0/200 shrunk to 1x1 averages (area): 100.
    torch::Tensor board = torch::tensor({0, 200, 200, 0}, torch::kByte).view({1, 2, 2});
    QCOMPARE(resize_and_center_crop(board, 1)[0][0][0].item<int>(), 100);
    // Enlarging 2x2 -> 4x4 keeps corners near their value and mixes in between.
    const torch::Tensor big = resize_and_center_crop(board, 4);
    QCOMPARE(big.sizes().vec(), (std::vector<int64_t>{1, 4, 4}));
    QCOMPARE(big[0][0][0].item<int>(), 0);
    QCOMPARE(big[0][0][3].item<int>(), 200);
    const int middle = big[0][1][1].item<int>();
    QVERIFY2(middle > 0 && middle < 200, qPrintable(QString::number(middle)));
    // Already the size: returned as is.
    QVERIFY(torch::equal(resize_and_center_crop(board, 2), board));
  }

  // read_resized_image_file, the loaders' path: a JPEG decoded at a reduced DCT scale comes
  // out like the full decode resized (a few levels apart, the same orientation); one with an
  // EXIF rotation, a PNG and a damaged file take OpenCV's path, pixel for pixel, or its error.
  void resizedReadsMatchDecodeThenResize() {
    const cv::Mat bgr = gradient_bgr(48, 80);
    std::vector<uint8_t> jpeg;
    QVERIFY(cv::imencode(".jpg", bgr, jpeg, {cv::IMWRITE_JPEG_QUALITY, 95}));
    auto read_resized = [](const fs::path& file, int64_t size) {
      torch::Tensor out = torch::empty({3, size, size}, torch::kByte);
      read_resized_image_file(file, size, out.data_ptr<uint8_t>());
      return out;
    };
    const fs::path plain = tmp_ / "plain.jpg";
    test::write_bytes(plain, std::string(jpeg.begin(), jpeg.end()));
    const torch::Tensor scaled = read_resized(plain, 32);  // 48 px decoded at 6/8 = 36, then 32
    const torch::Tensor whole = resize_and_center_crop(read_image_file(plain), 32);
    const torch::Tensor diff = (scaled.to(torch::kInt) - whole.to(torch::kInt)).abs();
    QVERIFY2(diff.to(torch::kDouble).mean().item<double>() < 2.0 && diff.max().item<int>() <= 12,
             qPrintable(QString("mean %1, max %2").arg(diff.to(torch::kDouble).mean().item<double>()).arg(diff.max().item<int>())));

    // EXIF orientation 6 (turn 90 degrees clockwise to view): an APP1 segment after the start.
    const std::vector<uint8_t> tiff = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0};
    std::vector<uint8_t> app1 = {'E', 'x', 'i', 'f', 0, 0};
    app1.insert(app1.end(), tiff.begin(), tiff.end());
    const size_t length = app1.size() + 2;
    std::vector<uint8_t> rotated(jpeg.begin(), jpeg.begin() + 2);
    rotated.insert(rotated.end(), {0xFF, 0xE1, uint8_t(length >> 8), uint8_t(length & 0xFF)});
    rotated.insert(rotated.end(), app1.begin(), app1.end());
    rotated.insert(rotated.end(), jpeg.begin() + 2, jpeg.end());
    const fs::path turned = tmp_ / "turned.jpg";
    test::write_bytes(turned, std::string(rotated.begin(), rotated.end()));
    const torch::Tensor upright = read_image_file(turned);
    QCOMPARE(upright.sizes().vec(), (std::vector<int64_t>{3, 80, 48}));  // OpenCV applied the rotation
    QVERIFY(torch::equal(read_resized(turned, 32), resize_and_center_crop(upright, 32)));

    const fs::path png = tmp_ / "pattern-resized.png";
    QVERIFY(cv::imwrite(png.string(), pattern_bgr(9, 13)));
    QVERIFY(torch::equal(read_resized(png, 6), resize_and_center_crop(read_image_file(png), 6)));

    // Cut inside the scan: whatever OpenCV makes of it (an error or a partial image), the same.
    const fs::path half = tmp_ / "half.jpg";
    test::write_bytes(half, std::string(jpeg.begin(), jpeg.begin() + long(jpeg.size() * 2 / 3)));
    bool opencv_failed = false;
    torch::Tensor expected;
    try {
      expected = resize_and_center_crop(read_image_file(half), 32);
    } catch (const DataError&) {
      opencv_failed = true;
    }
    try {
      const torch::Tensor got = read_resized(half, 32);
      QVERIFY(!opencv_failed);
      QVERIFY(torch::equal(got, expected));
    } catch (const DataError&) {
      QVERIFY(opencv_failed);
    }

    const fs::path cut = tmp_ / "cut.jpg";
    test::write_bytes(cut, std::string(jpeg.begin(), jpeg.begin() + 40));
    try {
      read_resized(cut, 16);
      QFAIL("no DataError for a truncated JPEG");
    } catch (const DataError& e) {
      QVERIFY2(QString(e.what()).contains("cut.jpg"), e.what());
    }
  }

  void resizeRejectsBadInput() {
    QVERIFY_THROWS_EXCEPTION(ConfigError, resize_and_center_crop(torch::zeros({3, 4, 4}, torch::kByte), 0));
    QVERIFY_THROWS_EXCEPTION(ConfigError, resize_and_center_crop(torch::zeros({3, 4, 4}, torch::kFloat), 2));
    QVERIFY_THROWS_EXCEPTION(ConfigError, resize_and_center_crop(torch::zeros({4, 4}, torch::kByte), 2));
  }
};

QTEST_GUILESS_MAIN(TestImageFile)
#include "test_image_file.moc"
