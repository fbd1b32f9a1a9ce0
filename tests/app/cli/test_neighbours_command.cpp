// `simclr-cli neighbours RUN` as a user runs it: the k nearest images of a query by cosine
// similarity and precision@k, and with --all the mean precision@k per class, both checked
// against a float64 search over the run's features done here; exit code 2 for bad input.
#include <QtTest>

#include <QRegularExpression>

#include <torch/torch.h>

#include "engine/analysis/run_features.h"
#include "engine/analysis/trained_run.h"
#include "engine/core/job.h"
#include "engine/train/trainer.h"
#include "tests/app/cli/cli_process.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using simclr::test::cli;
using Outcome = simclr::test::ProcessOutcome;
namespace fs = std::filesystem;

namespace {
struct Row {
  int64_t index;
  double similarity;
  int64_t label;
  bool marked;
};

// The neighbour rows of a --query answer: "rank index similarity label class [*]".
std::vector<Row> neighbour_rows(const QString& out) {
  static const QRegularExpression row(QStringLiteral(R"(^\s*(\d+)\s+(\d+)\s+(-?\d\.\d{4})\s+(\d+)\s+\S+\s*(\*?)$)"));
  std::vector<Row> rows;
  for (const QString& line : out.split('\n')) {
    const auto m = row.match(line);
    if (m.hasMatch())
      rows.push_back(
          {m.captured(2).toLongLong(), m.captured(3).toDouble(), m.captured(4).toLongLong(), !m.captured(5).isEmpty()});
  }
  return rows;
}

double number_after(const QString& out, const QString& prefix) {
  const auto m = QRegularExpression(QRegularExpression::escape(prefix) + R"(\s*(\d\.\d{4}))").match(out);
  return m.hasMatch() ? m.captured(1).toDouble() : -1;
}
}  // namespace

class TestNeighboursCommand : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-cli-neighbours"};
  QString run_;
  torch::Tensor similarity_;  // double [40, 40], cosine similarity of the test split's h, -inf on the diagonal
  torch::Tensor labels_;      // int64 [40]
  std::vector<std::string> class_names_;

 private Q_SLOTS:
  void initTestCase() {
    run_ = QString::fromStdString(test::train_tiny_run(dir_.path(), 13, 1, false).string());
    TrainedRun run = open_trained_run(run_.toStdString(), "", "cpu");
    FeatureOptions options;
    options.use_cache = false;  // the command's cache stays its own
    options.batch_size = run.config.evaluation.batch_size;
    const SplitFeatures test = run_features(run, "test", options);
    const torch::Tensor h = torch::nn::functional::normalize(test.h.to(torch::kDouble),
                                                             torch::nn::functional::NormalizeFuncOptions().dim(1));
    similarity_ = h.mm(h.t()).fill_diagonal_(-std::numeric_limits<double>::infinity());
    labels_ = test.labels;
    class_names_ = test.class_names;
    QCOMPARE(labels_.size(0), int64_t(40));
  }

  void badInputExitsWithTwo_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("no query") << QStringList{"neighbours", "RUN"} << "give either --query INDEX or --all";
    QTest::newRow("both") << QStringList{"neighbours", "RUN", "--query", "1", "--all"}
                          << "give either --query INDEX or --all";
    QTest::newRow("out of range") << QStringList{"neighbours", "RUN", "--query", "40"}
                                  << "--query: index 40 is out of range: the test split has 40 images (0..39)";
    QTest::newRow("k too large") << QStringList{"neighbours", "RUN", "--query", "0", "-k", "40"}
                                 << "-k: 40 neighbours asked for, but the test bank has 39 candidates";
    QTest::newRow("bank") << QStringList{"neighbours", "RUN", "--all", "--bank", "val"}
                          << "--bank: 'val' is not one of train|test";
    QTest::newRow("missing run") << QStringList{"neighbours", "/no/such/run", "--all"} << "no such run folder";
  }
  void badInputExitsWithTwo() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    args.replaceInStrings(QStringLiteral("RUN"), run_);
    const Outcome o = cli(args);
    QVERIFY2(o.code == 2, qPrintable(QString("exit %1: %2").arg(o.code).arg(o.err)));
    QVERIFY2(o.err.contains(message), qPrintable(o.err));
    QVERIFY(o.out.isEmpty());
  }

  void queryFindsTheNearest() {
    const int64_t query = 3, k = 5;
    const Outcome o = cli({"neighbours", run_, "--query", QString::number(query), "-k", QString::number(k)});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    const int64_t label = labels_[query].item<int64_t>();
    QVERIFY2(o.out.contains(QString("query: test #3, label %1").arg(label)), qPrintable(o.out));

    const auto [expected_sim, expected_index] = similarity_[query].topk(k);
    const std::vector<Row> rows = neighbour_rows(o.out);
    QCOMPARE(rows.size(), size_t(k));
    int same = 0;
    for (int64_t r = 0; r < k; ++r) {
      QCOMPARE(rows[r].index, expected_index[r].item<int64_t>());
      QVERIFY(qAbs(rows[r].similarity - expected_sim[r].item<double>()) < 2e-4);
      QCOMPARE(rows[r].label, labels_[rows[r].index].item<int64_t>());
      QCOMPARE(rows[r].marked, rows[r].label == label);
      same += rows[r].label == label;
    }
    QCOMPARE(number_after(o.out, QString("precision@%1:").arg(k)), double(same) / k);
  }

  void allGivesMeanPrecision() {
    const int64_t k = 3;
    const Outcome o = cli({"neighbours", run_, "--all", "-k", QString::number(k)});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    const torch::Tensor nearest = std::get<1>(similarity_.topk(k, 1));                                // [40, k]
    const torch::Tensor hits = labels_.index({nearest}).eq(labels_.unsqueeze(1)).to(torch::kDouble);  // [40, k]
    const double expected = hits.mean().item<double>();
    const double shown = number_after(o.out, "(each query excluded) by cosine similarity of h features:");
    QVERIFY2(qAbs(shown - expected) < 1e-4, qPrintable(QString("%1 vs %2\n%3").arg(shown).arg(expected).arg(o.out)));
    // One row per class present: its name, number of queries and mean precision@k.
    const torch::Tensor per_query = hits.mean(1);  // [40]
    int classes = 0;
    for (int64_t c = 0; c < static_cast<int64_t>(class_names_.size()); ++c) {
      const torch::Tensor mask = labels_.eq(c);
      const int64_t count = mask.sum().item<int64_t>();
      if (count == 0) continue;
      ++classes;
      const QString name = QString::fromStdString(class_names_[static_cast<size_t>(c)]);
      const QString row = QString(R"(\n%1\s+%2\s+(\d\.\d{4})\n)").arg(QRegularExpression::escape(name)).arg(count);
      const auto m = QRegularExpression(row).match(o.out);
      QVERIFY2(m.hasMatch(), qPrintable(name + " " + QString::number(count) + " in\n" + o.out));
      QVERIFY(qAbs(m.captured(1).toDouble() - per_query.masked_select(mask).mean().item<double>()) < 1e-4);
    }
    QVERIFY(classes >= 2);
  }

  void otherSplitAsBank() {
    const Outcome o = cli({"neighbours", run_, "--query", "0", "--bank", "train", "-k", "4"});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    QVERIFY2(o.out.contains("4 nearest in train by cosine similarity of h features:\n"), qPrintable(o.out));
    const std::vector<Row> rows = neighbour_rows(o.out);
    QCOMPARE(rows.size(), size_t(4));
    for (const Row& r : rows) QVERIFY(r.index >= 0 && r.index < 80);
    for (size_t i = 1; i < rows.size(); ++i) QVERIFY(rows[i - 1].similarity >= rows[i].similarity);
  }
};

QTEST_GUILESS_MAIN(TestNeighboursCommand)
#include "test_neighbours_command.moc"
