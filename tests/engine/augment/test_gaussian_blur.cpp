#include <QtTest>

#include <cmath>

#include "augment_test_util.h"
#include "engine/augment/gaussian_blur.h"

using namespace simclr;
using simclr::test::max_abs_diff;
using simclr::test::random_images;
using simclr::test::run_op;

namespace {

// 2-D Gaussian blur of one image [C, H, W] in float64 with reflect padding, tap by tap.
torch::Tensor reference_blur(const torch::Tensor& image, double sigma, int64_t kernel_size) {
  const int64_t r = kernel_size / 2;
  std::vector<double> w(kernel_size);
  double sum = 0;
  for (int64_t t = 0; t < kernel_size; ++t) sum += w[t] = std::exp(-0.5 * std::pow((t - r) / sigma, 2));
  for (auto& v : w) v /= sum;
  auto reflect = [](int64_t i, int64_t n) { return i < 0 ? -i : (i >= n ? 2 * (n - 1) - i : i); };
  const int64_t C = image.size(0), H = image.size(1), W = image.size(2);
  auto in = image.to(torch::kDouble).contiguous();
  auto a = in.accessor<double, 3>();
  auto out = torch::zeros_like(in);
  auto o = out.accessor<double, 3>();
  for (int64_t c = 0; c < C; ++c)
    for (int64_t y = 0; y < H; ++y)
      for (int64_t x = 0; x < W; ++x) {
        double v = 0;
        for (int64_t i = 0; i < kernel_size; ++i)
          for (int64_t j = 0; j < kernel_size; ++j)
            v += w[i] * w[j] * a[c][reflect(y + i - r, H)][reflect(x + j - r, W)];
        o[c][y][x] = v;
      }
  return out;
}

}  // namespace

class TestGaussianBlur : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void matchesReference_data() {
    QTest::addColumn<int>("kernelSize");
    QTest::addColumn<double>("sigma");
    QTest::newRow("k3 sigma 0.5") << 3 << 0.5;
    QTest::newRow("k5 sigma 1.5") << 5 << 1.5;
    QTest::newRow("k9 sigma 2.0") << 9 << 2.0;
  }
  void matchesReference() {
    QFETCH(int, kernelSize);
    QFETCH(double, sigma);
    const auto images = random_images(2, 3, 12, 10);
    const auto sigmas = torch::tensor({sigma, sigma * 0.5});
    const auto out = gaussian_blur(images, sigmas, kernelSize);
    for (int64_t b = 0; b < 2; ++b) {
      const auto expected = reference_blur(images[b], sigmas[b].item<double>(), kernelSize);
      QVERIFY(max_abs_diff(out[b], expected) < 1e-5);
    }
  }

  void constantImageUnchanged() {
    const auto images = torch::full({3, 3, 9, 9}, 0.3f);
    QVERIFY(max_abs_diff(gaussian_blur(images, torch::tensor({0.5, 1.0, 2.0}), 7), images) < 1e-6);
  }

  void tinySigmaIsIdentity() {
    const auto images = random_images(4, 3, 8, 8);
    QVERIFY(max_abs_diff(gaussian_blur(images, torch::full({4}, 0.05), 3), images) < 1e-5);
  }

  void kernelLargerThanImageIsClipped() {
    const auto images = random_images(2, 1, 3, 3);
    const auto out = gaussian_blur(images, torch::tensor({1.0, 2.0}), 9);
    QCOMPARE(out.sizes(), images.sizes());
    for (int64_t b = 0; b < 2; ++b) QVERIFY(max_abs_diff(out[b], reference_blur(images[b], b ? 2.0 : 1.0, 5)) < 1e-5);
  }

  void autoKernelSize_data() {
    QTest::addColumn<int>("side");
    QTest::addColumn<int>("kernel");
    QTest::newRow("cifar 32") << 32 << 3;
    QTest::newRow("stl 96") << 96 << 9;
    QTest::newRow("paper 224") << 224 << 23;
  }
  void autoKernelSize() {
    QFETCH(int, side);
    QFETCH(int, kernel);
    QCOMPARE(GaussianBlur(GaussianBlurParams{}).kernel_size_for({side, side}), int64_t(kernel));
  }

  void rateAndSigmaRange() {
    const int64_t n = 2000;
    const auto images = random_images(n, 3, 6, 6);
    AugmentTrace trace;
    const auto out = run_op(GaussianBlur({3, 0.1, 2.0, 0.5}), images, 5, &trace);
    SIMCLR_VERIFY_RATE(trace.blurred.sum().item<int64_t>(), n, 0.5);
    const auto sigma = trace.blur_sigma.masked_select(trace.blurred);
    QVERIFY(sigma.ge(0.1).all().item<bool>() && sigma.le(2.0).all().item<bool>());
    QVERIFY(trace.blur_sigma.masked_select(trace.blurred.logical_not()).eq(0).all().item<bool>());
    const auto untouched = trace.blurred.logical_not();
    QVERIFY(torch::equal(out.index({untouched}), images.index({untouched})));
    // Spot-check blurred images against the reference with their traced sigma.
    const auto rows = trace.blurred.nonzero().reshape({-1});
    for (int64_t i = 0; i < 5; ++i) {
      const int64_t b = rows[i].item<int64_t>();
      QVERIFY(max_abs_diff(out[b], reference_blur(images[b], trace.blur_sigma[b].item<double>(), 3)) < 1e-5);
    }
  }
};

QTEST_GUILESS_MAIN(TestGaussianBlur)
#include "test_gaussian_blur.moc"
