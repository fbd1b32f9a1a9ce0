// k-center greedy on synthetic embeddings: the first pick is the seeded (or given) one,
// every later pick is the point farthest from the chosen set in a float64 reference, the
// radius after each pick is that reference's and never grows, and a seed repeats.
#include <QtTest>

#include <set>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/explore/k_center_greedy.h"

using namespace simclr;

namespace {

torch::Tensor random_rows(int64_t n, int64_t d, uint64_t seed) {
  auto gen = make_generator(seed);
  return torch::randn({n, d}, gen, torch::kFloat);
}

// Float64 cosine distances [N, N].
torch::Tensor distances(const torch::Tensor& x) {
  const auto u =
      torch::nn::functional::normalize(x.to(torch::kDouble), torch::nn::functional::NormalizeFuncOptions().dim(1));
  return (1.0 - u.mm(u.t())).clamp(0.0, 2.0);
}

}  // namespace

class TestKCenterGreedy : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void eachPickIsTheFarthest_data() {
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<qint64>("first");
    QTest::newRow("seed 0") << quint64(0) << qint64(-1);
    QTest::newRow("seed 5") << quint64(5) << qint64(-1);
    QTest::newRow("given first") << quint64(0) << qint64(17);
  }
  void eachPickIsTheFarthest() {
    QFETCH(quint64, seed);
    QFETCH(qint64, first);
    const torch::Tensor x = random_rows(150, 8, 4);
    KCenterOptions options;
    options.count = 40;
    options.seed = seed;
    options.first = first;
    const KCenterSelection s = k_center_greedy(x, options);
    QCOMPARE(s.indices.size(), size_t(40));
    QCOMPARE(s.radius.size(), size_t(40));
    QCOMPARE(s.indices.front(), first >= 0 ? int64_t(first) : k_center_first_index(seed, 150));

    const torch::Tensor d = distances(x);
    torch::Tensor nearest = d[s.indices[0]].clone();  // double [N]: distance to the chosen set
    std::set<int64_t> chosen{s.indices[0]};
    for (size_t t = 1; t < s.indices.size(); ++t) {
      QVERIFY(qAbs(s.radius[t - 1] - nearest.max().item<double>()) < 1e-5);
      const int64_t pick = s.indices[t];
      QVERIFY(!chosen.count(pick));
      // The farthest point, up to float rounding between near-equal distances.
      QVERIFY2(nearest[pick].item<double>() >= nearest.max().item<double>() - 1e-5,
               qPrintable(QString("pick %1 of step %2 is not the farthest").arg(pick).arg(t)));
      QVERIFY(s.radius[t] <= s.radius[t - 1]);
      chosen.insert(pick);
      nearest = torch::minimum(nearest, d[pick]);
    }
    QVERIFY(qAbs(s.radius.back() - nearest.max().item<double>()) < 1e-5);
  }

  void seedRepeatsAndChoosesTheFirst() {
    const torch::Tensor x = random_rows(500, 16, 9);
    KCenterOptions options;
    options.count = 10;
    options.seed = 123;
    const KCenterSelection a = k_center_greedy(x, options), b = k_center_greedy(x, options);
    QCOMPARE(a.indices, b.indices);
    QCOMPARE(a.indices.front(), k_center_first_index(123, 500));
    std::set<int64_t> firsts;
    for (uint64_t seed = 0; seed < 8; ++seed) firsts.insert(k_center_first_index(seed, 500));
    QVERIFY(firsts.size() > 4);  // seeds pick different starts
  }

  void allPointsCoverWithRadiusZero() {
    torch::Tensor x = random_rows(30, 5, 2);
    x[7] = x[3];  // a duplicate comes last: distance 0 to the chosen set
    KCenterOptions options;
    options.count = 30;
    const KCenterSelection s = k_center_greedy(x, options);
    QCOMPARE(std::set<int64_t>(s.indices.begin(), s.indices.end()).size(), size_t(30));
    QVERIFY(s.radius.back() < 1e-6);
    QVERIFY(s.radius[28] < 1e-6);  // after 29 picks only the duplicate is left
    QVERIFY(s.indices.back() == 7 || s.indices.back() == 3);
  }

  void badCountIsRefused() {
    const torch::Tensor x = random_rows(20, 4, 1);
    KCenterOptions options;
    options.count = 21;
    QVERIFY_THROWS_EXCEPTION(ConfigError, k_center_greedy(x, options));
    options.count = 0;
    QVERIFY_THROWS_EXCEPTION(ConfigError, k_center_greedy(x, options));
    options.count = 3;
    options.first = 20;
    QVERIFY_THROWS_EXCEPTION(ConfigError, k_center_greedy(x, options));
  }
};

QTEST_GUILESS_MAIN(TestKCenterGreedy)
#include "test_k_center_greedy.moc"
