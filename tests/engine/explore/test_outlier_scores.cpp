// Outlier scores on synthetic embeddings: planted outliers (random directions among tight
// clusters) rank first, whitened or not; every score is that of a float64 reference (the mean
// cosine distance to the k nearest others, or the mean Euclidean distance after whitening);
// an outlier along a direction the collection hardly varies in is found only by whitening.
#include <QtTest>

#include <algorithm>
#include <limits>
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
  void plantedOutliersRankFirst_data() {
    QTest::addColumn<bool>("whiten");
    QTest::newRow("whitened") << true;
    QTest::newRow("cosine") << false;
  }
  void plantedOutliersRankFirst() {
    QFETCH(bool, whiten);
    const std::vector<int64_t> planted = {4, 57, 100, 161, 204};
    const torch::Tensor x = clustered_with_outliers(planted);
    OutlierOptions options;
    options.whiten = whiten;
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
    options.whiten = false;
    const OutlierScores s = outlier_scores(x, options);
    QVERIFY(!s.whitened);
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

  // The whitened score against a float64 reference: centred, covariance shrunk by s toward its
  // mean variance, Cholesky, Euclidean kNN.
  void whitenedScoresMatchFloat64Reference() {
    const torch::Tensor x = clustered_with_outliers({9});
    const int64_t k = 7;
    OutlierOptions options;
    options.k = k;
    options.max_block_elements = 205 * 16;
    const OutlierScores s = outlier_scores(x, options);
    QVERIFY(s.whitened);
    const torch::Tensor c = x.to(torch::kDouble) - x.to(torch::kDouble).mean(0, true);
    torch::Tensor cov = c.t().mm(c) / double(x.size(0) - 1);
    const double mean_variance = cov.trace().item<double>() / 16.0;
    cov = cov * (1 - options.shrinkage) + torch::eye(16, torch::kDouble) * (options.shrinkage * mean_variance);
    const torch::Tensor w = torch::linalg_solve_triangular(torch::linalg_cholesky(cov), c.t(), false).t();
    const torch::Tensor d = torch::cdist(w, w).fill_diagonal_(std::numeric_limits<double>::infinity());
    const auto nearest = std::get<0>(d.topk(k, 1, false));
    for (int64_t i = 0; i < x.size(0); ++i) {
      QVERIFY2(qAbs(s.score[size_t(i)] - nearest[i].mean().item<double>()) < 1e-3 * nearest[i].mean().item<double>(),
               qPrintable(QString("row %1: %2 vs %3").arg(i).arg(s.score[size_t(i)]).arg(nearest[i].mean().item<double>())));
      QVERIFY(qAbs(s.nearest[size_t(i)] - nearest[i][0].item<double>()) < 1e-3 * (1 + nearest[i][0].item<double>()));
    }
  }

  // Every point varies along the first 15 directions and barely along the 16th; one point is
  // ordinary along the first 15 but far out along the 16th. Cosine distance hardly sees it;
  // in the collection's own units it is the most unusual of all.
  void aQuietDirectionCountsOnceWhitened() {
    auto gen = make_generator(5);
    torch::Tensor x = torch::randn({300, 16}, gen, torch::kFloat);
    x.select(1, 15).mul_(0.01);
    x[123][15] = 0.5;  // 50 standard deviations along the quiet direction, small beside the others
    OutlierOptions options;
    const OutlierScores whitened = outlier_scores(x, options);
    QCOMPARE(whitened.ranking.front(), int64_t(123));
    options.whiten = false;
    const OutlierScores cosine = outlier_scores(x, options);
    const auto at = std::find(cosine.ranking.begin(), cosine.ranking.end(), int64_t(123)) - cosine.ranking.begin();
    QVERIFY2(at > 10, qPrintable(QString("cosine ranks it %1th").arg(at + 1)));
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
