#include <QtTest>

#include "augment_test_util.h"
#include "engine/augment/solarize.h"

using namespace simclr;
using simclr::test::random_images;
using simclr::test::run_op;

class TestSolarize : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void invertsAtOrAboveThreshold_data() {
    QTest::addColumn<double>("threshold");
    QTest::newRow("0.5") << 0.5;
    QTest::newRow("0.2") << 0.2;
    QTest::newRow("1.0") << 1.0;
  }
  void invertsAtOrAboveThreshold() {
    QFETCH(double, threshold);
    auto images = random_images(6, 3, 8, 8);
    images[0][0][0][0] = static_cast<float>(threshold);  // the threshold itself is inverted
    const auto out = run_op(Solarize(threshold, 1.0), images, 1);
    QVERIFY(torch::equal(out, torch::where(images >= threshold, 1.0 - images, images)));
  }

  void probabilityZeroIsIdentity() {
    const auto images = random_images(6, 3, 8, 8);
    QVERIFY(torch::equal(run_op(Solarize(0.5, 0.0), images, 1), images));
  }

  void rateAndTraceAgree() {
    const int64_t n = 4000;
    const double p = 0.2;
    const auto images = random_images(n, 1, 2, 2);
    AugmentTrace trace;
    const auto out = run_op(Solarize(0.5, p), images, 8, &trace);
    SIMCLR_VERIFY_RATE(trace.solarized.sum().item<int64_t>(), n, p);
    const auto mask = trace.solarized.reshape({n, 1, 1, 1}) & (images >= 0.5);
    QVERIFY(torch::equal(out, torch::where(mask, 1.0 - images, images)));
  }
};

QTEST_GUILESS_MAIN(TestSolarize)
#include "test_solarize.moc"
