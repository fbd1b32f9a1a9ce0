#include <QtTest>

#include <fstream>
#include <set>
#include <sstream>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/analysis/representation_comparison.h"
#include "engine/analysis/trained_run.h"
#include "engine/train/trainer.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
namespace fs = std::filesystem;

namespace {
std::vector<std::string> lines_of(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

ComparisonOptions quick() {
  ComparisonOptions o;
  o.inputs.pca_components = 4;
  o.inputs.tsne_points = 0;  // all 120
  o.inputs.tsne.perplexity = 10;
  o.inputs.tsne.iterations = 200;
  o.inputs.tsne.exaggeration_iterations = 100;
  o.mlp.hidden = 16;
  o.mlp.epochs = 2;
  o.mlp.batch_size = 32;
  return o;
}
}  // namespace

class TestRepresentationComparison : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-figure10"};
  fs::path run_dir_;

 private Q_SLOTS:
  void initTestCase() { run_dir_ = test::train_tiny_run(dir_.path(), 13, /*epochs=*/1, /*monitor=*/false); }

  void paperNumbers() {
    QCOMPARE(paper_figure10_accuracy("raw"), 0.3577);
    QCOMPARE(paper_figure10_accuracy("h"), 0.4863);
    QCOMPARE(paper_figure10_accuracy("pca"), 0.3967);
    QCOMPARE(paper_figure10_accuracy("tsne"), 0.2872);
    QCOMPARE(paper_figure10_accuracy("z"), -1.0);
  }

  void writesCsvAndMarkdown() {
    TrainedRun run = open_trained_run(run_dir_, "", "cpu");
    std::set<std::string> stages;
    JobCallbacks cb;
    cb.on_progress = [&](const Progress& p) { stages.insert(p.stage); };
    const ComparisonResult r = compare_representations(run, quick(), cb);
    QCOMPARE(r.step, int64_t{5});
    QCOMPARE(r.rows.size(), size_t{4});
    const int64_t f = run.model->encoder->feature_dim();
    const std::vector<std::pair<std::string, int64_t>> expected{{"raw", 3072}, {"h", f}, {"pca", 4}, {"tsne", 2}};
    for (size_t i = 0; i < 4; ++i) {
      QCOMPARE(r.rows[i].name, expected[i].first);
      QCOMPARE(r.rows[i].input_dim, expected[i].second);
      QCOMPARE(r.rows[i].train_size, int64_t{80});
      QCOMPARE(r.rows[i].test_size, int64_t{40});
      QVERIFY(r.rows[i].test_top1 >= 0 && r.rows[i].test_top1 <= 1);
      QCOMPARE(r.rows[i].paper_test_top1, paper_figure10_accuracy(expected[i].first));
    }
    for (const char* s : {"embed train", "embed test", "mlp raw", "mlp h", "mlp pca", "mlp tsne"})
      QVERIFY2(stages.count(s), s);

    QCOMPARE(r.csv_file, run_dir_ / "evaluation" / "figure10-step-00000005.csv");
    QCOMPARE(r.markdown_file, run_dir_ / "evaluation" / "figure10-step-00000005.md");
    const auto csv = lines_of(r.csv_file);
    QCOMPARE(csv.size(), size_t{5});
    QVERIFY(csv[0].rfind("representation,label,input_dim,train_size,test_size,train_top1,test_top1,paper_test_top1",
                         0) == 0);
    QVERIFY(csv[1].rfind("raw,Raw pixels,3072,80,40,", 0) == 0);
    QVERIFY(csv[1].find(",35.77,") != std::string::npos);
    QVERIFY(csv[4].find(",28.72,") != std::string::npos);
    std::ostringstream md;
    md << std::ifstream(r.markdown_file).rdbuf();
    for (const char* s : {"| Raw pixels | 3072 | 80 / 40 |", "| 35.77 |", "| 48.63 |", "| 39.67 |", "| 28.72 |",
                          "SimCLR embeddings (h)", "PCA of h", "t-SNE of h", "transductive"})
      QVERIFY2(md.str().find(s) != std::string::npos, s);
    // No temporary files left behind.
    int files = 0;
    for (const auto& e : fs::directory_iterator(run_dir_ / "evaluation")) files += e.is_regular_file();
    QCOMPARE(files, 2);
  }

  void unknownRepresentationFailsBeforeAnyWork() {
    TrainedRun run = open_trained_run(run_dir_, "", "cpu");
    fs::remove_all(run_dir_ / "evaluation");
    ComparisonOptions o = quick();
    o.representations = {"raw", "pixels"};
    QVERIFY_THROWS_EXCEPTION(ConfigError, compare_representations(run, o));
    QVERIFY(!fs::exists(run_dir_ / "evaluation"));
    o.representations = {"pca"};
    o.inputs.pca_components = 100000;
    QVERIFY_THROWS_EXCEPTION(ConfigError, compare_representations(run, o));
    QVERIFY(!fs::exists(run_dir_ / "evaluation"));
  }
};

QTEST_GUILESS_MAIN(TestRepresentationComparison)
#include "test_representation_comparison.moc"
