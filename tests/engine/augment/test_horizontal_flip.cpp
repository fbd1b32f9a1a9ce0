#include <QtTest>

#include "augment_test_util.h"
#include "engine/augment/horizontal_flip.h"

using namespace simclr;
using simclr::test::random_images;
using simclr::test::run_op;

class TestHorizontalFlip : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void probabilityZeroIsIdentity() {
    const auto images = random_images(16, 3, 8, 8);
    AugmentTrace trace;
    QVERIFY(torch::equal(run_op(HorizontalFlip(0.0), images, 1, &trace), images));
    QVERIFY(!trace.flipped.any().item<bool>());
  }

  void probabilityOneMirrorsAll() {
    const auto images = random_images(16, 3, 8, 8);
    QVERIFY(torch::equal(run_op(HorizontalFlip(1.0), images, 1), images.flip({3})));
  }

  void rateAndTraceAgree_data() {
    QTest::addColumn<double>("p");
    QTest::newRow("paper 0.3") << 0.3;
    QTest::newRow("simclr 0.5") << 0.5;
    QTest::newRow("0.9") << 0.9;
  }
  void rateAndTraceAgree() {
    QFETCH(double, p);
    const int64_t n = 4000;
    const auto images = random_images(n, 1, 2, 3);
    AugmentTrace trace;
    const auto out = run_op(HorizontalFlip(p), images, 17, &trace);
    SIMCLR_VERIFY_RATE(trace.flipped.sum().item<int64_t>(), n, p);
    // Each image is mirrored exactly when the trace says so.
    const auto mask = trace.flipped.reshape({n, 1, 1, 1});
    QVERIFY(torch::equal(out, torch::where(mask, images.flip({3}), images)));
  }

  void doesNotModifyInput() {
    const auto images = random_images(8, 3, 4, 4);
    const auto copy = images.clone();
    run_op(HorizontalFlip(0.5), images, 3);
    QVERIFY(torch::equal(images, copy));
  }
};

QTEST_GUILESS_MAIN(TestHorizontalFlip)
#include "test_horizontal_flip.moc"
