// Numerical faults in a training step: NaN or Inf gradients under a finite loss stop the
// run before the optimizer steps, naming the parameter; the float16 loss scale survives a
// checkpoint and a resume.
#include <QtTest>

#include <cmath>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/train/checkpoint.h"
#include "engine/train/run_checkpoint.h"
#include "engine/train/run_opening.h"
#include "engine/train/run_state.h"
#include "engine/train/train_step.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;

namespace {

std::unique_ptr<RunState> run_state(const ProjectConfig& p, const TrainOptions& options) {
  return build_run_state(p, torch::kCPU, open_or_resume_run(p, options), nullptr, {});
}

}  // namespace

class TestTrainStep : public QObject {
  Q_OBJECT
  test::TempDir data_{"simclr-train-step-data"};

 private Q_SLOTS:
  void initTestCase() { test::write_cifar10_folder(data_.path(), 16, 4, 5); }

  void badGradientsStopBeforeTheStep_data() {
    QTest::addColumn<double>("value");
    QTest::newRow("NaN") << double(NAN);
    QTest::newRow("Inf") << double(INFINITY);
  }
  void badGradientsStopBeforeTheStep() {
    QFETCH(double, value);
    test::TempDir runs;
    ProjectConfig p = test::tiny_project(data_.path());
    p.evaluation.knn_every_epochs = 0;
    TrainOptions options;
    options.runs_root = runs.path();
    const auto s = run_state(p, options);
    QCOMPARE(train_step(*s, {}).step, int64_t{1});  // a good step passes
    save_run_checkpoint(*s, {});

    // The projection head's last weight gets a bad gradient; the loss stays finite.
    const auto named = s->model->named_parameters();
    const std::string name = named.keys().back();
    torch::Tensor bad = named[name];
    bad.register_hook([value](const torch::Tensor& g) { return torch::full_like(g, value); });
    std::vector<torch::Tensor> before;
    for (const auto& t : s->parameters) before.push_back(t.detach().clone());
    try {
      train_step(*s, {});
      QFAIL("expected TrainingError");
    } catch (const TrainingError& e) {
      const QString message = e.what();
      QVERIFY2(message.startsWith("step 2: the gradients of " + QString::fromStdString(name) + " hold NaN or Inf"),
               e.what());
      QVERIFY2(message.contains("The last good checkpoint is " +
                                QString::fromStdString(s->opened.folder.checkpoint_file(1).string())),
               e.what());
    }
    for (size_t i = 0; i < before.size(); ++i) QVERIFY(torch::equal(before[i], s->parameters[i]));  // not stepped
  }

  // A float16 run's scale after an overflow (1024 here), and its run of good steps, come back
  // on resume instead of 65536 and 0. (float16 needs CUDA: the scaler is switched on by hand.)
  void lossScaleSurvivesAResume() {
    test::TempDir runs;
    ProjectConfig p = test::tiny_project(data_.path());
    p.evaluation.knn_every_epochs = 0;
    TrainOptions options;
    options.runs_root = runs.path();
    std::filesystem::path run;
    {
      const auto s = run_state(p, options);
      s->scaler = LossScaler(true);
      s->scaler.restore(1024, 7);
      train_step(*s, {});
      save_run_checkpoint(*s, {});
      run = s->opened.folder.dir();
    }
    const CheckpointInfo info = read_checkpoint_info(RunFolder(run).checkpoint_file(1));
    QVERIFY(info.loss_scale);
    QCOMPARE(*info.loss_scale, 1024.0);
    QCOMPARE(info.loss_scale_good_steps, int64_t{8});

    TrainOptions resume;
    resume.resume_run = run;
    const auto resumed = run_state(p, resume);
    QCOMPARE(resumed->step, int64_t{1});
    QCOMPARE(resumed->scaler.scale(), 1024.0);
    QCOMPARE(resumed->scaler.good_steps(), int64_t{8});
  }

  // Checkpoints of runs without a scaler (and from before it was saved) hold none, and
  // resume at the initial scale.
  void checkpointWithoutScaleResumesAtTheInitialScale() {
    test::TempDir runs;
    ProjectConfig p = test::tiny_project(data_.path());
    p.evaluation.knn_every_epochs = 0;
    TrainOptions options;
    options.runs_root = runs.path();
    std::filesystem::path run;
    {
      const auto s = run_state(p, options);
      train_step(*s, {});
      save_run_checkpoint(*s, {});
      run = s->opened.folder.dir();
    }
    QVERIFY(!read_checkpoint_info(RunFolder(run).checkpoint_file(1)).loss_scale);
    TrainOptions resume;
    resume.resume_run = run;
    QCOMPARE(run_state(p, resume)->scaler.scale(), 65536.0);
  }
};

QTEST_GUILESS_MAIN(TestTrainStep)
#include "test_train_step.moc"
