#include <QtTest>

#include "augment_test_util.h"
#include "engine/augment/normalize.h"
#include "engine/core/error.h"

using namespace simclr;
using simclr::test::max_abs_diff;
using simclr::test::random_images;

class TestNormalize : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void matchesFormula_data() {
    QTest::addColumn<int>("channels");
    QTest::addColumn<QVector<double>>("mean");
    QTest::addColumn<QVector<double>>("std");
    QTest::newRow("cifar10") << 3 << QVector<double>{0.4914, 0.4822, 0.4465} << QVector<double>{0.2470, 0.2435, 0.2616};
    QTest::newRow("one value for all") << 3 << QVector<double>{0.5} << QVector<double>{0.25};
    QTest::newRow("fashion-mnist") << 1 << QVector<double>{0.2860} << QVector<double>{0.3530};
  }
  void matchesFormula() {
    QFETCH(int, channels);
    QFETCH(QVector<double>, mean);
    QFETCH(QVector<double>, std);
    const auto images = random_images(4, channels, 5, 6);
    const auto out = normalize(images, {mean.begin(), mean.end()}, {std.begin(), std.end()});
    QCOMPARE(out.scalar_type(), torch::kFloat);
    auto expected = images.to(torch::kDouble).clone();
    for (int c = 0; c < channels; ++c) {
      const double m = mean.size() == 1 ? mean[0] : mean[c];
      const double s = std.size() == 1 ? std[0] : std[c];
      expected.select(1, c).sub_(m).div_(s);
    }
    QVERIFY(max_abs_diff(out, expected) < 1e-5);
  }

  void rejectsBadSettings() {
    const auto images = random_images(1, 3, 4, 4);
    QVERIFY_THROWS_EXCEPTION(ConfigError, normalize(images, {0.5, 0.5}, {0.2, 0.2}));
    QVERIFY_THROWS_EXCEPTION(ConfigError, normalize(images, {0.5}, {0.0}));
  }
};

QTEST_GUILESS_MAIN(TestNormalize)
#include "test_normalize.moc"
