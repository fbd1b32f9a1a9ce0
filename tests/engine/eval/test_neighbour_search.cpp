#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numeric>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/eval/neighbour_search.h"

using namespace simclr;

namespace {

struct Ref {
  std::vector<int64_t> index;
  std::vector<double> sim;
};

// Float64 reference: cosine similarity of the query to every bank row, full stable sort
// by similarity (descending), so equal similarities keep ascending indices.
Ref brute_force(const torch::Tensor& bank, const torch::Tensor& query, int64_t exclude) {
  const auto b = bank.to(torch::kDouble);
  const auto q = query.to(torch::kDouble);
  std::vector<std::pair<double, int64_t>> all;
  for (int64_t j = 0; j < b.size(0); ++j) {
    if (j == exclude) continue;
    const double nb = b[j].norm().item<double>(), nq = q.norm().item<double>();
    const double s = nb > 0 && nq > 0 ? (b[j] * q).sum().item<double>() / (nb * nq) : 0.0;
    all.emplace_back(s, j);
  }
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& c) { return a.first > c.first; });
  Ref r;
  for (const auto& [s, j] : all) {
    r.sim.push_back(s);
    r.index.push_back(j);
  }
  return r;
}

// Rows with entries in {-1, 0, 1} and exactly four non-zeros: the norm is exactly 2, so
// every cosine similarity is a multiple of 1/4 computed without rounding in any summation
// order; many similarities tie exactly.
torch::Tensor tied_rows(int64_t n, int64_t d, uint64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  auto x = torch::zeros({n, d});
  for (int64_t i = 0; i < n; ++i) {
    const auto cols = torch::randperm(d, gen, torch::kLong).slice(0, 0, 4);
    const auto signs = torch::randint(0, 2, {4}, gen, torch::kFloat) * 2 - 1;
    x[i].index_put_({cols}, signs);
  }
  return x;
}

// Our neighbours agree with the reference: identical indices, except that two indices
// may swap places where their reference similarities differ by less than float rounding.
void compare_with_reference(const std::vector<Neighbour>& got, const Ref& ref, double tolerance) {
  QVERIFY(got.size() <= ref.index.size());
  for (size_t j = 0; j < got.size(); ++j) {
    QVERIFY2(std::abs(got[j].similarity - ref.sim[j]) <= 1e-5, qPrintable(QString("position %1").arg(j)));
    if (got[j].index == ref.index[j]) continue;
    const auto at = std::find(ref.index.begin(), ref.index.end(), got[j].index) - ref.index.begin();
    QVERIFY2(static_cast<size_t>(at) < ref.index.size() && std::abs(ref.sim[at] - ref.sim[j]) <= tolerance,
             qPrintable(QString("position %1: index %2 instead of %3").arg(j).arg(got[j].index).arg(ref.index[j])));
  }
}

}  // namespace

class TestNeighbourSearch : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void matchesBruteForce_data() {
    QTest::addColumn<int>("k");
    QTest::addColumn<int>("blockRows");
    QTest::newRow("k1") << 1 << 64;
    QTest::newRow("k5 blocks of 7") << 5 << 7;
    QTest::newRow("k20 one block") << 20 << 1000;
  }
  void matchesBruteForce() {
    QFETCH(int, k);
    QFETCH(int, blockRows);
    torch::manual_seed(11);
    const int64_t m = 300, d = 16, q = 45;
    const auto bank = torch::randn({m, d}) * torch::rand({m, 1}) * 5;  // varied norms
    const auto labels = torch::randint(3, {m}, torch::kLong);
    const auto queries = torch::randn({q, d});
    const NeighbourIndex index(bank, labels);
    NeighbourSearchOptions options;
    options.max_block_elements = blockRows * m;
    int64_t last_step = 0;
    JobCallbacks callbacks;
    callbacks.on_progress = [&](const Progress& p) { last_step = p.step; };
    const auto table = index.search(queries, k, {}, options, callbacks);
    QCOMPARE(last_step, q);
    QCOMPARE(table.indices.sizes().vec(), (std::vector<int64_t>{q, k}));
    for (int64_t i = 0; i < q; ++i) {
      const Ref ref = brute_force(bank, queries[i], -1);
      compare_with_reference(table.row(i), ref, 1e-6);
      compare_with_reference(index.query(queries[i], k), ref, 1e-6);
      for (const auto& n : table.row(i)) QCOMPARE(n.label, labels[n.index].item<int64_t>());
    }
  }

  void exactTiesFollowIndexOrder_data() {
    QTest::addColumn<int>("k");
    QTest::addColumn<int>("blockRows");
    QTest::newRow("k1") << 1 << 3;
    QTest::newRow("k7") << 7 << 16;
    QTest::newRow("k40") << 40 << 1000;
  }
  void exactTiesFollowIndexOrder() {
    QFETCH(int, k);
    QFETCH(int, blockRows);
    const int64_t m = 200, d = 8;
    // Duplicated rows too: their similarities to any query are exactly equal.
    auto bank = tied_rows(m, d, 5);
    bank.slice(0, 100, 150).copy_(bank.slice(0, 0, 50));
    const auto queries = tied_rows(30, d, 6);
    const NeighbourIndex index(bank * 3);  // scale must not matter
    NeighbourSearchOptions options;
    options.max_block_elements = blockRows * m;
    const auto table = index.search(queries, k, {}, options);
    const auto self = index.search_self(k, true, options);
    for (int64_t i = 0; i < queries.size(0); ++i) {
      const Ref ref = brute_force(bank, queries[i], -1);
      compare_with_reference(table.row(i), ref, 0.0);  // tolerance 0: exact order required
      compare_with_reference(index.query(queries[i], k), ref, 0.0);
    }
    for (int64_t i = 0; i < m; i += 7) {
      const Ref ref = brute_force(bank, bank[i], i);
      compare_with_reference(self.row(i), ref, 0.0);
      compare_with_reference(index.query(i, k), ref, 0.0);
      compare_with_reference(index.query(bank[i], k, i), ref, 0.0);
    }
  }

  void selfIsExcludedOnlyWhenAsked() {
    torch::manual_seed(2);
    const auto bank = torch::randn({50, 6});
    const NeighbourIndex index(bank);
    const auto without = index.search_self(5, true);
    const auto with = index.search_self(5, false);
    for (int64_t i = 0; i < 50; ++i) {
      const auto row = without.row(i);
      QVERIFY(std::none_of(row.begin(), row.end(), [&](const Neighbour& n) { return n.index == i; }));
      QCOMPARE(with.row(i).front().index, i);  // itself, similarity 1
      QVERIFY(std::abs(with.row(i).front().similarity - 1.f) < 1e-5f);
      const auto single = index.query(i, 5);
      for (int j = 0; j < 5; ++j) QCOMPARE(single[j].index, row[j].index);
    }
    // Per-query exclusion in a batch: -1 leaves that query alone.
    const auto ex = torch::tensor({3, -1}, torch::kLong);
    const auto batch = index.search(bank.index_select(0, torch::tensor({3, 4}, torch::kLong)), 3, ex);
    QVERIFY(batch.row(0).front().index != 3);
    QCOMPARE(batch.row(1).front().index, int64_t{4});
    // The exact duplicate of the query is still found, first, with similarity 1.
    auto dup = bank.clone();
    dup[7].copy_(dup[8]);
    const auto nn = NeighbourIndex(dup).query(8, 1);
    QCOMPARE(nn.front().index, int64_t{7});
  }

  void precisionAnalytic() {
    // Two tight clusters on orthogonal axes, labels {0, 0, 1} and {1, 1, 1}. With k = 2
    // and the query excluded, the neighbours are the other two members of its cluster.
    torch::manual_seed(4);
    auto bank = torch::zeros({6, 4});
    bank.slice(0, 0, 3).select(1, 0).fill_(1);
    bank.slice(0, 3, 6).select(1, 1).fill_(1);
    bank += 0.01 * torch::randn({6, 4});
    const auto labels = torch::tensor({0, 0, 1, 1, 1, 1}, torch::kLong);
    const NeighbourIndex index(bank, labels);
    const auto table = index.search_self(2, true);
    const auto per_query = precision_at_k(table, labels);
    const std::vector<double> expected{0.5, 0.5, 0.0, 1.0, 1.0, 1.0};
    for (int64_t i = 0; i < 6; ++i) {
      QCOMPARE(per_query[i].item<double>(), expected[i]);
      QCOMPARE(precision_at_k(index.query(i, 2), labels[i].item<int64_t>()), expected[i]);
    }
    QCOMPARE(mean_precision_at_k(table, labels), 4.0 / 6.0);
    // A query from outside the bank: cluster 0's direction, label 0 -> 2 of its 3 neighbours.
    QCOMPARE(precision_at_k(index.query(torch::tensor({1.f, 0.f, 0.f, 0.f}), 3), 0), 2.0 / 3.0);
  }

  void badInputIsRejected() {
    const auto bank = torch::randn({10, 4});
    const NeighbourIndex index(bank, torch::zeros({10}, torch::kLong));
    QVERIFY_THROWS_EXCEPTION(ConfigError, index.query(0, 0));
    QVERIFY_THROWS_EXCEPTION(ConfigError, index.query(0, 10));  // only 9 without itself
    QVERIFY_THROWS_EXCEPTION(ConfigError, index.query(10, 3));
    QVERIFY_THROWS_EXCEPTION(ConfigError, index.query(-1, 3));
    QCOMPARE(index.query(0, 9).size(), size_t{9});
    QCOMPARE(index.query(0, 10, false).size(), size_t{10});
    QVERIFY_THROWS_EXCEPTION(ConfigError, index.query(torch::randn({5}), 3));
    QVERIFY_THROWS_EXCEPTION(ConfigError, index.query(torch::randn({4}), 3, 10));
    QVERIFY_THROWS_EXCEPTION(ConfigError, index.search(torch::randn({3, 5}), 3));
    QVERIFY_THROWS_EXCEPTION(ConfigError, index.search(torch::randn({3, 4}), 11));
    QVERIFY_THROWS_EXCEPTION(ConfigError, index.search(torch::randn({3, 4}), 3, torch::tensor({0, 1}, torch::kLong)));
    QVERIFY_THROWS_EXCEPTION(ConfigError, index.search(torch::randn({2, 4}), 3, torch::tensor({0, 12}, torch::kLong)));
    QVERIFY_THROWS_EXCEPTION(ConfigError, index.search_self(10, true));
    QVERIFY_THROWS_EXCEPTION(ConfigError, NeighbourIndex(bank, torch::zeros({9}, torch::kLong)));
    QVERIFY_THROWS_EXCEPTION(ConfigError, NeighbourIndex(torch::randn({10})));
    QVERIFY_THROWS_EXCEPTION(ConfigError, NeighbourIndex(torch::zeros({10, 4}, torch::kLong)));
    auto nan_bank = bank.clone();
    nan_bank[2][1] = std::nanf("");
    QVERIFY_THROWS_EXCEPTION(DataError, NeighbourIndex{nan_bank});
    const NeighbourIndex unlabelled(bank);
    QCOMPARE(unlabelled.query(0, 2).front().label, int64_t{-1});
    QVERIFY_THROWS_EXCEPTION(ConfigError, precision_at_k(unlabelled.query(0, 2), 0));
    QVERIFY_THROWS_EXCEPTION(ConfigError, precision_at_k(unlabelled.search_self(2), torch::zeros({10}, torch::kLong)));
    QVERIFY_THROWS_EXCEPTION(ConfigError, NeighbourIndex().query(torch::randn({4}), 1));
  }

  void stopTokenCancelsBatchSearch() {
    const NeighbourIndex index(torch::randn({20, 4}));
    StopToken stop;
    stop.request_stop();
    QVERIFY_THROWS_EXCEPTION(CancelledError, index.search_self(3, true, {}, {}, stop));
  }

  void cudaMatchesCpu() {
    if (!torch::cuda::is_available()) QSKIP("no CUDA device: GPU search not tested here");
    torch::manual_seed(8);
    const auto bank = torch::randn({2000, 64});
    const auto labels = torch::randint(10, {2000}, torch::kLong);
    const NeighbourIndex cpu(bank, labels), gpu(bank.cuda(), labels.cuda());
    QVERIFY(gpu.device().is_cuda());
    const auto a = cpu.search_self(10), b = gpu.search_self(10);
    QVERIFY(b.indices.device().is_cpu());
    QVERIFY(torch::allclose(a.similarities, b.similarities, 1e-5, 1e-5));
    // Index disagreements only where the similarities are equal within float rounding.
    const auto differ = a.indices.ne(b.indices);
    QVERIFY(differ.to(torch::kFloat).mean().item<double>() < 0.01);
    QVERIFY(std::abs(mean_precision_at_k(a, labels) - mean_precision_at_k(b, labels)) < 1e-3);
    const auto tied = tied_rows(300, 8, 9);
    const auto t1 = NeighbourIndex(tied).search_self(15), t2 = NeighbourIndex(tied.cuda()).search_self(15);
    QVERIFY(torch::equal(t1.indices, t2.indices));  // exact ties: the order is fully determined
  }
};

QTEST_GUILESS_MAIN(TestNeighbourSearch)
#include "test_neighbour_search.moc"
