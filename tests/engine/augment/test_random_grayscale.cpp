#include <QtTest>

#include "augment_test_util.h"
#include "engine/augment/random_grayscale.h"

using namespace simclr;
using simclr::test::max_abs_diff;
using simclr::test::random_images;
using simclr::test::run_op;

class TestRandomGrayscale : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void lumaInEveryChannel() {
    const auto images = random_images(8, 3, 5, 7);
    const auto out = run_op(RandomGrayscale(1.0), images, 1);
    const auto d = images.to(torch::kDouble);
    const auto luma = 0.299 * d.select(1, 0) + 0.587 * d.select(1, 1) + 0.114 * d.select(1, 2);
    for (int c = 0; c < 3; ++c) QVERIFY(max_abs_diff(out.select(1, c), luma) < 1e-6);
    QVERIFY(torch::equal(out.select(1, 0), out.select(1, 1)));
    QVERIFY(torch::equal(out.select(1, 0), out.select(1, 2)));
  }

  void rateAndTraceAgree_data() {
    QTest::addColumn<double>("p");
    QTest::newRow("simclr 0.1") << 0.1;
    QTest::newRow("imagenet 0.2") << 0.2;
  }
  void rateAndTraceAgree() {
    QFETCH(double, p);
    const int64_t n = 4000;
    const auto images = random_images(n, 3, 2, 2);
    AugmentTrace trace;
    const auto out = run_op(RandomGrayscale(p), images, 21, &trace);
    SIMCLR_VERIFY_RATE(trace.grayscaled.sum().item<int64_t>(), n, p);
    const auto equal_channels = out.select(1, 0).eq(out.select(1, 1)).flatten(1).all(1) &
                                out.select(1, 0).eq(out.select(1, 2)).flatten(1).all(1);
    QVERIFY(equal_channels.masked_select(trace.grayscaled).all().item<bool>());
    const auto untouched = trace.grayscaled.logical_not();
    QVERIFY(torch::equal(out.index({untouched}), images.index({untouched})));
  }

  void oneChannelIsUnchanged() {
    const auto images = random_images(4, 1, 6, 6);
    QVERIFY(torch::equal(run_op(RandomGrayscale(1.0), images, 1), images));
  }
};

QTEST_GUILESS_MAIN(TestRandomGrayscale)
#include "test_random_grayscale.moc"
