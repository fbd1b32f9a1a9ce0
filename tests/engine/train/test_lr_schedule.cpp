#include <QtTest>

#include <cmath>

#include "engine/core/error.h"
#include "engine/train/lr_schedule.h"

using namespace simclr;

class TestLrSchedule : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void scalingRules_data() {
    QTest::addColumn<QString>("rule");
    QTest::addColumn<int>("batch");
    QTest::addColumn<double>("expected");
    QTest::newRow("none") << "none" << 1024 << 0.3;
    QTest::newRow("linear x4") << "linear" << 1024 << 1.2;
    QTest::newRow("linear /2") << "linear" << 128 << 0.15;
    QTest::newRow("sqrt x4") << "sqrt" << 1024 << 0.6;
  }
  void scalingRules() {
    QFETCH(QString, rule);
    QFETCH(int, batch);
    QFETCH(double, expected);
    QVERIFY(std::abs(scaled_learning_rate(0.3, batch, rule.toStdString()) - expected) < 1e-12);
  }

  void warmupIsLinearThenCosineReachesZero() {
    const LrSchedule s(1.0, 10, 110, "cosine");
    QVERIFY(std::abs(s.at(0) - 0.1) < 1e-12);
    QVERIFY(std::abs(s.at(4) - 0.5) < 1e-12);
    QVERIFY(std::abs(s.at(10) - 1.0) < 1e-12);  // peak right after warm-up
    QVERIFY(std::abs(s.at(60) - 0.5) < 1e-12);  // half-way through the decay: cos(pi/2)
    QVERIFY(std::abs(s.at(110)) < 1e-12);       // end of the decay
    for (int64_t i = 11; i < 110; ++i) QVERIFY(s.at(i) <= s.at(i - 1));
  }

  void constantScheduleHoldsThePeak() {
    const LrSchedule s(0.5, 0, 100, "constant");
    QCOMPARE(s.at(0), 0.5);
    QCOMPARE(s.at(99), 0.5);
  }

  void unknownNamesAreConfigErrors() {
    QVERIFY_THROWS_EXCEPTION(ConfigError, LrSchedule(1.0, 0, 10, "step"));
    QVERIFY_THROWS_EXCEPTION(ConfigError, scaled_learning_rate(1.0, 256, "cubic"));
  }
};

QTEST_GUILESS_MAIN(TestLrSchedule)
#include "test_lr_schedule.moc"
