#include <QtTest>

#include "augment_test_util.h"
#include "engine/augment/resize.h"

using namespace simclr;
using simclr::test::max_abs_diff;
using simclr::test::random_images;
using simclr::test::run_op;

class TestResize : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void sameSizeIsIdentity() {
    const auto images = random_images(4, 3, 32, 32);
    QVERIFY(resize_images(images, {32, 32}).is_same(images));
    const auto out = run_op(Resize(32), images, 1);
    QVERIFY(torch::equal(out, images));
  }

  void outputSize_data() {
    QTest::addColumn<int>("input");
    QTest::addColumn<int>("size");
    QTest::newRow("paper 32 -> 224") << 32 << 224;
    QTest::newRow("mnist 28 -> 32") << 28 << 32;
    QTest::newRow("stl 96 -> 64") << 96 << 64;
  }
  void outputSize() {
    QFETCH(int, input);
    QFETCH(int, size);
    const auto out = run_op(Resize(size), random_images(2, 3, input, input), 1);
    QCOMPARE(out.sizes(), (std::vector<int64_t>{2, 3, size, size}));
    QVERIFY(out.min().item<double>() >= -1e-6 && out.max().item<double>() <= 1.0 + 1e-6);
    QVERIFY(Resize(size).output_size({input, input}) == (ImageSize{size, size}));
  }

  void constantStaysConstant() {
    const auto images = torch::full({2, 3, 8, 8}, 0.25f);
    QVERIFY(max_abs_diff(resize_images(images, {20, 20}), torch::full({2, 3, 20, 20}, 0.25)) < 1e-6);
    QVERIFY(max_abs_diff(resize_images(images, {3, 3}), torch::full({2, 3, 3, 3}, 0.25)) < 1e-6);
  }

  void upscaleMatchesBilinearReference() {
    // 2x upscale of one row, align_corners = false: source x = (o + 0.5) / 2 - 0.5, clamped.
    const auto images = torch::tensor({0.0f, 1.0f, 0.5f, 0.0f}).reshape({1, 1, 1, 4});
    const auto out = resize_images(images, {1, 8});
    const std::vector<double> expected = {0.0, 0.25, 0.75, 0.875, 0.625, 0.375, 0.125, 0.0};
    for (int i = 0; i < 8; ++i) QVERIFY(std::abs(out[0][0][0][i].item<double>() - expected[i]) < 1e-6);
  }
};

QTEST_GUILESS_MAIN(TestResize)
#include "test_resize.moc"
