#include <QtTest>

#include <cmath>
#include <limits>

#include "widgets/ema_smoothing.h"

using simclr::widgets::EmaSmoother;
using simclr::widgets::smoothEma;

// Closed form of the debiased EMA: s_n = sum_k (1-w) w^(n-k) x_k / (1 - w^(n+1)).
static double analyticEma(const QVector<double>& x, int n, double w) {
  double num = 0.0;
  for (int k = 0; k <= n; ++k) num += (1.0 - w) * std::pow(w, n - k) * x[k];
  return num / (1.0 - std::pow(w, n + 1));
}

class TestEmaSmoothing : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void matchesClosedForm_data() {
    QTest::addColumn<double>("weight");
    QTest::newRow("0.3") << 0.3;
    QTest::newRow("0.6") << 0.6;
    QTest::newRow("0.9") << 0.9;
    QTest::newRow("0.99") << 0.99;
  }
  void matchesClosedForm() {
    QFETCH(double, weight);
    QVector<double> x;
    for (int i = 0; i < 50; ++i) x << 2.0 + std::sin(i * 0.7) + 0.1 * i;
    const QVector<double> s = smoothEma(x, weight);
    QCOMPARE(s.size(), x.size());
    for (int n = 0; n < x.size(); ++n) QVERIFY(std::abs(s[n] - analyticEma(x, n, weight)) < 1e-12);
  }

  void firstValueIsUnbiased() {
    // Debiasing means a constant series stays constant from the first point on.
    const QVector<double> s = smoothEma({5.0, 5.0, 5.0}, 0.9);
    for (double v : s) QVERIFY(std::abs(v - 5.0) < 1e-12);
  }

  void zeroWeightIsIdentity() {
    const QVector<double> x{1.0, -3.0, 7.5};
    QCOMPARE(smoothEma(x, 0.0), x);
  }

  void weightIsClamped() {
    QCOMPARE(EmaSmoother(1.5).weight(), 0.999);
    QCOMPARE(EmaSmoother(-1.0).weight(), 0.0);
  }

  void nonFiniteValuesPassThrough() {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const QVector<double> s = smoothEma({1.0, nan, 3.0}, 0.5);
    QVERIFY(std::isnan(s[1]));
    QVERIFY(std::abs(s[2] - analyticEma({1.0, 3.0}, 1, 0.5)) < 1e-12);
  }
};

QTEST_GUILESS_MAIN(TestEmaSmoothing)
#include "test_ema_smoothing.moc"
