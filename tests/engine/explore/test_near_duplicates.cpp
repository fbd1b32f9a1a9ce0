// Near-duplicate groups on synthetic embeddings: planted exact and near duplicates are all
// found with no false group at the threshold, and for lower thresholds the blockwise
// search gives exactly the connected components of a float64 full-matrix reference.
#include <QtTest>

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/explore/faiss_neighbours.h"
#include "engine/explore/near_duplicates.h"
#include "engine/explore/union_find.h"

using namespace simclr;

namespace {

torch::Tensor random_rows(int64_t n, int64_t d, uint64_t seed) {
  auto gen = make_generator(seed);
  return torch::randn({n, d}, gen, torch::kFloat);
}

// Groups (members ascending) of a float64 full similarity matrix at `threshold`, as a set.
std::set<std::vector<int64_t>> reference_groups(const torch::Tensor& x, double threshold) {
  const auto u =
      torch::nn::functional::normalize(x.to(torch::kDouble), torch::nn::functional::NormalizeFuncOptions().dim(1));
  const auto sim = u.mm(u.t());
  const int64_t n = x.size(0);
  UnionFind sets(n);
  const auto s = sim.accessor<double, 2>();
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i + 1; j < n; ++j)
      if (s[i][j] >= threshold) sets.unite(i, j);
  std::map<int64_t, std::vector<int64_t>> by_root;
  for (int64_t i = 0; i < n; ++i)
    if (sets.set_size(i) > 1) by_root[sets.find(i)].push_back(i);
  std::set<std::vector<int64_t>> groups;
  for (auto& [root, members] : by_root) groups.insert(members);
  return groups;
}

std::set<std::vector<int64_t>> groups_of(const DuplicateResult& r) {
  std::set<std::vector<int64_t>> groups;
  for (const auto& g : r.groups) groups.insert(g.members);
  return groups;
}

}  // namespace

class TestNearDuplicates : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void plantedPairsAreFoundAndNothingElse_data() {
    QTest::addColumn<QString>("index");
    QTest::newRow("exact") << "exact";
    QTest::newRow("auto (exact at this size)") << "auto";
    QTest::newRow("FAISS flat") << "flat";
    QTest::newRow("FAISS HNSW") << "hnsw";
    QTest::newRow("FAISS IVF") << "ivf";
  }
  void plantedPairsAreFoundAndNothingElse() {
    QFETCH(QString, index);
    if (index == "flat" || index == "hnsw" || index == "ivf") {
      if (!faiss_supported()) QSKIP("this build has no FAISS");
    }
    // 300 random directions in 32-d: two of them have a cosine similarity below ~0.8.
    torch::Tensor x = random_rows(300, 32, 7);
    auto gen = make_generator(8);
    // Exact duplicates (also scaled: cosine ignores length), near duplicates (small noise),
    // and a chain of three.
    const std::vector<std::pair<int64_t, int64_t>> exact = {{10, 200}, {45, 46}, {299, 0}};
    const std::vector<std::pair<int64_t, int64_t>> near = {{3, 150}, {77, 120}, {250, 12}};
    for (const auto& [a, b] : exact) x[b] = x[a] * (b % 2 ? 2.5 : 1.0);
    for (const auto& [a, b] : near) x[b] = x[a] + 0.05 * torch::randn({32}, gen);
    x[31] = x[30] + 0.05 * torch::randn({32}, gen);
    x[32] = x[31] + 0.05 * torch::randn({32}, gen);

    DuplicateOptions options;
    options.threshold = 0.95;
    options.index = index.toStdString();
    options.max_block_elements = 3000;  // 10 rows a block: 30 blocks
    int progress_calls = 0;
    JobCallbacks callbacks;
    callbacks.on_progress = [&](const Progress& p) {
      ++progress_calls;
      if (index == "exact") QCOMPARE(p.total, 30LL);
    };
    const DuplicateResult r = find_near_duplicates(x, options, callbacks);
    QCOMPARE(QString::fromStdString(r.index), index == "auto" ? QStringLiteral("exact") : index);
    QVERIFY(progress_calls >= 1);

    std::set<std::vector<int64_t>> expected;
    for (const auto& [a, b] : exact) expected.insert({std::min(a, b), std::max(a, b)});
    for (const auto& [a, b] : near) expected.insert({std::min(a, b), std::max(a, b)});
    expected.insert({30, 31, 32});
    QCOMPARE(groups_of(r), expected);
    QCOMPARE(r.images_in_groups, int64_t(15));
    // Largest group first.
    QCOMPARE(r.groups.front().members, (std::vector<int64_t>{30, 31, 32}));
    for (const DuplicateGroup& g : r.groups) {
      QVERIFY(g.all_pairs);
      const size_t m = g.members.size();
      QCOMPARE(g.pairs.size(), m * (m - 1) / 2);
      QCOMPARE(g.best.size(), m);
      for (const float b : g.best) QVERIFY(b >= 0.95f && b <= 1.0001f);
      QVERIFY(g.min_link >= 0.95f);
    }
    // Exact duplicates have similarity 1.
    for (const DuplicateGroup& g : r.groups)
      if (g.members == std::vector<int64_t>{10, 200} || g.members == std::vector<int64_t>{0, 299})
        QVERIFY(qAbs(g.pairs.front().similarity - 1.0f) < 1e-5);
  }

  void blockwiseMatchesFullReference_data() {
    QTest::addColumn<double>("threshold");
    QTest::addColumn<qint64>("block");
    QTest::newRow("0.5, 1-row blocks") << 0.5 << qint64(1);
    QTest::newRow("0.5, 7-row blocks") << 0.5 << qint64(7 * 120);
    QTest::newRow("0.6, one block") << 0.6 << qint64(1 << 22);
    QTest::newRow("0.3, 13-row blocks") << 0.3 << qint64(13 * 120);
  }
  void blockwiseMatchesFullReference() {
    QFETCH(double, threshold);
    QFETCH(qint64, block);
    // 120 points in 6-d: at these thresholds many random pairs link into chains.
    const torch::Tensor x = random_rows(120, 6, 21);
    DuplicateOptions options;
    options.threshold = threshold;
    options.max_block_elements = block;
    options.max_pairwise_members = 8;  // large groups list their linking pairs only
    const DuplicateResult r = find_near_duplicates(x, options);
    QCOMPARE(groups_of(r), reference_groups(x, threshold));
    int64_t pairs = 0;
    for (const DuplicateGroup& g : r.groups) {
      if (!g.all_pairs) {
        QVERIFY(g.members.size() > 8);
        QVERIFY(g.pairs.size() >= g.members.size() - 1);  // at least a spanning tree
        pairs += static_cast<int64_t>(g.pairs.size());
        for (const DuplicatePair& p : g.pairs) QVERIFY(p.similarity >= threshold && p.a < p.b);
      }
    }
    QVERIFY(r.linking_pairs >= pairs);
  }

  // With every other image as a neighbour, the FAISS flat search links exactly the pairs the
  // exact search does, chains included.
  void faissFlatMatchesTheReference() {
    if (!faiss_supported()) QSKIP("this build has no FAISS");
    const torch::Tensor x = random_rows(120, 6, 21);
    DuplicateOptions options;
    options.threshold = 0.6;
    options.index = "flat";
    options.neighbours = 119;
    const DuplicateResult r = find_near_duplicates(x, options);
    QCOMPARE(groups_of(r), reference_groups(x, 0.6));
    DuplicateOptions exact = options;
    exact.index = "exact";
    QCOMPARE(r.linking_pairs, find_near_duplicates(x, exact).linking_pairs);
    QCOMPARE(QString::fromStdString(duplicate_search_for("auto", kExactDuplicateSearchAtMost)),
             QStringLiteral("exact"));
    QCOMPARE(QString::fromStdString(duplicate_search_for("auto", kExactDuplicateSearchAtMost + 1)),
             faiss_supported() ? QStringLiteral("ivf") : QStringLiteral("exact"));
  }

  void keptPairsAreCapped() {
    const torch::Tensor x = random_rows(60, 4, 3);
    DuplicateOptions options;
    options.threshold = -1.0;  // every pair links: one group of all
    options.max_kept_pairs = 100;
    options.max_pairwise_members = 10;
    const DuplicateResult r = find_near_duplicates(x, options);
    QCOMPARE(r.groups.size(), size_t(1));
    QCOMPARE(r.groups[0].members.size(), size_t(60));
    QCOMPARE(r.linking_pairs, int64_t(60 * 59 / 2));
    QVERIFY(r.pairs_truncated);
    QCOMPARE(r.groups[0].pairs.size(), size_t(100));
  }

  void badInputIsRefused() {
    const torch::Tensor x = random_rows(10, 4, 1);
    DuplicateOptions options;
    options.threshold = 1.5;
    QVERIFY_THROWS_EXCEPTION(ConfigError, find_near_duplicates(x, options));
    options.threshold = -1.01;
    QVERIFY_THROWS_EXCEPTION(ConfigError, find_near_duplicates(x, options));
    options.threshold = 0.9;
    QVERIFY_THROWS_EXCEPTION(ConfigError, find_near_duplicates(torch::zeros({10}), options));
    torch::Tensor bad = x.clone();
    bad[2][1] = std::numeric_limits<float>::quiet_NaN();
    QVERIFY_THROWS_EXCEPTION(DataError, find_near_duplicates(bad, options));
    options.index = "annoy";
    QVERIFY_THROWS_EXCEPTION(ConfigError, find_near_duplicates(x, options));
    options.index = "exact";
    options.neighbours = 0;
    QVERIFY_THROWS_EXCEPTION(ConfigError, find_near_duplicates(x, options));
    options.neighbours = 16;
    StopToken stop;
    stop.request_stop();
    QVERIFY_THROWS_EXCEPTION(CancelledError, find_near_duplicates(x, options, {}, stop));
  }
};

QTEST_GUILESS_MAIN(TestNearDuplicates)
#include "test_near_duplicates.moc"
