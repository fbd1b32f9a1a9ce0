// The sweep planner's rules: batch sizes in order, learning-rate scaling from the
// reference run, equal-epoch and equal-step budgets, and refusals naming the setting.
#include <QtTest>

#include <cmath>

#include "engine/core/error.h"
#include "engine/experiments/sweep_plan.h"
#include "engine/project/project_file.h"

using namespace simclr;

namespace {
ProjectConfig sweep_project() {
  ProjectConfig p;
  p.name = "plan";
  p.training.batch_size = 128;
  p.training.learning_rate = 1e-3;
  p.training.lr_scaling = "none";
  p.training.epochs = 2;
  p.sweep.batch_sizes = {256, 32, 128, 64};
  return p;
}
}  // namespace

class TestSweepPlan : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void pointsAscendWithTheirRunNames() {
    const SweepPlan plan = plan_sweep(sweep_project(), 1000);
    QCOMPARE(plan.points.size(), size_t{4});
    const int64_t expected[] = {32, 64, 128, 256};
    for (size_t i = 0; i < 4; ++i) {
      QCOMPARE(plan.points[i].batch_size, expected[i]);
      QCOMPARE(plan.points[i].config.training.batch_size, expected[i]);
      QVERIFY(plan.points[i].config.sweep.batch_sizes.empty());  // each point is a plain run
    }
    QCOMPARE(QString::fromStdString(plan.points[0].run_name), QStringLiteral("bs-0032"));
    QCOMPARE(QString::fromStdString(plan.points[3].config.name), QStringLiteral("plan-bs-0256"));
  }

  void learningRateFollowsTheRule_data() {
    QTest::addColumn<QString>("rule");
    QTest::addColumn<double>("factor");  // lr(512) / lr(128)
    QTest::newRow("none") << "none" << 1.0;
    QTest::newRow("linear") << "linear" << 4.0;
    QTest::newRow("sqrt") << "sqrt" << 2.0;
  }
  void learningRateFollowsTheRule() {
    QFETCH(QString, rule);
    QFETCH(double, factor);
    ProjectConfig p = sweep_project();
    p.sweep.batch_sizes = {128, 512};
    p.sweep.lr_scaling = rule.toStdString();
    const SweepPlan plan = plan_sweep(p, 5000);
    QCOMPARE(plan.points[0].learning_rate, 1e-3);  // the reference batch keeps the reference rate
    QVERIFY(std::abs(plan.points[1].learning_rate - factor * 1e-3) < 1e-12);
    // Written as a plain rate, so the run's config states what it trained with.
    QCOMPARE(QString::fromStdString(plan.points[1].config.training.lr_scaling), QStringLiteral("none"));
    QCOMPARE(plan.points[1].config.training.learning_rate, plan.points[1].learning_rate);
  }

  void referenceRateIncludesTheProjectsOwnScaling() {
    ProjectConfig p = sweep_project();
    p.training.lr_scaling = "linear";  // 1e-3 at 256 -> 5e-4 at the reference batch of 128
    p.sweep.batch_sizes = {128};
    p.sweep.lr_scaling = "none";
    QVERIFY(std::abs(plan_sweep(p, 1000).points[0].learning_rate - 5e-4) < 1e-12);
  }

  void equalEpochsGiveFewerStepsToLargerBatches() {
    const SweepPlan plan = plan_sweep(sweep_project(), 1000);
    QCOMPARE(plan.points[0].steps, int64_t{2 * (1000 / 32)});
    QCOMPARE(plan.points[3].steps, int64_t{2 * (1000 / 256)});
    for (const auto& p : plan.points) QCOMPARE(p.epochs, int64_t{2});
  }

  void equalStepsGiveEveryBatchTheReferenceSteps() {
    ProjectConfig p = sweep_project();
    p.sweep.budget = "steps";
    const SweepPlan plan = plan_sweep(p, 1000);
    QCOMPARE(plan.reference_steps, int64_t{2 * (1000 / 128)});  // 14
    for (const auto& point : plan.points) {
      QCOMPARE(point.steps, plan.reference_steps);
      QCOMPARE(point.config.training.max_steps, plan.reference_steps);
      // Enough epochs to hold those steps: 256 has 3 steps per epoch, so 5 epochs.
      QVERIFY(point.epochs * (1000 / point.batch_size) >= plan.reference_steps);
    }
    QCOMPARE(plan.points[3].epochs, int64_t{5});
  }

  void badSweepsAreRefusedByName() {
    ProjectConfig p = sweep_project();
    p.sweep.batch_sizes = {};
    QVERIFY_THROWS_EXCEPTION(ConfigError, plan_sweep(p, 1000));
    p.sweep.batch_sizes = {64, 2048};
    try {
      plan_sweep(p, 1000);
      QFAIL("a batch larger than the data was accepted");
    } catch (const ConfigError& e) {
      QVERIFY2(QString(e.what()).contains("sweep.batch_sizes[1]"), e.what());
    }
  }

  void projectFilesValidateTheList_data() {
    QTest::addColumn<QString>("list");
    QTest::addColumn<QString>("message");
    QTest::newRow("not a list") << "64"
                                << "sweep.batch_sizes: must be an array";
    QTest::newRow("not integers") << "[32, \"64\"]"
                                  << "sweep.batch_sizes[1]: must be an integer";
    QTest::newRow("too small") << "[1, 64]"
                               << "sweep.batch_sizes[0]: must be >= 2";
    QTest::newRow("twice") << "[64, 64]"
                           << "sweep.batch_sizes[1]: 64 is listed twice";
  }
  void projectFilesValidateTheList() {
    QFETCH(QString, list);
    QFETCH(QString, message);
    nlohmann::json doc = to_json(ProjectConfig{});
    doc["sweep"]["batch_sizes"] = nlohmann::json::parse(list.toStdString());
    QString all;
    for (const auto& issue : validate_project(doc)) all += QString::fromStdString(issue.to_string()) + "\n";
    QVERIFY2(all.contains(message), qPrintable(all));
  }

  void sweepSectionRoundTrips() {
    ProjectConfig p = sweep_project();
    p.sweep.budget = "steps";
    p.sweep.check_memory = false;
    const ProjectConfig back = parse_project(to_json(p));
    QCOMPARE(back.sweep.batch_sizes, p.sweep.batch_sizes);
    QCOMPARE(QString::fromStdString(back.sweep.budget), QStringLiteral("steps"));
    QCOMPARE(back.sweep.check_memory, false);
  }
};

QTEST_GUILESS_MAIN(TestSweepPlan)
#include "test_sweep_plan.moc"
