#include <QtTest>

#include <cmath>

#include "augment_test_util.h"
#include "engine/augment/random_resized_crop.h"

using namespace simclr;
using simclr::test::max_abs_diff;
using simclr::test::random_images;
using simclr::test::run_op;

namespace {

// Crop then bilinear resize (align_corners = false, no antialias), one pixel at a time in
// float64, as torchvision's crop + resize of a tensor does.
double reference_pixel(const torch::Tensor& image, int64_t channel, double bx, double by, double bw, double bh,
                       int64_t out_h, int64_t out_w, int64_t oy, int64_t ox) {
  auto axis = [](int64_t o, double length, int64_t out, int64_t& i0, int64_t& i1, double& lambda) {
    double s = (o + 0.5) * length / out - 0.5;
    if (s < 0) s = 0;
    i0 = static_cast<int64_t>(std::floor(s));
    i1 = std::min<int64_t>(i0 + 1, static_cast<int64_t>(length) - 1);
    if (i0 > static_cast<int64_t>(length) - 1) i0 = static_cast<int64_t>(length) - 1;
    lambda = s - std::floor(s);
  };
  int64_t y0, y1, x0, x1;
  double ly, lx;
  axis(oy, bh, out_h, y0, y1, ly);
  axis(ox, bw, out_w, x0, x1, lx);
  auto at = [&](int64_t y, int64_t x) {
    return image[channel][y + static_cast<int64_t>(by)][x + static_cast<int64_t>(bx)].item<double>();
  };
  return (1 - ly) * ((1 - lx) * at(y0, x0) + lx * at(y0, x1)) + ly * ((1 - lx) * at(y1, x0) + lx * at(y1, x1));
}

}  // namespace

class TestRandomResizedCrop : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void fullScaleUnitRatioIsIdentity() {
    const auto images = random_images(8, 3, 32, 32);
    RandomResizedCrop crop({0, 1.0, 1.0, 1.0, 1.0});
    AugmentTrace trace;
    const auto out = run_op(crop, images, 7, &trace);
    QCOMPARE(out.sizes(), images.sizes());
    QVERIFY(max_abs_diff(out, images) < 1e-5);
    QVERIFY(trace.cropped.all().item<bool>());
    QVERIFY(torch::equal(trace.crop_box, torch::tensor({0.f, 0.f, 32.f, 32.f}).repeat({8, 1})));
  }

  void boxesRespectScaleAndRatio_data() {
    QTest::addColumn<double>("scaleMin");
    QTest::addColumn<double>("scaleMax");
    QTest::addColumn<double>("ratioMin");
    QTest::addColumn<double>("ratioMax");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("width");
    QTest::newRow("simclr-cifar") << 0.2 << 1.0 << 0.75 << 4.0 / 3.0 << 32 << 32;
    QTest::newRow("paper") << 0.7 << 1.0 << 0.8 << 1.2 << 32 << 32;
    QTest::newRow("imagenet") << 0.08 << 1.0 << 0.75 << 4.0 / 3.0 << 96 << 96;
    QTest::newRow("non-square") << 0.3 << 0.6 << 0.5 << 2.0 << 24 << 40;
  }
  void boxesRespectScaleAndRatio() {
    QFETCH(double, scaleMin);
    QFETCH(double, scaleMax);
    QFETCH(double, ratioMin);
    QFETCH(double, ratioMax);
    QFETCH(int, height);
    QFETCH(int, width);
    RandomResizedCrop crop({16, scaleMin, scaleMax, ratioMin, ratioMax});
    auto gen = make_generator(99);
    const int64_t n = 2000;
    const auto boxes = crop.sample_boxes(n, {height, width}, gen);
    const auto x = boxes.select(1, 0), y = boxes.select(1, 1);
    const auto w = boxes.select(1, 2), h = boxes.select(1, 3);
    // Whole pixels inside the image.
    QVERIFY(torch::equal(boxes, boxes.round()));
    QVERIFY(x.ge(0).all().item<bool>() && y.ge(0).all().item<bool>());
    QVERIFY((x + w).le(width).all().item<bool>() && (y + h).le(height).all().item<bool>());
    QVERIFY(w.gt(0).all().item<bool>() && h.gt(0).all().item<bool>());
    // Area fraction and ratio inside their ranges up to the rounding of w and h.
    const double area = double(height) * width;
    const auto lo_area = (w - 0.5) * (h - 0.5) / area;
    const auto hi_area = (w + 0.5) * (h + 0.5) / area;
    QVERIFY(hi_area.ge(scaleMin).all().item<bool>());
    QVERIFY(lo_area.le(scaleMax).all().item<bool>());
    QVERIFY(((w + 0.5) / (h - 0.5)).ge(ratioMin).all().item<bool>());
    QVERIFY(((w - 0.5) / (h + 0.5)).le(ratioMax).all().item<bool>());
    // The fractions cover the range: both ends are approached.
    const auto fraction = w * h / area;
    QVERIFY(fraction.min().item<double>() < scaleMin + 0.15 * (scaleMax - scaleMin) + 0.02);
    QVERIFY(fraction.max().item<double>() > scaleMax - 0.15 * (scaleMax - scaleMin) - 0.02);
  }

  void areaFractionFromTraceInRange() {
    RandomResizedCrop crop({0, 0.2, 1.0, 0.75, 4.0 / 3.0});
    AugmentTrace trace;
    const auto out = run_op(crop, random_images(512, 3, 32, 32), 3, &trace);
    QCOMPARE(out.sizes(), (std::vector<int64_t>{512, 3, 32, 32}));
    const auto fraction = trace.crop_box.select(1, 2) * trace.crop_box.select(1, 3) / 1024.0;
    QVERIFY(fraction.ge(0.2 - 0.03).all().item<bool>());
    QVERIFY(fraction.le(1.0).all().item<bool>());
  }

  void fallbackIsCentreCrop() {
    // No box of ratio 2 and the whole area fits in a square: centre crop narrowed to ratio 2.
    RandomResizedCrop crop({0, 1.0, 1.0, 2.0, 2.0});
    auto gen = make_generator(5);
    const auto boxes = crop.sample_boxes(4, {32, 32}, gen);
    QVERIFY(torch::equal(boxes, torch::tensor({0.0, 8.0, 32.0, 16.0}, torch::kDouble).repeat({4, 1})));
  }

  // float32 on the CPU runs the per-image kernel, float64 the tensor form a GPU runs.
  void resizedCropMatchesReference_data() {
    QTest::addColumn<QVector<double>>("box");
    QTest::addColumn<int>("outH");
    QTest::addColumn<int>("outW");
    QTest::addColumn<bool>("tensorForm");
    for (const bool tensor_form : {false, true}) {
      const char* form = tensor_form ? ", tensor form" : ", kernel";
      QTest::newRow(qPrintable(QString("upscale") + form)) << QVector<double>{3, 5, 10, 7} << 16 << 12 << tensor_form;
      QTest::newRow(qPrintable(QString("downscale") + form)) << QVector<double>{0, 0, 20, 20} << 8 << 8 << tensor_form;
      QTest::newRow(qPrintable(QString("thin") + form)) << QVector<double>{17, 2, 3, 15} << 9 << 9 << tensor_form;
      QTest::newRow(qPrintable(QString("same size") + form))
          << QVector<double>{4, 4, 10, 10} << 10 << 10 << tensor_form;
    }
  }
  void resizedCropMatchesReference() {
    QFETCH(QVector<double>, box);
    QFETCH(int, outH);
    QFETCH(int, outW);
    QFETCH(bool, tensorForm);
    const auto images = random_images(2, 3, 20, 20, 11);
    const auto boxes = torch::tensor(std::vector<double>(box.begin(), box.end())).reshape({1, 4}).repeat({2, 1});
    const auto out = resized_crop(tensorForm ? images.to(torch::kDouble) : images, boxes, {outH, outW});
    QCOMPARE(out.sizes(), (std::vector<int64_t>{2, 3, outH, outW}));
    double worst = 0;
    for (int64_t b = 0; b < 2; ++b)
      for (int64_t c = 0; c < 3; ++c)
        for (int64_t oy = 0; oy < outH; ++oy)
          for (int64_t ox = 0; ox < outW; ++ox) {
            const double expected = reference_pixel(images[b], c, box[0], box[1], box[2], box[3], outH, outW, oy, ox);
            worst = std::max(worst, std::abs(out[b][c][oy][ox].item<double>() - expected));
          }
    QVERIFY2(worst < 1e-5, qPrintable(QString("max error %1").arg(worst)));
  }

  // Different boxes per image: the kernel picks each image's own taps.
  void kernelAndTensorFormAgreeOnABatch() {
    RandomResizedCrop crop({24, 0.08, 1.0, 0.75, 4.0 / 3.0});
    auto gen = make_generator(8);
    const auto images = random_images(37, 3, 32, 32, 12);
    const auto boxes = crop.sample_boxes(37, {32, 32}, gen);
    const auto kernel = resized_crop(images, boxes, {24, 24});
    const auto tensor_form = resized_crop(images.to(torch::kDouble), boxes, {24, 24});
    QVERIFY2(max_abs_diff(kernel, tensor_form) < 1e-5, qPrintable(QString::number(max_abs_diff(kernel, tensor_form))));
  }

  void outputSizeFollowsParams() {
    const auto images = random_images(3, 1, 28, 28);
    RandomResizedCrop native({0, 0.2, 1.0, 0.75, 4.0 / 3.0});
    RandomResizedCrop fixed({24, 0.2, 1.0, 0.75, 4.0 / 3.0});
    QCOMPARE(run_op(native, images, 1).sizes(), images.sizes());
    QCOMPARE(run_op(fixed, images, 1).sizes(), (std::vector<int64_t>{3, 1, 24, 24}));
    QVERIFY(native.output_size({28, 28}) == (ImageSize{28, 28}));
    QVERIFY(fixed.output_size({28, 28}) == (ImageSize{24, 24}));
  }

  void sameSeedSameBoxes() {
    RandomResizedCrop crop({0, 0.2, 1.0, 0.75, 4.0 / 3.0});
    auto a = make_generator(42), b = make_generator(42), c = make_generator(43);
    const auto boxes = crop.sample_boxes(64, {32, 32}, a);
    QVERIFY(torch::equal(boxes, crop.sample_boxes(64, {32, 32}, b)));
    QVERIFY(!torch::equal(boxes, crop.sample_boxes(64, {32, 32}, c)));
  }
};

QTEST_GUILESS_MAIN(TestRandomResizedCrop)
#include "test_random_resized_crop.moc"
