// The positive-pair inspector's computation on a real tiny run: ranges, order, seeded
// determinism, a recomputation of the similarities and the rank from the returned views
// (float64), and the identity augmentation, under which the two views are the same image and
// the positive is an exact copy (similarity 1, rank 1).
#include <QtTest>

#include <set>

#include <torch/torch.h>

#include "engine/augment/normalize.h"
#include "engine/core/error.h"
#include "engine/analysis/positive_pair.h"
#include "engine/analysis/trained_run.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
namespace fs = std::filesystem;

class TestPositivePair : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-positive-pair"};
  fs::path run_dir_;

  // z (normalised, float64) of views float [K, C, H, W] in [0, 1] as the run's model sees them.
  static torch::Tensor embed(TrainedRun& run, const torch::Tensor& views) {
    torch::NoGradGuard no_grad;
    const auto z = run.model->forward(normalize(views, run.stats.mean, run.stats.std)).z.to(torch::kDouble);
    return z / z.norm(2, 1, true);
  }

 private Q_SLOTS:
  void initTestCase() { run_dir_ = test::train_tiny_run(dir_.path(), 13, 2, false); }

  void rangesAndOrder() {
    TrainedRun run = open_trained_run(run_dir_);
    PositivePairOptions options;
    options.batch_size = 16;
    options.seed = 3;
    options.hardest = 5;
    std::vector<Progress> progress;
    JobCallbacks callbacks;
    callbacks.on_progress = [&](const Progress& p) { progress.push_back(p); };
    const PositivePairResult r = positive_pair(run, 7, options, callbacks);
    QCOMPARE(r.index, int64_t(7));
    QCOMPARE(r.label, run.data.train.labels[7].item<int64_t>());
    QCOMPARE(r.step, run.step);
    QCOMPARE(r.negatives, int64_t(30));
    QVERIFY(r.rank >= 1 && r.rank <= 31);
    QVERIFY(r.positive_similarity >= -1.0001f && r.positive_similarity <= 1.0001f);
    QCOMPARE(r.batch_indices.size(), size_t(15));
    const std::set<int64_t> unique(r.batch_indices.begin(), r.batch_indices.end());
    QCOMPARE(unique.size(), size_t(15));
    QVERIFY(!unique.count(7));  // the query is not its own negative
    QCOMPARE(r.hardest.size(), size_t(5));
    for (size_t i = 0; i < r.hardest.size(); ++i) {
      const HardNegative& h = r.hardest[i];
      QVERIFY(h.similarity >= -1.0001f && h.similarity <= 1.0001f);
      if (i > 0) QVERIFY(h.similarity <= r.hardest[i - 1].similarity);
      QVERIFY(h.batch_position >= 1 && h.batch_position < 16);
      QCOMPARE(h.index, r.batch_indices[size_t(h.batch_position - 1)]);
      QCOMPARE(h.label, run.data.train.labels[h.index].item<int64_t>());
    }
    QCOMPARE(r.view1.sizes().vec(), (std::vector<int64_t>{3, run.image_size, run.image_size}));
    QCOMPARE(r.hardest_views.size(0), int64_t(5));
    QVERIFY(r.view1.min().item<float>() >= 0 && r.view1.max().item<float>() <= 1);
    QVERIFY(!torch::equal(r.view1, r.view2));  // the run's augmentation makes two different views
    QVERIFY(!progress.empty());
    QCOMPARE(progress.back().step, progress.back().total);
  }

  void similaritiesAndRankAgreeWithAFloat64Recomputation() {
    TrainedRun run = open_trained_run(run_dir_);
    PositivePairOptions options;
    options.batch_size = 12;
    options.seed = 5;
    options.hardest = 1000;     // every negative
    options.forward_batch = 5;  // chunks of another size must not change anything
    const PositivePairResult r = positive_pair(run, 30, options);
    QCOMPARE(r.hardest.size(), size_t(22));
    const torch::Tensor z = embed(run, torch::cat({r.view1.unsqueeze(0), r.view2.unsqueeze(0), r.hardest_views}));
    const torch::Tensor sim = z.matmul(z[0]);  // [2 + 22]
    QVERIFY(std::abs(sim[1].item<double>() - r.positive_similarity) < 1e-4);
    int64_t beaten = 0;
    for (size_t i = 0; i < r.hardest.size(); ++i) {
      QVERIFY2(std::abs(sim[int64_t(i) + 2].item<double>() - r.hardest[i].similarity) < 1e-4,
               qPrintable(QString::number(i)));
      beaten += r.hardest[i].similarity > r.positive_similarity;
    }
    QCOMPARE(r.rank, 1 + beaten);
    // Every (position, view) pair is a negative exactly once.
    std::set<std::pair<int64_t, int>> seen;
    for (const HardNegative& h : r.hardest) seen.insert({h.batch_position, h.view});
    QCOMPARE(seen.size(), size_t(22));
  }

  void seededAndDeterministic() {
    TrainedRun run = open_trained_run(run_dir_);
    PositivePairOptions options;
    options.batch_size = 8;
    options.seed = 11;
    const PositivePairResult a = positive_pair(run, 2, options);
    const PositivePairResult b = positive_pair(run, 2, options);
    QCOMPARE(a.batch_indices, b.batch_indices);
    QVERIFY(torch::equal(a.view1, b.view1) && torch::equal(a.view2, b.view2));
    QCOMPARE(a.positive_similarity, b.positive_similarity);
    QCOMPARE(a.rank, b.rank);
    options.seed = 12;
    const PositivePairResult c = positive_pair(run, 2, options);
    QVERIFY(c.batch_indices != a.batch_indices);
    QVERIFY(!torch::equal(a.view1, c.view1));
  }

  void identityAugmentationGivesAnExactPositive() {
    TrainedRun run = open_trained_run(run_dir_);
    PositivePairOptions options;
    options.batch_size = 10;
    options.augmentation = {{"preset", "none"}};
    options.split = "test";  // a test image against training negatives
    const PositivePairResult r = positive_pair(run, 4, options);
    QVERIFY(torch::equal(r.view1, r.view2));
    QVERIFY(torch::allclose(r.view1, run.data.test.images[4].to(torch::kFloat) / 255.0));
    QVERIFY2(std::abs(r.positive_similarity - 1.0f) < 1e-5f, qPrintable(QString::number(r.positive_similarity)));
    QCOMPARE(r.rank, int64_t(1));
    QCOMPARE(r.label, run.data.test.labels[4].item<int64_t>());
  }

  void refusesBadInputAndStops() {
    TrainedRun run = open_trained_run(run_dir_);
    PositivePairOptions options;
    options.batch_size = 1;
    QVERIFY_THROWS_EXCEPTION(ConfigError, positive_pair(run, 0, options));
    options.batch_size = run.data.train.size() + 1;  // the query plus more others than exist
    try {
      positive_pair(run, 0, options);
      QFAIL("no error");
    } catch (const ConfigError& e) {
      QVERIFY2(QString(e.what()).contains(QStringLiteral("batch_size")), e.what());
    }
    options.batch_size = run.data.train.size();  // exactly fills: fine
    options.hardest = 2;
    QCOMPARE(positive_pair(run, 0, options).batch_indices.size(), size_t(run.data.train.size() - 1));
    options.batch_size = 4;
    QVERIFY_THROWS_EXCEPTION(ConfigError, positive_pair(run, run.data.train.size(), options));
    options.split = "validation";
    QVERIFY_THROWS_EXCEPTION(ConfigError, positive_pair(run, 0, options));
    options.split = "train";
    StopToken stop;
    stop.request_stop();
    QVERIFY_THROWS_EXCEPTION(CancelledError, positive_pair(run, 0, options, {}, stop));
  }
};

QTEST_GUILESS_MAIN(TestPositivePair)
#include "test_positive_pair.moc"
