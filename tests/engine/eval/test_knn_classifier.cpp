#include <QtTest>

#include <cmath>
#include <map>

#include <torch/torch.h>

#include "engine/eval/knn_classifier.h"

using namespace simclr;

namespace {
// Direct evaluation: full sort of cosine similarities, weighted votes, one query at a time.
double brute_force_top1(const torch::Tensor& bank, const torch::Tensor& bank_y, const torch::Tensor& q,
                        const torch::Tensor& q_y, int64_t k, double t, int64_t classes) {
  const auto b = bank.to(torch::kDouble);
  const auto qq = q.to(torch::kDouble);
  int64_t correct = 0;
  for (int64_t i = 0; i < qq.size(0); ++i) {
    std::vector<std::pair<double, int64_t>> sims;
    for (int64_t j = 0; j < b.size(0); ++j) {
      const double s = (qq[i] * b[j]).sum().item<double>() / (qq[i].norm().item<double>() * b[j].norm().item<double>());
      sims.emplace_back(s, bank_y[j].item<int64_t>());
    }
    std::sort(sims.begin(), sims.end(), [](auto& a, auto& c) { return a.first > c.first; });
    std::vector<double> votes(classes, 0.0);
    for (int64_t j = 0; j < k; ++j) votes[sims[j].second] += std::exp(sims[j].first / t);
    const auto best = std::max_element(votes.begin(), votes.end()) - votes.begin();
    correct += best == q_y[i].item<int64_t>();
  }
  return double(correct) / qq.size(0);
}
}  // namespace

class TestKnnClassifier : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void matchesBruteForce_data() {
    QTest::addColumn<int>("k");
    QTest::addColumn<int>("chunk");
    QTest::newRow("k1") << 1 << 1024;
    QTest::newRow("k5 small chunks") << 5 << 7;
    QTest::newRow("k20") << 20 << 16;
  }
  void matchesBruteForce() {
    QFETCH(int, k);
    QFETCH(int, chunk);
    torch::manual_seed(3);
    const int64_t classes = 4;
    const auto centres = torch::randn({classes, 8});
    const auto bank_y = torch::randint(classes, {120}, torch::kLong);
    const auto bank = centres.index_select(0, bank_y) + 0.8 * torch::randn({120, 8});
    const auto q_y = torch::randint(classes, {40}, torch::kLong);
    const auto q = centres.index_select(0, q_y) + 0.8 * torch::randn({40, 8});
    KnnOptions options;
    options.ks = {k};
    options.temperature = 0.1;
    options.query_chunk = chunk;
    const auto result = knn_accuracy(bank, bank_y, q, q_y, options);
    QCOMPARE(result.size(), size_t{1});
    QCOMPARE(result[0].top1, brute_force_top1(bank, bank_y, q, q_y, k, 0.1, classes));
    QVERIFY(result[0].top5 >= result[0].top1);
  }

  void separableClustersAreClassifiedPerfectly() {
    const auto bank = torch::tensor({{1.f, 0.f}, {0.9f, 0.1f}, {0.f, 1.f}, {0.1f, 0.9f}});
    const auto bank_y = torch::tensor({0, 0, 1, 1}, torch::kLong);
    const auto q = torch::tensor({{2.f, 0.1f}, {0.2f, 3.f}});
    const auto q_y = torch::tensor({0, 1}, torch::kLong);
    KnnOptions options;
    options.ks = {2, 200};  // k beyond the bank size uses the whole bank
    const auto result = knn_accuracy(bank, bank_y, q, q_y, options);
    QCOMPARE(result[0].top1, 1.0);
    QCOMPARE(result[1].k, int64_t{200});
  }

  void mismatchedShapesAreRejected() {
    KnnOptions options;
    QVERIFY_THROWS_EXCEPTION(std::exception,
                             knn_accuracy(torch::zeros({4, 3}), torch::zeros({4}, torch::kLong), torch::zeros({2, 5}),
                                          torch::zeros({2}, torch::kLong), options));
  }
};

QTEST_GUILESS_MAIN(TestKnnClassifier)
#include "test_knn_classifier.moc"
