// `simclr-cli tsne RUN` as a user runs it: a layout of a class-balanced subset of a tiny
// run's test split saved as .npy with a .json sidecar (settings, KL divergence, the points
// used), the same layout again for the same seed, and exit code 2 with nothing written for
// bad input.
#include <QtTest>

#include <cmath>
#include <map>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "engine/core/atomic_file.h"
#include "engine/core/job.h"
#include "engine/eval/npy_file.h"
#include "engine/train/trainer.h"
#include "tests/app/cli/cli_process.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using simclr::test::cli;
using simclr::test::count_files;
using Outcome = simclr::test::ProcessOutcome;
namespace fs = std::filesystem;

class TestTsneCommand : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-cli-tsne"};
  QString run_;
  DatasetSplits data_;

 private Q_SLOTS:
  void initTestCase() {
    data_ = test::write_cifar10_folder(dir_ / "data", 16, 40, 11);
    ProjectConfig p = test::tiny_project(dir_ / "data");
    p.training.epochs = 1;
    p.evaluation.knn_every_epochs = 0;
    TrainOptions options;
    options.runs_root = dir_ / "runs";
    run_ = QString::fromStdString(train(p, options, {}, StopToken()).run_dir.string());
  }

  void badInputExitsWithTwo_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("split") << QStringList{"tsne", "RUN", "--split", "val"} << "--split: 'val' is not one of train|test";
    QTest::newRow("features") << QStringList{"tsne", "RUN", "--features", "q"} << "--features: 'q' is not one of h|z";
    QTest::newRow("iterations") << QStringList{"tsne", "RUN", "--iterations", "0"} << "--iterations: must be >= 1";
    QTest::newRow("perplexity") << QStringList{"tsne", "RUN", "--points", "10", "--perplexity", "30"}
                                << "--perplexity: must be above 0 and below the number of points (10)";
    QTest::newRow("missing run") << QStringList{"tsne", "/no/such/run"} << "no such run folder";
  }
  void badInputExitsWithTwo() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    args.replaceInStrings(QStringLiteral("RUN"), run_);
    const fs::path layouts = fs::path(run_.toStdString()) / "layouts";
    const int before = count_files(layouts);
    const Outcome o = cli(args);
    QVERIFY2(o.code == 2, qPrintable(QString("exit %1: %2").arg(o.code).arg(o.err)));
    QVERIFY2(o.err.contains(message), qPrintable(o.err));
    QCOMPARE(count_files(layouts), before);
  }

  void layoutOfABalancedSubset() {
    // The points the command must use: the first 2 of each class of the test split, in order.
    std::vector<int64_t> expected;
    std::map<int64_t, int> taken;
    for (int64_t i = 0; i < data_.test.size(); ++i)
      if (taken[data_.test.labels[i].item<int64_t>()]++ < 2) expected.push_back(i);
    const int64_t n = static_cast<int64_t>(expected.size());
    const QStringList args{"tsne", run_, "--points", "20", "--perplexity", "5", "--iterations", "100", "--seed", "3"};
    const Outcome o = cli(args);
    QVERIFY2(o.code == 0, qPrintable(o.err));

    const std::string stem = "tsne-h-test-" + std::to_string(n) + "-seed3";
    const fs::path dir = fs::path(run_.toStdString()) / "layouts";
    QVERIFY2(o.out.contains(QString::fromStdString((dir / (stem + ".npy")).string())), qPrintable(o.out));
    QVERIFY(o.out.contains("KL divergence"));

    const torch::Tensor layout = read_npy(dir / (stem + ".npy"));
    QCOMPARE(layout.scalar_type(), torch::kFloat);
    QCOMPARE(layout.sizes().vec(), (std::vector<int64_t>{n, 2}));
    QVERIFY(torch::isfinite(layout).all().item<bool>());
    QVERIFY(layout.std(0).min().item<double>() > 0);  // spread out, not collapsed

    const auto sidecar = nlohmann::json::parse(read_file(dir / (stem + ".json")));
    QCOMPARE(sidecar["layout"].get<std::string>(), stem + ".npy");
    QCOMPARE(sidecar["points"].get<int64_t>(), n);
    QCOMPARE(sidecar["split_size"].get<int64_t>(), int64_t(40));
    QCOMPARE(sidecar["class_balanced_subset"].get<bool>(), true);
    QCOMPARE(sidecar["feature_dim"].get<int64_t>(), int64_t(4 * 8));  // ResNet-18 of width 4: 8 x 4 features
    QCOMPARE(sidecar["indices"].get<std::vector<int64_t>>(), expected);
    const auto labels = sidecar["labels"].get<std::vector<int64_t>>();
    QCOMPARE(labels.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) QCOMPARE(labels[i], data_.test.labels[expected[i]].item<int64_t>());
    QCOMPARE(sidecar["settings"]["perplexity"].get<double>(), 5.0);
    QCOMPARE(sidecar["settings"]["seed"].get<uint64_t>(), uint64_t(3));
    QCOMPARE(sidecar["iterations_done"].get<int64_t>(), int64_t(100));
    const double kl = sidecar["kl_divergence"].get<double>();
    QVERIFY2(std::isfinite(kl) && kl >= 0, qPrintable(QString::number(kl)));

    // Same seed, same layout (features now come from the run's cache).
    const std::string first = read_file(dir / (stem + ".npy"));
    const Outcome again = cli(args);
    QVERIFY2(again.code == 0, qPrintable(again.err));
    QVERIFY(read_file(dir / (stem + ".npy")) == first);
  }
};

QTEST_GUILESS_MAIN(TestTsneCommand)
#include "test_tsne_command.moc"
