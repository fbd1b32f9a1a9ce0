#include <QtTest>

#include <array>
#include <cmath>

#include "augment_test_util.h"
#include "engine/augment/color_jitter.h"
#include "engine/augment/color_jitter_kernel.h"

using namespace simclr;
using simclr::test::max_abs_diff;
using simclr::test::random_images;
using simclr::test::run_op;

namespace {

// ---- float64 references, written independently of the engine's formulas ----

struct Hsv {
  double h, s, v;
};

Hsv to_hsv(double r, double g, double b) {
  const double v = std::max({r, g, b});
  const double c = v - std::min({r, g, b});
  const double s = v > 0 ? c / v : 0.0;
  double h = 0.0;
  if (c > 0) {
    if (v == r)
      h = (g - b) / c;
    else if (v == g)
      h = 2.0 + (b - r) / c;
    else
      h = 4.0 + (r - g) / c;
    h /= 6.0;
    h -= std::floor(h);
  }
  return {h, s, v};
}

std::array<double, 3> to_rgb(const Hsv& hsv) {
  const double h6 = hsv.h * 6.0;
  const int i = static_cast<int>(std::floor(h6)) % 6;
  const double f = h6 - std::floor(h6);
  const double p = hsv.v * (1 - hsv.s), q = hsv.v * (1 - hsv.s * f), t = hsv.v * (1 - hsv.s * (1 - f));
  switch (i) {
    case 0:
      return {hsv.v, t, p};
    case 1:
      return {q, hsv.v, p};
    case 2:
      return {p, hsv.v, t};
    case 3:
      return {p, q, hsv.v};
    case 4:
      return {t, p, hsv.v};
    default:
      return {hsv.v, p, q};
  }
}

// One image [C, H, W] in float64.
torch::Tensor ref_gray(const torch::Tensor& x) {
  if (x.size(0) == 1) return x.clone();
  return 0.299 * x[0] + 0.587 * x[1] + 0.114 * x[2];
}
torch::Tensor ref_brightness(const torch::Tensor& x, double f) {
  return (f * x).clamp(0, 1);
}
torch::Tensor ref_contrast(const torch::Tensor& x, double f) {
  return (f * x + (1 - f) * ref_gray(x).mean()).clamp(0, 1);
}
torch::Tensor ref_saturation(const torch::Tensor& x, double f) {
  if (x.size(0) == 1) return x.clone();
  return (f * x + (1 - f) * ref_gray(x)).clamp(0, 1);
}
torch::Tensor ref_hue(const torch::Tensor& x, double shift) {
  if (x.size(0) == 1) return x.clone();
  auto out = x.clone();
  auto in = x.accessor<double, 3>();
  auto o = out.accessor<double, 3>();
  for (int64_t y = 0; y < x.size(1); ++y)
    for (int64_t c = 0; c < x.size(2); ++c) {
      Hsv hsv = to_hsv(in[0][y][c], in[1][y][c], in[2][y][c]);
      hsv.h += shift;
      hsv.h -= std::floor(hsv.h);
      const auto rgb = to_rgb(hsv);
      for (int k = 0; k < 3; ++k) o[k][y][c] = rgb[k];
    }
  return out;
}

torch::Tensor ref_op(const torch::Tensor& x, int64_t op, const torch::Tensor& factors) {
  const double f = factors[op].item<double>();
  switch (op) {
    case 0:
      return ref_brightness(x, f);
    case 1:
      return ref_contrast(x, f);
    case 2:
      return ref_saturation(x, f);
    default:
      return ref_hue(x, f);
  }
}

ColorJitterParams only(const QString& op, double strength) {
  ColorJitterParams p;
  if (op == "brightness") p.brightness = strength;
  if (op == "contrast") p.contrast = strength;
  if (op == "saturation") p.saturation = strength;
  if (op == "hue") p.hue = strength;
  return p;
}

// Largest difference between `out` and the float64 reference replaying, per sample, the
// order and factors the trace recorded.
double replay_error(const torch::Tensor& images, const torch::Tensor& out, const AugmentTrace& trace) {
  double worst = 0;
  for (int64_t b = 0; b < images.size(0); ++b) {
    auto expected = images[b].to(torch::kDouble);
    const auto factors = trace.jitter_factors[b].to(torch::kDouble);
    for (int64_t k = 0; k < 4; ++k) expected = ref_op(expected, trace.jitter_order[b][k].item<int64_t>(), factors);
    worst = std::max(worst, max_abs_diff(out[b], expected));
  }
  return worst;
}
// Random colours plus the corner cases: greys, primaries, secondaries, ties.
torch::Tensor hue_test_colours() {
  auto colours = random_images(4000, 3, 1, 1, 77);
  const std::vector<std::array<float, 3>> special = {
      {0, 0, 0}, {1, 1, 1}, {0.5f, 0.5f, 0.5f}, {1, 0, 0},          {0, 1, 0},          {0, 0, 1},
      {1, 1, 0}, {0, 1, 1}, {1, 0, 1},          {0.7f, 0.7f, 0.2f}, {0.2f, 0.7f, 0.7f}, {0.7f, 0.2f, 0.7f}};
  for (size_t i = 0; i < special.size(); ++i)
    for (int c = 0; c < 3; ++c) colours[i][c][0][0] = special[i][c];
  return colours;
}

double hue_error(const torch::Tensor& colours, const torch::Tensor& shifts, const torch::Tensor& out) {
  double worst = 0;
  for (int64_t b = 0; b < colours.size(0); ++b) {
    const auto expected = ref_hue(colours[b].to(torch::kDouble), shifts[b].item<double>());
    worst = std::max(worst, max_abs_diff(out[b], expected));
  }
  return worst;
}
}  // namespace

class TestColorJitter : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void zeroStrengthIsIdentity() {
    const auto images = random_images(16, 3, 8, 8);
    AugmentTrace trace;
    const auto out = run_op(ColorJitter(ColorJitterParams{}), images, 1, &trace);
    QVERIFY(max_abs_diff(out, images) < 1e-6);
    QVERIFY(trace.jittered.all().item<bool>());
  }

  void singleOpMatchesReference_data() {
    QTest::addColumn<QString>("op");
    QTest::addColumn<double>("strength");
    QTest::addColumn<double>("factorMin");
    QTest::addColumn<double>("factorMax");
    QTest::newRow("brightness 0.4") << "brightness" << 0.4 << 0.6 << 1.4;
    QTest::newRow("brightness 1.5 (floor at 0)") << "brightness" << 1.5 << 0.0 << 2.5;
    QTest::newRow("contrast 0.4") << "contrast" << 0.4 << 0.6 << 1.4;
    QTest::newRow("saturation 0.8") << "saturation" << 0.8 << 0.2 << 1.8;
    QTest::newRow("hue 0.1") << "hue" << 0.1 << -0.1 << 0.1;
    QTest::newRow("hue 0.5") << "hue" << 0.5 << -0.5 << 0.5;
  }
  void singleOpMatchesReference() {
    QFETCH(QString, op);
    QFETCH(double, strength);
    QFETCH(double, factorMin);
    QFETCH(double, factorMax);
    const int64_t op_index = QStringList{"brightness", "contrast", "saturation", "hue"}.indexOf(op);
    const auto images = random_images(64, 3, 6, 6, 5);
    AugmentTrace trace;
    const auto out = run_op(ColorJitter(only(op, strength)), images, 9, &trace);
    const auto factors = trace.jitter_factors.select(1, op_index);
    QVERIFY(factors.ge(factorMin).all().item<bool>() && factors.le(factorMax).all().item<bool>());
    QVERIFY(factors.max().item<double>() - factors.min().item<double>() > 0.5 * (factorMax - factorMin));
    double worst = 0;
    for (int64_t b = 0; b < images.size(0); ++b) {
      const auto expected = ref_op(images[b].to(torch::kDouble), op_index, trace.jitter_factors[b].to(torch::kDouble));
      worst = std::max(worst, max_abs_diff(out[b], expected));
    }
    QVERIFY2(worst < 1e-5, qPrintable(QString("max error %1").arg(worst)));
  }

  void hueShiftMatchesReferenceOnRandomColours() {
    const auto colours = hue_test_colours();
    auto gen = make_generator(4);
    const auto shifts = torch::rand({colours.size(0)}, gen).sub_(0.5);
    const auto out = adjust_hue(colours, shifts);
    QVERIFY2(hue_error(colours, shifts, out) < 1e-5,
             qPrintable(QString("max error %1").arg(hue_error(colours, shifts, out))));
    // A full turn and no turn leave colours alone.
    QVERIFY(max_abs_diff(adjust_hue(colours, torch::zeros({colours.size(0)})), colours) < 1e-5);
  }

  // The CPU kernel ColorJitter runs on float CPU batches, on the same corner cases.
  void cpuKernelHueMatchesReferenceOnRandomColours() {
    auto colours = hue_test_colours();
    QVERIFY(color_jitter_kernel_applies(colours));
    auto gen = make_generator(5);
    const auto shifts = torch::rand({colours.size(0)}, gen, torch::kDouble).sub_(0.5);
    auto factors = torch::ones({colours.size(0), 4}, torch::kDouble);
    factors.select(1, 3).copy_(shifts);
    const auto order = torch::tensor({3, 0, 1, 2}, torch::kLong).repeat({colours.size(0), 1});
    auto out = colours.clone();
    color_jitter_cpu(out, factors, order);
    QVERIFY2(hue_error(colours, shifts, out) < 1e-5,
             qPrintable(QString("max error %1").arg(hue_error(colours, shifts, out))));
  }

  // Kernel and tensor form agree on every op in a random order per image.
  void cpuKernelMatchesTheTensorForm() {
    const auto images = random_images(40, 3, 7, 5, 8);
    auto gen = make_generator(6);
    auto factors = torch::rand({40, 4}, gen, torch::kDouble).mul_(1.2).add_(0.4);
    factors.select(1, 3).sub_(1.0).mul_(0.4);  // hue shifts in [-0.24, 0.24)
    const auto order = torch::rand({40, 4}, gen, torch::kDouble).argsort(/*dim=*/1, /*descending=*/false);
    auto out = images.clone();
    color_jitter_cpu(out, factors, order);
    double worst = 0;
    for (int64_t b = 0; b < 40; ++b) {
      auto expected = images.narrow(0, b, 1);
      for (int64_t k = 0; k < 4; ++k) {
        const int64_t op = order[b][k].item<int64_t>();
        const auto f = factors.narrow(0, b, 1).select(1, op);
        expected = op == 0   ? adjust_brightness(expected, f)
                   : op == 1 ? adjust_contrast(expected, f)
                   : op == 2 ? adjust_saturation(expected, f)
                             : adjust_hue(expected, f);
      }
      worst = std::max(worst, max_abs_diff(out.narrow(0, b, 1), expected));
    }
    QVERIFY2(worst < 1e-5, qPrintable(QString("max error %1").arg(worst)));
    QVERIFY(!color_jitter_kernel_applies(images.to(torch::kDouble)));
    QVERIFY(!color_jitter_kernel_applies(images.transpose(2, 3)));
  }

  void fullJitterFollowsTraceOrder() {
    const auto images = random_images(96, 3, 5, 5, 6);
    AugmentTrace trace;
    const auto out = run_op(ColorJitter({0.4, 0.4, 0.4, 0.1, 1.0}), images, 13, &trace);
    const double worst = replay_error(images, out, trace);
    QVERIFY2(worst < 1e-4, qPrintable(QString("max error %1").arg(worst)));
  }

  void orderIsAUniformPermutation() {
    const int64_t n = 4000;
    AugmentTrace trace;
    run_op(ColorJitter({0.4, 0.4, 0.4, 0.1, 1.0}), random_images(n, 3, 1, 1), 23, &trace);
    const auto order = trace.jitter_order;
    // Every row is a permutation of 0..3.
    QVERIFY(torch::equal(std::get<0>(order.sort(1)), torch::arange(4, torch::kLong).repeat({n, 1})));
    for (int64_t position = 0; position < 4; ++position)
      for (int64_t op = 0; op < 4; ++op)
        SIMCLR_VERIFY_RATE(order.select(1, position).eq(op).sum().item<int64_t>(), n, 0.25);
  }

  void applyRate_data() {
    QTest::addColumn<double>("p");
    QTest::newRow("simclr 0.8") << 0.8;
    QTest::newRow("0.3") << 0.3;
  }
  void applyRate() {
    QFETCH(double, p);
    const int64_t n = 4000;
    const auto images = random_images(n, 3, 2, 2);
    AugmentTrace trace;
    const auto out = run_op(ColorJitter({0.4, 0.4, 0.4, 0.1, p}), images, 31, &trace);
    SIMCLR_VERIFY_RATE(trace.jittered.sum().item<int64_t>(), n, p);
    const auto untouched = trace.jittered.logical_not();
    QVERIFY(torch::equal(out.index({untouched}), images.index({untouched})));
    QVERIFY(trace.jitter_order.index({untouched}).eq(-1).all().item<bool>());
  }

  void oneChannelSkipsSaturationAndHue() {
    const auto images = random_images(16, 1, 6, 6);
    QVERIFY(torch::equal(run_op(ColorJitter({0.0, 0.0, 0.8, 0.5, 1.0}), images, 2), images));
    AugmentTrace trace;
    const auto out = run_op(ColorJitter({0.4, 0.4, 0.8, 0.5, 1.0}), images, 2, &trace);
    const double worst = replay_error(images, out, trace);
    QVERIFY2(worst < 1e-5, qPrintable(QString("max error %1").arg(worst)));
  }

  void functionalOpsMatchReference() {
    const auto images = random_images(8, 3, 4, 4, 3);
    const auto f = torch::linspace(0.3, 1.7, 8);
    const auto b = adjust_brightness(images, f), c = adjust_contrast(images, f), s = adjust_saturation(images, f);
    for (int64_t i = 0; i < 8; ++i) {
      const auto x = images[i].to(torch::kDouble);
      const double fi = f[i].item<double>();
      QVERIFY(max_abs_diff(b[i], ref_brightness(x, fi)) < 1e-5);
      QVERIFY(max_abs_diff(c[i], ref_contrast(x, fi)) < 1e-5);
      QVERIFY(max_abs_diff(s[i], ref_saturation(x, fi)) < 1e-5);
    }
  }
};

QTEST_GUILESS_MAIN(TestColorJitter)
#include "test_color_jitter.moc"
