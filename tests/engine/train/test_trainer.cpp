#include <QtTest>

#include <atomic>
#include <fstream>
#include <thread>

#include "engine/core/error.h"
#include "engine/train/checkpoint.h"
#include "engine/train/metrics_log.h"
#include "engine/train/trainer.h"
#include "engine/project/project_file.h"
#include "engine/project/run_folder.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using simclr::test::tiny_project;

namespace {
SimCLRModel load_weights(const ProjectConfig& p, const std::filesystem::path& checkpoint) {
  // Build the same architecture through a throwaway run's config, then load.
  EncoderConfig encoder;
  encoder.resnet.width = p.model.width;
  ProjectionHeadConfig head;
  head.hidden_dim = p.model.projection.hidden_dim;
  head.output_dim = p.model.projection.output_dim;
  SimCLRModel model(make_encoder(encoder), head);
  load_checkpoint(checkpoint, model, nullptr);
  return model;
}

bool same_weights(SimCLRModel& a, SimCLRModel& b) {
  const auto pa = a->named_parameters();
  const auto pb = b->named_parameters();
  for (const auto& item : pa)
    if (!torch::equal(item.value(), pb[item.key()])) return false;
  const auto ba = a->named_buffers();
  const auto bb = b->named_buffers();
  for (const auto& item : ba)
    if (!torch::equal(item.value(), bb[item.key()])) return false;
  return true;
}
}  // namespace

class TestTrainer : public QObject {
  Q_OBJECT
  test::TempDir data_{"simclr-trainer-data"};

 private Q_SLOTS:
  void initTestCase() { test::write_cifar10_folder(data_.path(), 16, 40, 11); }

  void trainsAndFillsTheRunFolder() {
    test::TempDir runs;
    ProjectConfig p = tiny_project(data_.path());
    TrainOptions options;
    options.runs_root = runs.path();
    std::vector<StepMetrics> steps;
    std::vector<MonitorMetrics> monitors;
    long long last_progress = 0;
    TrainCallbacks callbacks;
    callbacks.on_step = [&](const StepMetrics& m) { steps.push_back(m); };
    callbacks.on_monitor = [&](const MonitorMetrics& m) { monitors.push_back(m); };
    callbacks.on_progress = [&](const Progress& pr) {
      if (pr.stage == "train") last_progress = pr.step;
    };
    const TrainResult result = train(p, options, callbacks, StopToken());

    QCOMPARE(QString::fromStdString(result.state), QStringLiteral("completed"));
    QCOMPARE(result.steps_done, int64_t{10});
    QCOMPARE(steps.size(), size_t{10});
    QCOMPARE(last_progress, 10LL);
    for (size_t i = 0; i < steps.size(); ++i) {
      QCOMPARE(steps[i].step, int64_t(i + 1));
      QVERIFY(std::isfinite(steps[i].loss) && steps[i].loss > 0);
      QVERIFY(steps[i].views_per_s > 0);
      QVERIFY(steps[i].learning_rate > 0);
    }
    QVERIFY(steps.back().learning_rate < steps.front().learning_rate);  // cosine decay
    // Initialisation, then the end of each epoch.
    QCOMPARE(monitors.size(), size_t{3});
    QCOMPARE(monitors[0].step, int64_t{0});
    QCOMPARE(monitors[2].step, int64_t{10});
    for (const auto& m : monitors) {
      QVERIFY(m.has_knn);
      QVERIFY(m.knn_top1 >= 0 && m.knn_top1 <= 1);
      QVERIFY(m.pair_top1 >= 0 && m.pair_top1 <= 1);
      QCOMPARE(m.pair_count, int64_t{40});  // the whole monitor set: fewer than 512 images
      // NT-Xent over 80 views is at most log(79) + 2 / T (positive at -1, negatives at +1).
      QVERIFY(std::isfinite(m.pair_loss) && m.pair_loss > 0 &&
              m.pair_loss <= std::log(2.0 * 40 - 1) + 2 / p.training.temperature);
      QVERIFY(m.alignment >= 0 && m.alignment <= 4);
      QVERIFY(m.h_effective_rank >= 1);
    }

    const RunFolder run(result.run_dir);
    QCOMPARE(run.read_config().training.batch_size, int64_t{16});
    const auto records = read_metrics(run.metrics_file());
    QCOMPARE(records.size(), size_t{13});
    QCOMPARE(run.latest_checkpoint(), run.checkpoint_file(10));
    QVERIFY(std::filesystem::exists(run.checkpoint_file(4)));
    QVERIFY(std::filesystem::exists(run.checkpoint_file(8)));
    QCOMPARE(read_checkpoint_info(run.checkpoint_file(10)).step, int64_t{10});
    const auto status = nlohmann::json::parse(std::ifstream(run.status_file()));
    QCOMPARE(QString::fromStdString(status["state"].get<std::string>()), QStringLiteral("completed"));
  }

  void stoppedAndResumedRunEqualsAStraightRun() {
    test::TempDir runs;
    ProjectConfig p = tiny_project(data_.path());
    p.evaluation.knn_every_epochs = 0;
    TrainOptions options;
    options.runs_root = runs.path();
    options.run_name = "straight";
    const TrainResult straight = train(p, options, {}, StopToken());

    StopToken stop;
    TrainCallbacks stop_at_3;
    stop_at_3.on_step = [&](const StepMetrics& m) {
      if (m.step == 3) stop.request_stop();
    };
    options.run_name = "interrupted";
    const TrainResult first = train(p, options, stop_at_3, stop);
    QCOMPARE(QString::fromStdString(first.state), QStringLiteral("stopped"));
    QCOMPARE(first.steps_done, int64_t{3});

    TrainOptions resume;
    resume.resume_run = first.run_dir;
    double resumed_seconds = 0;  // the steps of the second part, from their reported speed
    TrainCallbacks timing;
    timing.on_step = [&](const StepMetrics& m) { resumed_seconds += 2.0 * p.training.batch_size / m.views_per_s; };
    const TrainResult second = train(p, resume, timing, StopToken());
    QCOMPARE(QString::fromStdString(second.state), QStringLiteral("completed"));
    // The training time counts both parts.
    QVERIFY2(
        std::abs(second.train_seconds - (first.train_seconds + resumed_seconds)) < 1e-6,
        qPrintable(QString("%1 != %2 + %3").arg(second.train_seconds).arg(first.train_seconds).arg(resumed_seconds)));
    QCOMPARE(second.steps_done, int64_t{10});
    QCOMPARE(second.final_loss, straight.final_loss);

    SimCLRModel a = load_weights(p, RunFolder(straight.run_dir).latest_checkpoint());
    SimCLRModel b = load_weights(p, RunFolder(second.run_dir).latest_checkpoint());
    QVERIFY(same_weights(a, b));
    // The resumed run's log holds each step once.
    int64_t step_records = 0;
    for (const auto& r : read_metrics(RunFolder(second.run_dir).metrics_file())) step_records += r["type"] == "step";
    QCOMPARE(step_records, int64_t{10});
  }

  // A damaged latest checkpoint: the resume names it and why, moves it aside, continues from
  // the newest intact one saying which steps are lost, and ends as an uninterrupted run
  // does, each step logged once.
  void damagedLatestCheckpointFallsBack_data() {
    QTest::addColumn<QString>("damage");
    QTest::addColumn<QString>("why");
    QTest::newRow("truncated") << "truncated"
                               << "cut short";
    QTest::newRow("garbage") << "garbage"
                             << "not a LibTorch archive";
    QTest::newRow("another step's") << "misnamed"
                                    << "it records step 8";
  }
  void damagedLatestCheckpointFallsBack() {
    QFETCH(QString, damage);
    QFETCH(QString, why);
    test::TempDir runs;
    ProjectConfig p = tiny_project(data_.path());
    p.evaluation.knn_every_epochs = 0;
    TrainOptions options;
    options.runs_root = runs.path();
    options.run_name = "straight";
    const TrainResult straight = train(p, options, {}, StopToken());

    StopToken stop;
    TrainCallbacks stop_at_9;
    stop_at_9.on_step = [&](const StepMetrics& m) {
      if (m.step == 9) stop.request_stop();
    };
    options.run_name = "damaged";
    const TrainResult first = train(p, options, stop_at_9, stop);
    const RunFolder run(first.run_dir);
    const auto latest = run.checkpoint_file(9);  // checkpoints every 4 steps and at the stop: 4, 8, 9
    QCOMPARE(run.latest_checkpoint(), latest);
    if (damage == "truncated") std::filesystem::resize_file(latest, std::filesystem::file_size(latest) / 2);
    if (damage == "garbage") std::ofstream(latest, std::ios::trunc) << "\x01\x02 garbage";
    if (damage == "misnamed")
      std::filesystem::copy_file(run.checkpoint_file(8), latest, std::filesystem::copy_options::overwrite_existing);

    TrainOptions resume;
    resume.resume_run = first.run_dir;
    std::vector<std::string> warnings;
    TrainCallbacks log;
    log.on_log = [&](LogLevel level, const std::string& text) {
      if (level == LogLevel::Warning) warnings.push_back(text);
    };
    const TrainResult second = train(p, resume, log, StopToken());
    QCOMPARE(warnings.size(), size_t{2});
    QVERIFY2(warnings[0].rfind(latest.string() + ": damaged checkpoint: " + why.toStdString(), 0) == 0,
             warnings[0].c_str());
    QVERIFY2(QString::fromStdString(warnings[0]).endsWith("moved aside to step-00000009.pt.damaged"),
             warnings[0].c_str());
    QVERIFY2(warnings[1].rfind("resuming from step 8 (step-00000008.pt), the newest intact checkpoint: step 9 is "
                               "lost and will be trained again",
                               0) == 0,
             warnings[1].c_str());
    QVERIFY(std::filesystem::exists(latest.string() + ".damaged"));
    QCOMPARE(second.steps_done, int64_t{10});
    SimCLRModel a = load_weights(p, RunFolder(straight.run_dir).latest_checkpoint());
    SimCLRModel b = load_weights(p, run.latest_checkpoint());
    QVERIFY(same_weights(a, b));
    std::vector<int64_t> steps;
    for (const auto& r : read_metrics(run.metrics_file()))
      if (r["type"] == "step") steps.push_back(r["step"].get<int64_t>());
    QCOMPARE(steps, (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  }

  void noIntactCheckpointIsABadRun() {
    test::TempDir runs;
    ProjectConfig p = tiny_project(data_.path());
    p.evaluation.knn_every_epochs = 0;
    p.training.max_steps = 5;
    TrainOptions options;
    options.runs_root = runs.path();
    const TrainResult first = train(p, options, {}, StopToken());
    const RunFolder run(first.run_dir);
    for (int64_t step : {4, 5}) std::filesystem::resize_file(run.checkpoint_file(step), 100);
    TrainOptions resume;
    resume.resume_run = first.run_dir;
    try {
      train(p, resume, {}, StopToken());
      QFAIL("expected DataError");
    } catch (const DataError& e) {
      const QString message = e.what();
      QVERIFY2(message.contains("none of its checkpoints is intact"), e.what());
      for (int64_t step : {4, 5})
        QVERIFY2(message.contains(QString::fromStdString(run.checkpoint_file(step).string()) + ": damaged checkpoint"),
                 e.what());
    }
    QVERIFY(std::filesystem::exists(run.checkpoint_file(5)));  // nothing moved when nothing can resume
  }

  void resumeRefusesAChangedProject() {
    test::TempDir runs;
    ProjectConfig p = tiny_project(data_.path());
    p.evaluation.knn_every_epochs = 0;
    p.training.max_steps = 2;
    TrainOptions options;
    options.runs_root = runs.path();
    const TrainResult first = train(p, options, {}, StopToken());
    p.training.learning_rate *= 2;
    TrainOptions resume;
    resume.resume_run = first.run_dir;
    try {
      train(p, resume, {}, StopToken());
      QFAIL("expected ConfigError");
    } catch (const ConfigError& e) {
      QVERIFY2(QString(e.what()).contains("training/learning_rate"), e.what());
    }
  }

  void divergingLossStopsWithAClearMessage() {
    test::TempDir runs;
    ProjectConfig p = tiny_project(data_.path());
    p.evaluation.knn_every_epochs = 0;
    p.training.optimizer = "sgd";
    p.training.momentum = 0;
    p.training.learning_rate = 1e30;
    p.training.checkpoint_every_steps = 1;
    TrainOptions options;
    options.runs_root = runs.path();
    try {
      train(p, options, {}, StopToken());
      QFAIL("expected TrainingError");
    } catch (const TrainingError& e) {
      const QString message = e.what();
      QVERIFY2(message.contains("step ") && message.contains("loss"), e.what());
      QVERIFY2(message.contains("last good checkpoint"), e.what());
    }
  }

  void pauseHoldsTheRunUntilResumed() {
    test::TempDir runs;
    ProjectConfig p = tiny_project(data_.path());
    p.evaluation.knn_every_epochs = 0;
    TrainOptions options;
    options.runs_root = runs.path();
    StopToken token;
    std::atomic<int64_t> last_step{0};
    TrainCallbacks callbacks;
    callbacks.on_step = [&](const StepMetrics& m) {
      last_step = m.step;
      if (m.step == 2) token.set_paused(true);
    };
    TrainResult result;
    std::thread worker([&] { result = train(p, options, callbacks, token); });
    QTRY_COMPARE_WITH_TIMEOUT(last_step.load(), int64_t{2}, 30000);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    QCOMPARE(last_step.load(), int64_t{2});  // held while paused
    token.set_paused(false);
    worker.join();
    QCOMPARE(result.steps_done, int64_t{10});
  }

  void batchLargerThanTheDatasetIsABadSetting() {
    test::TempDir runs;
    ProjectConfig p = tiny_project(data_.path());
    p.training.batch_size = 1000;
    TrainOptions options;
    options.runs_root = runs.path();
    try {
      train(p, options, {}, StopToken());
      QFAIL("expected ConfigError");
    } catch (const ConfigError& e) {
      QVERIFY2(QString(e.what()).contains("training.batch_size"), e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestTrainer)
#include "test_trainer.moc"
