// `simclr-cli duplicates | outliers | select | clusters RUN` as a user runs them on a tiny
// trained run: exit 0 with JSON + CSV in <run>/explore/ whose contents agree with float64
// references computed here from the run's features, and exit 2 with a message naming the
// problem for bad input (missing run, bad k, count larger than the split, bad threshold).
#include <QtTest>

#include <QRegularExpression>

#include <map>
#include <sstream>
#include <set>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "engine/analysis/run_features.h"
#include "engine/analysis/trained_run.h"
#include "engine/core/atomic_file.h"
#include "engine/explore/clustering_agreement.h"
#include "engine/explore/k_center_greedy.h"
#include "engine/explore/union_find.h"
#include "tests/app/cli/cli_process.h"
#include "tests/support/csv_rows.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using simclr::test::cli;
using Outcome = simclr::test::ProcessOutcome;
namespace fs = std::filesystem;

namespace {

using Csv = test::CsvRows;
const auto read_csv = test::read_csv_rows;

nlohmann::json read_json(const fs::path& file) {
  return nlohmann::json::parse(read_file(file));
}

// Float64 cosine similarity [N, N] of a feature matrix.
torch::Tensor cosine(const torch::Tensor& x) {
  const auto u =
      torch::nn::functional::normalize(x.to(torch::kDouble), torch::nn::functional::NormalizeFuncOptions().dim(1));
  return u.mm(u.t());
}

}  // namespace

class TestExploreCommands : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-cli-explore"};
  QString run_;
  fs::path explore_;
  SplitFeatures test_;

  void expect_bad(const QStringList& args, const QString& message) {
    const Outcome o = cli(args);
    QVERIFY2(o.code == 2, qPrintable(QString("%1: exit %2: %3").arg(args.join(' ')).arg(o.code).arg(o.err)));
    QVERIFY2(o.err.contains(message), qPrintable(o.err));
    QVERIFY2(o.out.isEmpty(), qPrintable(o.out));
  }

 private Q_SLOTS:
  void initTestCase() {
    const fs::path run = test::train_tiny_run(dir_.path(), 29, 1, false);
    run_ = test::qpath(run);
    explore_ = run / "explore";
    TrainedRun opened = open_trained_run(run, "", "cpu");
    FeatureOptions options;
    options.use_cache = false;  // the commands' cache stays their own
    options.batch_size = opened.config.evaluation.batch_size;
    test_ = run_features(opened, "test", options);
    QCOMPARE(test_.labels.size(0), int64_t(40));
  }

  void badInputExitsWithTwo_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("duplicates: threshold") << QStringList{"duplicates", "RUN", "--threshold", "1.5"}
                                           << "--threshold: must be a cosine similarity in [-1, 1], got 1.5";
    QTest::newRow("duplicates: features")
        << QStringList{"duplicates", "RUN", "--features", "y"} << "--features: 'y' is not one of h|z";
    QTest::newRow("duplicates: missing run") << QStringList{"duplicates", "/no/such/run"} << "no such run folder";
    QTest::newRow("outliers: k too large")
        << QStringList{"outliers", "RUN", "-k", "40"}
        << "--k: 40 neighbours asked for, but the test split has 40 images (k at most 39)";
    QTest::newRow("outliers: k 0") << QStringList{"outliers", "RUN", "--k", "0"} << "--k: must be >= 1, got 0";
    QTest::newRow("outliers: missing run") << QStringList{"outliers", "/no/such/run"} << "no such run folder";
    QTest::newRow("select: count too large")
        << QStringList{"select", "RUN", "--count", "41"} << "--count: 41 images asked for, but the test split has 40";
    QTest::newRow("select: no count") << QStringList{"select", "RUN"} << "--count is required";
    QTest::newRow("select: split") << QStringList{"select", "RUN", "--count", "3", "--split", "val"}
                                   << "--split: 'val' is not one of train|test";
    QTest::newRow("select: missing run") << QStringList{"select", "/no/such/run", "--count", "3"}
                                         << "no such run folder";
    QTest::newRow("clusters: k 0") << QStringList{"clusters", "RUN", "--k", "0"} << "--k: must be >= 1, got 0";
    QTest::newRow("clusters: k too large") << QStringList{"clusters", "RUN", "--k", "41"}
                                           << "--k: 41 clusters asked for, but the test split has 40 images";
    QTest::newRow("clusters: missing run")
        << QStringList{"clusters", "/no/such/run", "--k", "3"} << "no such run folder";
  }
  void badInputExitsWithTwo() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    args.replaceInStrings(QStringLiteral("RUN"), run_);
    expect_bad(args, message);
  }

  void duplicatesMatchReference_data() {
    QTest::addColumn<QString>("features");
    QTest::newRow("h") << "h";
    QTest::newRow("z") << "z";
  }
  void duplicatesMatchReference() {
    QFETCH(QString, features);
    const torch::Tensor sim = cosine(test_.features(features.toStdString()));
    // A threshold near the 97th percentile of the pairwise similarities (some groups, not
    // one), in the middle of the widest gap there so float rounding cannot move a pair across.
    const torch::Tensor sorted =
        std::get<0>(sim.masked_select(torch::ones_like(sim, torch::kBool).triu(1)).sort()).contiguous();
    const auto v = sorted.accessor<double, 1>();
    const int64_t pairs = sorted.size(0);
    int64_t at = pairs * 95 / 100;
    for (int64_t i = at; i < pairs * 98 / 100; ++i)
      if (v[i + 1] - v[i] > v[at + 1] - v[at]) at = i;
    const double threshold = 0.5 * (v[at] + v[at + 1]);
    const Outcome o =
        cli({"duplicates", run_, "--features", features, "--threshold", QString::number(threshold, 'g', 17)});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    QVERIFY2(o.out.contains("near-duplicate groups"), qPrintable(o.out));

    UnionFind sets(40);
    const auto s = sim.accessor<double, 2>();
    for (int64_t i = 0; i < 40; ++i)
      for (int64_t j = i + 1; j < 40; ++j)
        if (s[i][j] >= threshold) sets.unite(i, j);
    std::map<int64_t, std::set<int64_t>> expected_by_root;
    for (int64_t i = 0; i < 40; ++i)
      if (sets.set_size(i) > 1) expected_by_root[sets.find(i)].insert(i);
    std::set<std::set<int64_t>> expected;
    for (const auto& [root, members] : expected_by_root) expected.insert(members);
    QVERIFY(!expected.empty());

    const std::string stem = "duplicates-test-" + features.toStdString();
    const nlohmann::json json = read_json(explore_ / (stem + ".json"));
    QCOMPARE(json["settings"]["threshold"].get<double>(), threshold);
    QCOMPARE(json["images"].get<int64_t>(), int64_t(40));
    QCOMPARE(json["csv"].get<std::string>(), stem + ".csv");
    const Csv csv = read_csv(explore_ / (stem + ".csv"));
    QCOMPARE(csv.front(), (std::vector<std::string>{"index", "group", "similarity", "label"}));
    std::map<std::string, std::set<int64_t>> by_group;
    for (size_t r = 1; r < csv.size(); ++r) {
      const int64_t i = std::stoll(csv[r][0]);
      by_group[csv[r][1]].insert(i);
      QCOMPARE(std::stoll(csv[r][3]), test_.labels[i].item<int64_t>());
      QVERIFY(std::stod(csv[r][2]) >= threshold - 1e-5);
    }
    std::set<std::set<int64_t>> got;
    for (const auto& [g, members] : by_group) got.insert(members);
    QCOMPARE(got, expected);
    QCOMPARE(json["groups"].size(), expected.size());
    // Each listed pair carries its similarity.
    for (const auto& group : json["groups"])
      for (const auto& pair : group["pairs"])
        QVERIFY(qAbs(pair[2].get<double>() - s[pair[0].get<int64_t>()][pair[1].get<int64_t>()]) < 1e-4);
  }

  void outliersRankByMeanDistance() {
    // --cosine: the plain cosine score, checked against a reference here; the whitened default
    // is checked against its own reference in test_outlier_scores.
    const Outcome o = cli({"outliers", run_, "-k", "5", "--top", "3", "--cosine"});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    QVERIFY2(o.out.contains("most unusual first:"), qPrintable(o.out));
    const torch::Tensor distance = (1.0 - cosine(test_.h)).fill_diagonal_(std::numeric_limits<double>::infinity());
    const torch::Tensor score = std::get<0>(distance.topk(5, 1, false)).mean(1);  // [40]
    const Csv csv = read_csv(explore_ / "outliers-test-h.csv");
    QCOMPARE(csv.size(), size_t(41));
    QCOMPARE(csv.front(), (std::vector<std::string>{"rank", "index", "score", "nearest", "nearest_distance", "label"}));
    QVERIFY(score[std::stoll(csv[1][1])].item<double>() >= score.max().item<double>() - 1e-6);
    double previous = 3;
    for (size_t r = 1; r < csv.size(); ++r) {
      const double got = std::stod(csv[r][2]);
      QVERIFY(got <= previous);
      previous = got;
      QVERIFY(qAbs(got - score[std::stoll(csv[r][1])].item<double>()) < 1e-5);
    }
    const nlohmann::json json = read_json(explore_ / "outliers-test-h.json");
    QCOMPARE(json["settings"]["k"].get<int64_t>(), int64_t(5));
    QCOMPARE(json["settings"]["whiten"].get<bool>(), false);
    QCOMPARE(json["ranking"].size(), size_t(40));
    // By default the features are whitened first, and the file says so.
    const Outcome whitened = cli({"outliers", run_, "-k", "5"});
    QVERIFY2(whitened.code == 0, qPrintable(whitened.err));
    const nlohmann::json w = read_json(explore_ / "outliers-test-h.json");
    QCOMPARE(w["settings"]["whiten"].get<bool>(), true);
    QVERIFY2(w["score"].get<std::string>().find("whitened") != std::string::npos, w["score"].dump().c_str());
    const Csv ranked = read_csv(explore_ / "outliers-test-h.csv");
    for (size_t r = 2; r < ranked.size(); ++r) QVERIFY(std::stod(ranked[r][2]) <= std::stod(ranked[r - 1][2]));
    // The train split too (80 images).
    const Outcome train = cli({"outliers", run_, "--split", "train", "--features", "z"});
    QVERIFY2(train.code == 0, qPrintable(train.err));
    QCOMPARE(read_csv(explore_ / "outliers-train-z.csv").size(), size_t(81));
  }

  void selectCoversFromTheSeededStart() {
    const Outcome o = cli({"select", run_, "--count", "12", "--seed", "3"});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    QVERIFY2(o.out.contains("chose 12 of 40 test images by k-center greedy"), qPrintable(o.out));
    const Csv csv = read_csv(explore_ / "select-test-h-12-seed3.csv");
    QCOMPARE(csv.size(), size_t(13));
    QCOMPARE(csv.front(), (std::vector<std::string>{"order", "index", "radius", "label"}));
    QCOMPARE(std::stoll(csv[1][1]), k_center_first_index(3, 40));
    // Each pick is the farthest from those before; the radius never grows.
    const torch::Tensor distance = 1.0 - cosine(test_.h);
    torch::Tensor nearest = distance[std::stoll(csv[1][1])].clone();
    std::set<int64_t> chosen;
    for (size_t r = 1; r < csv.size(); ++r) {
      const int64_t i = std::stoll(csv[r][1]);
      QVERIFY(chosen.insert(i).second);
      if (r > 1) {
        QVERIFY(nearest[i].item<double>() >= nearest.max().item<double>() - 1e-5);
        QVERIFY(std::stod(csv[r][2]) <= std::stod(csv[r - 1][2]));
      }
      nearest = torch::minimum(nearest, distance[i]);
      QVERIFY(qAbs(std::stod(csv[r][2]) - nearest.max().item<double>()) < 1e-5);
    }
    const nlohmann::json json = read_json(explore_ / "select-test-h-12-seed3.json");
    QCOMPARE(json["indices"].size(), size_t(12));
    QCOMPARE(json["settings"]["seed"].get<int64_t>(), int64_t(3));
    // The same seed gives the same subset.
    const std::string first = read_file(explore_ / "select-test-h-12-seed3.csv");
    QCOMPARE(cli({"select", run_, "--count", "12", "--seed", "3"}).code, 0);
    QCOMPARE(read_file(explore_ / "select-test-h-12-seed3.csv"), first);
  }

  void clustersReportAgreementWithLabels() {
    const Outcome o = cli({"clusters", run_, "--k", "4", "--seed", "1"});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    QVERIFY2(o.out.contains("raw pixels"), qPrintable(o.out));
    const nlohmann::json json = read_json(explore_ / "clusters-test-h-k4-seed1.json");
    const Csv csv = read_csv(explore_ / "clusters-test-h-k4-seed1.csv");
    QCOMPARE(csv.size(), size_t(41));
    QCOMPARE(csv.front(), (std::vector<std::string>{"index", "cluster", "pixel_cluster", "label"}));
    std::vector<int64_t> clusters, pixel_clusters, labels;
    for (size_t r = 1; r < csv.size(); ++r) {
      QCOMPARE(std::stoll(csv[r][0]), static_cast<long long>(r - 1));
      clusters.push_back(std::stoll(csv[r][1]));
      pixel_clusters.push_back(std::stoll(csv[r][2]));
      labels.push_back(std::stoll(csv[r][3]));
      QCOMPARE(labels.back(), test_.labels[static_cast<int64_t>(r - 1)].item<int64_t>());
      QVERIFY(clusters.back() >= 0 && clusters.back() < 4);
    }
    const ClusteringAgreement embedded = clustering_agreement(clusters, labels);
    const ClusteringAgreement pixels = clustering_agreement(pixel_clusters, labels);
    QVERIFY(qAbs(json["embedding"]["nmi"].get<double>() - embedded.nmi) < 1e-12);
    QVERIFY(qAbs(json["embedding"]["ari"].get<double>() - embedded.ari) < 1e-12);
    QVERIFY(qAbs(json["pixels"]["nmi"].get<double>() - pixels.nmi) < 1e-12);
    QVERIFY(qAbs(json["pixels"]["ari"].get<double>() - pixels.ari) < 1e-12);
    QCOMPARE(json["settings"]["k"].get<int64_t>(), int64_t(4));
    QCOMPARE(json["embedding"]["assignments"].get<std::vector<int64_t>>(), clusters);
    // Printed to 4 decimals in the agreement table.
    const auto row = QRegularExpression(R"(embeddings \(h\)\s+(-?\d\.\d{4})\s+(-?\d\.\d{4}))").match(o.out);
    QVERIFY2(row.hasMatch(), qPrintable(o.out));
    QVERIFY(qAbs(row.captured(1).toDouble() - embedded.nmi) < 1e-4);
    // Determinism: the same seed, the same clusters.
    const std::string before = read_file(explore_ / "clusters-test-h-k4-seed1.csv");
    QCOMPARE(cli({"clusters", run_, "--k", "4", "--seed", "1"}).code, 0);
    QCOMPARE(read_file(explore_ / "clusters-test-h-k4-seed1.csv"), before);
  }

  void defaultThresholdIsWritten() {
    const Outcome o = cli({"duplicates", run_, "--split", "train"});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    QVERIFY2(o.out.contains("among 80 train images at cosine similarity >= 0.999 of h features"), qPrintable(o.out));
    const nlohmann::json json = read_json(explore_ / "duplicates-train-h.json");
    QCOMPARE(json["settings"]["threshold"].get<double>(), 0.999);
    QCOMPARE(json["split"].get<std::string>(), std::string("train"));
    QCOMPARE(json["command"].get<std::string>(), std::string("duplicates"));
  }

  // A result that cannot be written is a runtime failure: exit 1, the path named.
  void unwritableResultExitsWithOne() {
    const fs::path copy = dir_.path() / "copy";
    fs::copy(run_.toStdString(), copy, fs::copy_options::recursive);
    fs::remove_all(copy / "explore");
    write_file_atomically(copy / "explore", "not a folder\n");
    const Outcome o = cli({"select", test::qpath(copy), "--count", "3"});
    QVERIFY2(o.code == 1, qPrintable(QString("exit %1: %2").arg(o.code).arg(o.err)));
    QVERIFY2(o.err.contains(test::qpath(copy / "explore")), qPrintable(o.err));
  }

  // Every result in <run>/explore/ is a JSON + CSV pair, no temporaries left.
  void onlyCompletePairsAreLeft() {
    std::set<std::string> json, csv;
    for (const auto& e : fs::directory_iterator(explore_)) {
      const std::string name = e.path().filename().string();
      QVERIFY2(name.front() != '.', name.c_str());
      if (e.path().extension() == ".json")
        json.insert(e.path().stem().string());
      else if (e.path().extension() == ".csv")
        csv.insert(e.path().stem().string());
      else
        QFAIL(name.c_str());
    }
    QCOMPARE(json, csv);
    QVERIFY(json.size() >= 6);
  }
};

QTEST_GUILESS_MAIN(TestExploreCommands)
#include "test_explore_commands.moc"
