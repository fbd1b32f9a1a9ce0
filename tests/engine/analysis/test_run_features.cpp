#include <QtTest>

#include <torch/torch.h>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/analysis/run_features.h"
#include "engine/analysis/trained_run.h"
#include "engine/project/run_folder.h"
#include "engine/train/trainer.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
namespace fs = std::filesystem;

namespace {
// Every parameter and buffer (batch-norm running mean/var and counters) as a copy.
std::vector<std::pair<std::string, torch::Tensor>> snapshot(torch::nn::Module& m) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& p : m.named_parameters()) out.emplace_back("param " + p.key(), p.value().detach().clone());
  for (const auto& b : m.named_buffers()) out.emplace_back("buffer " + b.key(), b.value().detach().clone());
  return out;
}

// "" when bit-identical, else the first tensor that differs.
std::string first_difference(torch::nn::Module& m, const std::vector<std::pair<std::string, torch::Tensor>>& before) {
  const auto now = snapshot(m);
  if (now.size() != before.size()) return "tensor count";
  for (size_t i = 0; i < now.size(); ++i)
    if (!torch::equal(now[i].second, before[i].second)) return now[i].first;
  return "";
}
}  // namespace

class TestRunFeatures : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-run-features"};
  fs::path run_dir_;

 private Q_SLOTS:
  void initTestCase() {
    test::write_cifar10_folder(dir_ / "data", 16, 40, 11);
    ProjectConfig p = test::tiny_project(dir_ / "data");
    p.evaluation.knn_every_epochs = 0;
    TrainOptions options;
    options.runs_root = dir_ / "runs";
    run_dir_ = train(p, options, {}, StopToken()).run_dir;
  }

  void opensTheLatestCheckpoint() {
    TrainedRun run = open_trained_run(run_dir_, "", "cpu");
    QCOMPARE(run.step, int64_t{10});
    QCOMPARE(run.data.train.size(), int64_t{80});
    QCOMPARE(run.data.test.size(), int64_t{40});
    QCOMPARE(run.image_size, int64_t{32});
    QVERIFY(!run.model->is_training());
    QCOMPARE(open_trained_run(run_dir_, "4", "cpu").step, int64_t{4});
  }

  void extractsAndCachesBySplitAndStep() {
    TrainedRun run = open_trained_run(run_dir_, "", "cpu");
    fs::remove_all(run_dir_ / "features");
    std::vector<Progress> progress;
    JobCallbacks cb;
    cb.on_progress = [&](const Progress& p) { progress.push_back(p); };
    FeatureOptions o;
    o.batch_size = 32;
    const SplitFeatures first = run_features(run, "train", o, cb);
    QVERIFY(!first.from_cache);
    QCOMPARE(first.h.sizes().vec(), (std::vector<int64_t>{80, run.model->encoder->feature_dim()}));
    QCOMPARE(first.z.sizes().vec(), (std::vector<int64_t>{80, 16}));
    QVERIFY(first.labels.equal(run.data.train.labels));
    QCOMPARE(progress.size(), size_t{3});  // 80 images in batches of 32
    QCOMPARE(QString::fromStdString(progress.back().stage), QStringLiteral("embed train"));
    QCOMPARE(progress.back().step, 3LL);
    const fs::path file = feature_cache_file(run_dir_, 10, "train");
    QCOMPARE(file.filename().string(), std::string("step-00000010-train.pt"));
    QVERIFY(fs::exists(file));

    // Reused: same tensors, no extraction.
    progress.clear();
    const SplitFeatures again = run_features(run, "train", o, cb);
    QVERIFY(again.from_cache);
    QVERIFY(progress.empty());
    QVERIFY(torch::equal(again.h, first.h));
    QVERIFY(torch::equal(again.z, first.z));

    // The features are the model's, in eval mode, whatever the batch size.
    o.use_cache = false;
    o.batch_size = 7;
    const SplitFeatures fresh = run_features(run, "train", o);
    QVERIFY(!fresh.from_cache);
    QVERIFY(torch::allclose(fresh.h, first.h, 1e-4, 1e-5));

    // Another split, another file.
    o.use_cache = true;
    const SplitFeatures test = run_features(run, "test", o);
    QVERIFY(!test.from_cache);
    QCOMPARE(test.h.size(0), int64_t{40});
    QVERIFY(fs::exists(feature_cache_file(run_dir_, 10, "test")));

    // Another checkpoint: not the step-10 features.
    TrainedRun early = open_trained_run(run_dir_, "4", "cpu");
    const SplitFeatures at4 = run_features(early, "train", o);
    QVERIFY(!at4.from_cache);
    QVERIFY(fs::exists(feature_cache_file(run_dir_, 4, "train")));
    QVERIFY(!torch::allclose(at4.h, first.h));
    QVERIFY(run_features(early, "train", o).from_cache);
    QVERIFY(run_features(run, "train", o).from_cache);
  }

  void staleOrBrokenCacheIsRecomputed() {
    TrainedRun run = open_trained_run(run_dir_, "", "cpu");
    const SplitFeatures good = run_features(run, "test");
    // A cache file of another step copied over this one's name is not trusted.
    const fs::path file = feature_cache_file(run_dir_, 10, "test");
    TrainedRun early = open_trained_run(run_dir_, "4", "cpu");
    run_features(early, "test");
    fs::copy_file(feature_cache_file(run_dir_, 4, "test"), file, fs::copy_options::overwrite_existing);
    const SplitFeatures redone = run_features(run, "test");
    QVERIFY(!redone.from_cache);
    QVERIFY(torch::equal(redone.h, good.h));
    // Garbage in the file: recomputed, rewritten.
    test::write_bytes(file, "not a tensor archive");
    QVERIFY(!run_features(run, "test").from_cache);
    QVERIFY(run_features(run, "test").from_cache);
    // A zip whose directory points outside the file (LibTorch's reader would trust it):
    // recomputed without reaching LibTorch.
    std::string bytes = read_file(file);
    const size_t end = bytes.rfind(std::string("PK\x05\x06", 4));
    QVERIFY(end != std::string::npos);
    bytes[end + 16] = '\xff';  // the directory's offset
    bytes[end + 17] = '\xff';
    test::write_bytes(file, bytes);
    QVERIFY(!run_features(run, "test").from_cache);
    QVERIFY(run_features(run, "test").from_cache);
  }

  // Extracting features must not touch the encoder: no gradient step, and no batch-norm
  // running statistics updated (they would be in training mode), even when the model was
  // left in training mode by its caller.
  void encoderStaysFrozen() {
    TrainedRun run = open_trained_run(run_dir_, "", "cpu");
    const auto before = snapshot(*run.model);
    FeatureOptions o;
    o.use_cache = false;
    run.model->train();
    run_features(run, "train", o);
    run_features(run, "test", o);
    QCOMPARE(QString::fromStdString(first_difference(*run.model, before)), QString());
    QVERIFY(run.model->is_training());  // its mode is restored
    // The check can fail: a forward pass in training mode moves the BN statistics.
    {
      torch::NoGradGuard no_grad;
      run.model->forward(torch::randn({4, 3, 32, 32}));
    }
    QVERIFY(!first_difference(*run.model, before).empty());
  }

  void badInput() {
    QVERIFY_THROWS_EXCEPTION(DataError, open_trained_run(dir_ / "no-such-run"));
    QVERIFY_THROWS_EXCEPTION(DataError, open_trained_run(run_dir_, "5", "cpu"));      // no checkpoint at step 5
    QVERIFY_THROWS_EXCEPTION(DataError, open_trained_run(dir_ / "data", "", "cpu"));  // not a run folder
    QVERIFY_THROWS_EXCEPTION(ConfigError, open_trained_run(run_dir_, "", "tpu"));
    TrainedRun run = open_trained_run(run_dir_, "", "cpu");
    QVERIFY_THROWS_EXCEPTION(ConfigError, run_features(run, "validation"));
    SplitFeatures f;
    QVERIFY_THROWS_EXCEPTION(ConfigError, f.features("y"));
  }
};

QTEST_GUILESS_MAIN(TestRunFeatures)
#include "test_run_features.moc"
