// Metrics records: what the trainer writes to metrics.jsonl reads back unchanged.
#include <QtTest>

#include <cmath>

#include <nlohmann/json.hpp>

#include "engine/train/metrics_csv.h"
#include "engine/core/error.h"
#include "engine/train/train_metrics.h"

using namespace simclr;

class TestTrainMetrics : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void csvTables() {
    const std::vector<nlohmann::json> records{
        to_json(StepMetrics{1, 0.5, 5.25, 1e-3, 100, 1, 2, 0.25}), to_json(MonitorMetrics{1, 0.5, 200, 0.4575}),
        nlohmann::json{{"type", "step"}, {"step", 2}, {"loss", 4.5}},  // fields missing: defaults
        nlohmann::json{{"type", "other"}}};
    const QStringList steps = QString::fromStdString(metrics_csv(records, "step")).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(steps.size(), 3);  // header + two steps
    const QStringList header = steps[0].split(',');
    QVERIFY(!header.contains(QStringLiteral("type")));
    const int loss = header.indexOf(QStringLiteral("loss")), step = header.indexOf(QStringLiteral("step"));
    QVERIFY(loss >= 0 && step >= 0);
    QCOMPARE(steps[1].split(',').size(), header.size());
    QCOMPARE(steps[1].split(',')[loss], QStringLiteral("5.25"));
    QCOMPARE(steps[2].split(',')[step], QStringLiteral("2"));
    QCOMPARE(steps[2].split(',')[loss], QStringLiteral("4.5"));
    const QStringList monitor = QString::fromStdString(metrics_csv(records, "monitor")).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(monitor.size(), 2);
    QCOMPARE(monitor[1].split(',')[monitor[0].split(',').indexOf(QStringLiteral("knn_top1"))],
             QStringLiteral("0.4575"));
    QCOMPARE(QString::fromStdString(metrics_csv({}, "monitor")).count('\n'), 1);  // header only
    QVERIFY_THROWS_EXCEPTION(ConfigError, metrics_csv(records, "steps"));
  }

  void stepRoundTrip() {
    StepMetrics m{42, 1.5, 5.25, 3e-4, 512.5, 10.5, 990.25, 0.375};
    const nlohmann::json j = to_json(m);
    QCOMPARE(j["type"].get<std::string>(), std::string("step"));
    QCOMPARE(j["lr"].get<double>(), 3e-4);
    const StepMetrics back = step_metrics_from_json(nlohmann::json::parse(j.dump()));
    QCOMPARE(back.step, m.step);
    QCOMPARE(back.epoch, m.epoch);
    QCOMPARE(back.loss, m.loss);
    QCOMPARE(back.learning_rate, m.learning_rate);
    QCOMPARE(back.views_per_s, m.views_per_s);
    QCOMPARE(back.positive_top1, m.positive_top1);
  }

  void monitorRoundTrip() {
    MonitorMetrics m;
    m.step = 390;
    m.epoch = 1;
    m.knn_k = 200;
    m.knn_top1 = 0.4575;
    m.uniformity = -3.25;
    m.h_effective_rank = 31.5;
    m.pair_top1 = 0.625;
    m.pair_loss = 5.5;
    m.pair_count = 512;
    const MonitorMetrics back = monitor_metrics_from_json(nlohmann::json::parse(to_json(m).dump()));
    QCOMPARE(back.step, m.step);
    QCOMPARE(back.knn_k, m.knn_k);
    QVERIFY(back.has_knn);
    QCOMPARE(back.knn_top1, m.knn_top1);
    QCOMPARE(back.uniformity, m.uniformity);
    QCOMPARE(back.h_effective_rank, m.h_effective_rank);
    QCOMPARE(back.pair_top1, m.pair_top1);
    QCOMPARE(back.pair_loss, m.pair_loss);
    QCOMPARE(back.pair_count, m.pair_count);
  }

  // Without labels the kNN fields are neither written nor read back as a zero accuracy; a
  // record from before pair retrieval reads back without it (NaN), not as 0 %.
  void optionalPartsStayAbsent() {
    MonitorMetrics m;
    m.has_knn = false;
    m.pair_top1 = 0.25;
    const nlohmann::json j = to_json(m);
    QVERIFY(!j.contains("knn_top1") && !j.contains("knn_top1_k10"));
    QVERIFY(j.contains("pair_top1"));
    const MonitorMetrics back = monitor_metrics_from_json(nlohmann::json::parse(j.dump()));
    QVERIFY(!back.has_knn);
    QCOMPARE(back.pair_top1, 0.25);
    QVERIFY2(!QString::fromStdString(monitor_summary(back)).contains("kNN"), monitor_summary(back).c_str());
    QVERIFY(QString::fromStdString(monitor_summary(back)).contains("pair retrieval 25.00%"));

    const MonitorMetrics old = monitor_metrics_from_json(nlohmann::json{{"step", 5}, {"knn_top1", 0.5}});
    QVERIFY(old.has_knn);
    QVERIFY(std::isnan(old.pair_top1));
    QVERIFY(!to_json(old).contains("pair_top1"));
    QVERIFY(!QString::fromStdString(monitor_summary(old)).contains("pair"));
  }

  void missingOrWrongFieldsKeepDefaults() {
    const StepMetrics back = step_metrics_from_json(nlohmann::json{{"step", 3}, {"loss", "nan?"}});
    QCOMPARE(back.step, int64_t(3));
    QCOMPARE(back.loss, StepMetrics{}.loss);
    QCOMPARE(monitor_metrics_from_json(nlohmann::json::array()).knn_k, MonitorMetrics{}.knn_k);
  }
};

QTEST_GUILESS_MAIN(TestTrainMetrics)
#include "test_train_metrics.moc"
