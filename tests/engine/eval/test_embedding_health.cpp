#include <QtTest>

#include <cmath>

#include <torch/torch.h>

#include "engine/eval/embedding_health.h"

using namespace simclr;

class TestEmbeddingHealth : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void collapsedEmbeddings() {
    const auto z = torch::ones({64, 16});
    QCOMPARE(alignment(z, z * 3.0), 0.0);  // scale does not matter after normalisation
    QVERIFY(std::abs(uniformity(z)) < 1e-12);
    QVERIFY(normalized_std(z) < 1e-12);
  }

  void orthogonalPairsHaveAlignmentTwo() {
    const auto eye = torch::eye(8);
    const auto shifted = torch::roll(eye, 1, 0);
    QVERIFY(std::abs(alignment(eye, shifted) - 2.0) < 1e-12);
  }

  void uniformityOfAnOrthonormalSet() {
    // Every pair of distinct unit basis vectors is at squared distance 2: log(exp(-4)) = -4.
    QVERIFY(std::abs(uniformity(torch::eye(10)) + 4.0) < 1e-12);
  }

  void spreadEmbeddingsHaveStdNearInverseSqrtD() {
    torch::manual_seed(0);
    const auto z = torch::randn({20000, 64});
    QVERIFY(std::abs(normalized_std(z) - 1.0 / 8.0) < 0.005);
  }

  void effectiveRank_data() {
    QTest::addColumn<int>("rank");
    QTest::newRow("1") << 1;
    QTest::newRow("4") << 4;
    QTest::newRow("12") << 12;
  }
  void effectiveRank() {
    // Features spanning `rank` orthogonal directions with equal energy have effective rank
    // exactly `rank` (up to the centring of 2*rank rows, which keeps them equal here).
    QFETCH(int, rank);
    auto h = torch::zeros({2 * rank, 16}, torch::kDouble);
    for (int i = 0; i < rank; ++i) {
      h[2 * i][i] = 1.0;
      h[2 * i + 1][i] = -1.0;
    }
    QVERIFY2(std::abs(effective_rank(h) - rank) < 1e-6, std::to_string(effective_rank(h)).c_str());
  }
};

QTEST_GUILESS_MAIN(TestEmbeddingHealth)
#include "test_embedding_health.moc"
