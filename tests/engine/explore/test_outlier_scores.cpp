// Outlier scores on synthetic embeddings: planted outliers (random directions among tight
// clusters) rank first, and every score is the mean cosine distance to the k nearest
// others of a float64 reference.
#include <QtTest>

#include <algorithm>
#include <set>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/explore/outlier_scores.h"

using namespace simclr;

namespace {

// 5 tight clusters of 40 points in 16-d, plus the planted outliers at `outliers`.
torch::Tensor clustered_with_outliers(const std::vector<int64_t>& outliers) {
  auto gen = make_generator(11);
  const torch::Tensor centres = torch::randn({5, 16}, gen, torch::kFloat);
  torch::Tensor x = torch::empty({205, 16});
  for (int64_t i = 0; i < 205; ++i) x[i] = centres[i % 5] + 0.15 * torch::randn({16}, gen, torch::kFloat);
  for (const int64_t o : outliers) x[o] = torch::randn({16}, gen, torch::kFloat);
  return x;
}

}  // namespace

class TestOutlierScores : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void plantedOutliersRankFirst() {
    const std::vector<int64_t> planted = {4, 57, 100, 161, 204};
    const torch::Tensor x = clustered_with_outliers(planted);
    OutlierOptions options;
    options.k = 10;
    options.max_block_elements = 205 * 16;  // several blocks
    const OutlierScores s = outlier_scores(x, options);
    QCOMPARE(s.ranking.size(), size_t(205));
    const std::set<int64_t> top(s.ranking.begin(), s.ranking.begin() + 5);
    QCOMPARE(top, std::set<int64_t>(planted.begin(), planted.end()));
    // Descending scores along the ranking.
    for (size_t r = 1; r < s.ranking.size(); ++r)
      QVERIFY(s.score[static_cast<size_t>(s.ranking[r - 1])] >= s.score[static_cast<size_t>(s.ranking[r])]);
  }

  void scoresMatchFloat64Reference() {
    const torch::Tensor x = clustered_with_outliers({9});
    const int64_t k = 7;
    OutlierOptions options;
    options.k = k;
    const OutlierScores s = outlier_scores(x, options);
    const auto u =
        torch::nn::functional::normalize(x.to(torch::kDouble), torch::nn::functional::NormalizeFuncOptions().dim(1));
    const auto distance = (1.0 - u.mm(u.t())).fill_diagonal_(std::numeric_limits<double>::infinity());
    const auto nearest = std::get<0>(distance.topk(k, 1, false));  // [N, k], smallest first
    for (int64_t i = 0; i < x.size(0); ++i) {
      QVERIFY(qAbs(s.score[static_cast<size_t>(i)] - nearest[i].mean().item<double>()) < 1e-5);
      QVERIFY(qAbs(s.nearest[static_cast<size_t>(i)] - nearest[i][0].item<double>()) < 1e-5);
      QVERIFY(s.nearest_index[static_cast<size_t>(i)] != i);
    }
  }

  void duplicatesScoreZero() {
    torch::Tensor x = clustered_with_outliers({});
    x[20] = x[3];
    OutlierOptions options;
    options.k = 1;
    const OutlierScores s = outlier_scores(x, options);
    QVERIFY(s.score[3] < 1e-6);
    QCOMPARE(s.nearest_index[3], int64_t(20));
    QCOMPARE(s.nearest_index[20], int64_t(3));
  }

  void badKIsRefused() {
    const torch::Tensor x = clustered_with_outliers({});
    OutlierOptions options;
    options.k = 0;
    QVERIFY_THROWS_EXCEPTION(ConfigError, outlier_scores(x, options));
    options.k = 205;
    QVERIFY_THROWS_EXCEPTION(ConfigError, outlier_scores(x, options));
    options.k = 204;
    QCOMPARE(outlier_scores(x, options).k, int64_t(204));
  }
};

QTEST_GUILESS_MAIN(TestOutlierScores)
#include "test_outlier_scores.moc"
