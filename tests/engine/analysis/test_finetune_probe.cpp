#include <QtTest>

#include <cmath>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/analysis/finetune_probe.h"
#include "engine/analysis/trained_run.h"
#include "engine/train/trainer.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
namespace fs = std::filesystem;

class TestFinetuneProbe : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-finetune"};
  fs::path run_dir_;

 private Q_SLOTS:
  void initTestCase() { run_dir_ = test::train_tiny_run(dir_.path(), 12, /*epochs=*/1, /*monitor=*/false); }

  // The encoder and the two-layer head train end to end (memorising 40 images lowers the
  // loss); the run's own model, batch-norm buffers included, stays bit-identical.
  void trainsACopyOfTheEncoder() {
    TrainedRun run = open_trained_run(run_dir_, "", "cpu");
    std::vector<torch::Tensor> before;
    for (const auto& p : run.model->parameters()) before.push_back(p.detach().clone());
    for (const auto& b : run.model->buffers()) before.push_back(b.detach().clone());

    FinetuneOptions o;
    o.hidden = 32;
    o.epochs = 4;
    o.batch_size = 10;
    o.learning_rate = 1e-3;
    o.flip = false;
    o.train_limit = 40;
    o.test_limit = 20;
    long long last = 0, total = 0;
    JobCallbacks cb;
    cb.on_progress = [&](const Progress& p) {
      if (p.stage != "finetune") return;
      last = p.step;
      total = p.total;
    };
    const FinetuneResult r = finetune_probe(run, o, cb);
    QCOMPARE(r.epochs.size(), size_t{4});
    QCOMPARE(r.train_size, int64_t{40});
    QCOMPARE(r.test_size, int64_t{20});
    QCOMPARE(total, 16LL);  // 4 epochs of 4 batches
    QCOMPARE(last, 16LL);
    for (const auto& e : r.epochs) {
      QVERIFY(std::isfinite(e.train_loss));
      QVERIFY(e.test_top1 >= 0 && e.test_top1 <= 1);
    }
    QVERIFY2(r.epochs.back().train_loss < r.epochs.front().train_loss,
             qPrintable(QString("%1 -> %2").arg(r.epochs.front().train_loss).arg(r.epochs.back().train_loss)));
    QCOMPARE(r.test_top1, r.epochs.back().test_top1);

    size_t i = 0;
    for (const auto& p : run.model->parameters()) QVERIFY(torch::equal(p, before[i++]));
    for (const auto& b : run.model->buffers()) QVERIFY(torch::equal(b, before[i++]));
  }

  void badOptions() {
    TrainedRun run = open_trained_run(run_dir_, "", "cpu");
    FinetuneOptions o;
    o.epochs = 0;
    QVERIFY_THROWS_EXCEPTION(ConfigError, finetune_probe(run, o));
    o = {};
    o.learning_rate = -1;
    QVERIFY_THROWS_EXCEPTION(ConfigError, finetune_probe(run, o));
  }
};

QTEST_GUILESS_MAIN(TestFinetuneProbe)
#include "test_finetune_probe.moc"
