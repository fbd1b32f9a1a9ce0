// k-means on synthetic blobs: well-separated blobs are recovered exactly (ARI 1 against
// the blob labels), a seed repeats the same clustering, the inertia and the assignments
// agree with a float64 reference of the returned centroids, and bad k is refused.
#include <QtTest>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/explore/clustering_agreement.h"
#include "engine/explore/k_means.h"
#include "engine/explore/seeded_draws.h"

using namespace simclr;

namespace {

// `k` blobs of `per` points in d dimensions, centres 10 apart on the axes, spread 0.5.
torch::Tensor blobs(int64_t k, int64_t per, int64_t d, uint64_t seed, std::vector<int64_t>& labels) {
  auto gen = make_generator(seed);
  torch::Tensor x = 0.5 * torch::randn({k * per, d}, gen, torch::kFloat);
  labels.clear();
  for (int64_t i = 0; i < k * per; ++i) {
    const int64_t c = (i * 7) % k;  // blobs interleaved in row order
    x[i][c % d] += 10.0f * static_cast<float>(1 + c / d);
    labels.push_back(c);
  }
  return x;
}

}  // namespace

class TestKMeans : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void recoversSeparatedBlobs_data() {
    QTest::addColumn<quint64>("seed");
    QTest::newRow("seed 0") << quint64(0);
    QTest::newRow("seed 1") << quint64(1);
    QTest::newRow("seed 42") << quint64(42);
  }
  void recoversSeparatedBlobs() {
    QFETCH(quint64, seed);
    std::vector<int64_t> labels;
    const torch::Tensor x = blobs(4, 50, 6, 3, labels);
    KMeansOptions options;
    options.k = 4;
    options.seed = seed;
    const KMeansResult r = k_means(x, options);
    QVERIFY(r.converged);
    QVERIFY(r.iterations >= 2 && r.iterations <= options.max_iterations);
    QCOMPARE(r.initial.front(), SeededDraws(seed).index(200));
    QVERIFY(qAbs(adjusted_rand_index(r.assignments, labels) - 1.0) < 1e-12);
    QVERIFY(qAbs(normalized_mutual_information(r.assignments, labels) - 1.0) < 1e-12);
    QCOMPARE(r.sizes, (std::vector<int64_t>{50, 50, 50, 50}));

    // Each point's centroid is its nearest and the centroids are the means (converged);
    // the inertia is the sum of squared distances, in float64.
    const auto xd = x.to(torch::kDouble), c = r.centroids.to(torch::kDouble);
    const auto d = torch::cdist(xd, c).pow(2);  // [N, k]
    const auto assigned = torch::tensor(r.assignments, torch::kLong);
    QVERIFY(torch::equal(std::get<1>(d.min(1)), assigned));
    QVERIFY(qAbs(d.gather(1, assigned.unsqueeze(1)).sum().item<double>() - r.inertia) < 1e-3 * r.inertia);
    for (int64_t k = 0; k < 4; ++k) {
      const auto mean = xd.index({assigned.eq(k)}).mean(0);
      QVERIFY(torch::allclose(mean, c[k], 1e-4, 1e-4));
    }
  }

  void sameSeedSameClustering() {
    // Overlapping blobs, where the start matters.
    auto gen = make_generator(2);
    const torch::Tensor x = torch::randn({400, 5}, gen, torch::kFloat);
    KMeansOptions options;
    options.k = 7;
    options.seed = 99;
    const KMeansResult a = k_means(x, options), b = k_means(x, options);
    QCOMPARE(a.initial, b.initial);
    QCOMPARE(a.assignments, b.assignments);
    QCOMPARE(a.iterations, b.iterations);
    QCOMPARE(a.inertia, b.inertia);
    QVERIFY(torch::equal(a.centroids, b.centroids));
    options.seed = 100;
    const KMeansResult c = k_means(x, options);
    QVERIFY(c.initial != a.initial);
  }

  void iterationLimitStops() {
    auto gen = make_generator(4);
    const torch::Tensor x = torch::randn({300, 3}, gen, torch::kFloat);
    KMeansOptions options;
    options.k = 12;
    options.max_iterations = 1;
    const KMeansResult r = k_means(x, options);
    QCOMPARE(r.iterations, int64_t(1));
    QVERIFY(!r.converged);
    // After one step the centroids are the k-means++ rows themselves.
    QVERIFY(torch::equal(r.centroids, x.index_select(0, torch::tensor(r.initial, torch::kLong))));
  }

  void duplicatesAndKEqualN() {
    const torch::Tensor x = torch::tensor({0.0f, 0.0f, 0.0f, 0.0f, 1.0f, 1.0f}).view({3, 2});
    KMeansOptions options;
    options.k = 3;
    const KMeansResult r = k_means(x, options);
    int64_t total = 0;
    for (const int64_t s : r.sizes) total += s;
    QCOMPARE(total, int64_t(3));
    QCOMPARE(r.inertia, 0.0);
    QCOMPARE(r.assignments[0], r.assignments[1]);
    QVERIFY(r.assignments[2] != r.assignments[0]);
  }

  void badInputIsRefused() {
    const torch::Tensor x = torch::randn({10, 3});
    KMeansOptions options;
    options.k = 11;
    QVERIFY_THROWS_EXCEPTION(ConfigError, k_means(x, options));
    options.k = 0;
    QVERIFY_THROWS_EXCEPTION(ConfigError, k_means(x, options));
    options.k = 2;
    options.max_iterations = 0;
    QVERIFY_THROWS_EXCEPTION(ConfigError, k_means(x, options));
  }
};

QTEST_GUILESS_MAIN(TestKMeans)
#include "test_k_means.moc"
