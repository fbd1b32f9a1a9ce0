#include <QtTest>

#include <cmath>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/eval/layout_alignment.h"

using namespace simclr;

namespace {

torch::Tensor gaussian(std::vector<int64_t> shape, uint64_t seed) {
  auto generator = make_generator(seed);
  return at::randn(shape, generator, torch::TensorOptions().dtype(torch::kFloat));
}

torch::Tensor rotation(double radians, bool reflect) {
  const double c = std::cos(radians), s = std::sin(radians);
  auto r = torch::tensor({c, -s, s, c}, torch::kFloat).view({2, 2});
  if (reflect) r = r.mm(torch::tensor({1.0f, 0.0f, 0.0f, -1.0f}).view({2, 2}));
  return r;
}

}  // namespace

class TestLayoutAlignment : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void standardisedLayoutsHaveZeroMeanAndUnitVariance() {
    const auto layout = gaussian({500, 2}, 1) * torch::tensor({30.0f, 5.0f}) + torch::tensor({100.0f, -7.0f});
    const auto s = standardize_layout(layout);
    QVERIFY(s.mean(0).abs().max().item<float>() < 1e-4f);
    QVERIFY(std::abs(s.pow(2).sum(1).mean().item<double>() / 2.0 - 1.0) < 1e-5);
    // The shape is kept: only a shift and one common scale.
    const auto ratio = (s.select(1, 0).std() / s.select(1, 1).std()).item<double>();
    const auto original = (layout.select(1, 0).std() / layout.select(1, 1).std()).item<double>();
    QVERIFY(std::abs(ratio - original) < 1e-3 * original);
  }

  void collapsedLayoutIsOnlyCentred() {
    const auto s = standardize_layout(torch::full({4, 2}, 3.0f));
    QVERIFY(s.abs().max().item<float>() == 0.0f);
  }

  void recoversRotationsAndReflections_data() {
    QTest::addColumn<double>("radians");
    QTest::addColumn<bool>("reflect");
    QTest::newRow("quarter turn") << M_PI / 2 << false;
    QTest::newRow("small turn") << 0.1 << false;
    QTest::newRow("half turn") << M_PI << false;
    QTest::newRow("mirror") << 0.0 << true;
    QTest::newRow("turn and mirror") << 2.0 << true;
  }
  void recoversRotationsAndReflections() {
    QFETCH(double, radians);
    QFETCH(bool, reflect);
    const auto reference = standardize_layout(gaussian({300, 2}, 2));
    const auto turned = reference.mm(rotation(radians, reflect));
    QVERIFY(mean_displacement(turned, reference) > 0.1 || radians == 0.0);
    const auto aligned = procrustes_align(turned, reference);
    QVERIFY2(mean_displacement(aligned, reference) < 1e-5,
             qPrintable(QString::number(mean_displacement(aligned, reference))));
  }

  void alignmentOfNoisyCopyBeatsEveryOtherRotation() {
    const auto reference = standardize_layout(gaussian({400, 2}, 3));
    const auto noisy = (reference + 0.2 * gaussian({400, 2}, 4)).mm(rotation(1.3, false));
    const double best = mean_displacement(procrustes_align(noisy, reference), reference);
    for (int i = 0; i < 36; ++i)
      for (bool reflect : {false, true})
        QVERIFY(best <= mean_displacement(noisy.mm(rotation(i * M_PI / 18, reflect)), reference) + 1e-6);
  }

  void meanDisplacementIsTheMeanDistance() {
    const auto a = torch::tensor({0.0f, 0.0f, 1.0f, 1.0f}).view({2, 2});
    const auto b = torch::tensor({3.0f, 4.0f, 1.0f, 1.0f}).view({2, 2});
    QVERIFY(std::abs(mean_displacement(a, b) - 2.5) < 1e-9);
  }

  void mismatchedShapesAreRefused() {
    QVERIFY_THROWS_EXCEPTION(ConfigError, procrustes_align(torch::zeros({3, 2}), torch::zeros({4, 2})));
    QVERIFY_THROWS_EXCEPTION(ConfigError, standardize_layout(torch::zeros({3})));
    QVERIFY_THROWS_EXCEPTION(ConfigError, mean_displacement(torch::zeros({3, 2}), torch::zeros({3, 3})));
  }
};

QTEST_GUILESS_MAIN(TestLayoutAlignment)
#include "test_layout_alignment.moc"
