// NMI and ARI against hand-computed values: identical partitions and renumberings give 1,
// [0,0,1,2] vs [0,0,1,1] gives NMI 0.8 and ARI 4/7, a crossed 2x2 design NMI 0 and ARI
// -1/2, and independent random partitions are near 0.
#include <QtTest>

#include <random>

#include "engine/core/error.h"
#include "engine/explore/clustering_agreement.h"

using namespace simclr;
using Labels = std::vector<int64_t>;

Q_DECLARE_METATYPE(Labels)

class TestClusteringAgreement : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void handCases_data() {
    QTest::addColumn<Labels>("a");
    QTest::addColumn<Labels>("b");
    QTest::addColumn<double>("nmi");
    QTest::addColumn<double>("ari");
    QTest::newRow("identical") << Labels{0, 0, 1, 1, 2, 2} << Labels{0, 0, 1, 1, 2, 2} << 1.0 << 1.0;
    QTest::newRow("renumbered") << Labels{0, 0, 1, 1, 2, 2} << Labels{7, 7, -3, -3, 0, 0} << 1.0 << 1.0;
    // U sizes (2,1,1), V sizes (2,2), V a function of U: I = H(V) = ln 2, H(U) = 1.5 ln 2,
    // NMI = ln2 / (1.25 ln2) = 0.8. ARI: index 1, E = 1*2/6 = 1/3, max 1.5: (2/3)/(7/6) = 4/7.
    QTest::newRow("merge of two") << Labels{0, 0, 1, 2} << Labels{0, 0, 1, 1} << 0.8 << 4.0 / 7.0;
    // Every cell of the 2x2 table holds 1: I = 0. ARI: index 0, E = 2*2/6, max 2: -(2/3)/(4/3).
    QTest::newRow("crossed") << Labels{0, 0, 1, 1} << Labels{0, 1, 0, 1} << 0.0 << -0.5;
    QTest::newRow("one group each") << Labels{4, 4, 4} << Labels{1, 1, 1} << 1.0 << 1.0;
    QTest::newRow("all singletons each") << Labels{0, 1, 2, 3} << Labels{3, 2, 1, 0} << 1.0 << 1.0;
    // One side a single group: H = 0 there, I = 0; ARI: index 0, E = 0, max C(4,2)/2 = 3.
    QTest::newRow("singletons vs one group") << Labels{0, 1, 2, 3} << Labels{0, 0, 0, 0} << 0.0 << 0.0;
    // Sizes (3,3) vs (2,2,2), cells (2,1,0 / 0,1,2). MI = sum n_ij/n ln(n_ij n / (a_i b_j)):
    // the two cells of 2 give (1/3) ln 2 each, the cells of 1 give 0: I = (2/3) ln 2,
    // H(A) = ln 2, H(B) = ln 3. ARI: index 2, sum_a 6, sum_b 3, C(6,2) = 15, E = 1.2, max 4.5.
    QTest::newRow("three by two") << Labels{0, 0, 0, 1, 1, 1} << Labels{0, 0, 1, 1, 2, 2}
                                  << (2.0 / 3.0) * std::log(2.0) / (0.5 * (std::log(2.0) + std::log(3.0)))
                                  << 0.8 / 3.3;
  }
  void handCases() {
    QFETCH(Labels, a);
    QFETCH(Labels, b);
    QFETCH(double, nmi);
    QFETCH(double, ari);
    QVERIFY(qAbs(normalized_mutual_information(a, b) - nmi) < 1e-12);
    QVERIFY(qAbs(adjusted_rand_index(a, b) - ari) < 1e-12);
    // Symmetric, and the combined call agrees.
    QVERIFY(qAbs(normalized_mutual_information(b, a) - nmi) < 1e-12);
    QVERIFY(qAbs(adjusted_rand_index(b, a) - ari) < 1e-12);
    const ClusteringAgreement both = clustering_agreement(a, b);
    QVERIFY(qAbs(both.nmi - nmi) < 1e-12 && qAbs(both.ari - ari) < 1e-12);
  }

  void permutationOfLabelsGivesOne() {
    std::mt19937_64 rng(5);
    Labels a(1000), b(1000);
    const Labels permutation = {3, 9, 0, 4, 1, 8, 2, 7, 6, 5};
    for (size_t i = 0; i < a.size(); ++i) {
      a[i] = static_cast<int64_t>(rng() % 10);
      b[i] = permutation[static_cast<size_t>(a[i])];
    }
    QVERIFY(qAbs(normalized_mutual_information(a, b) - 1.0) < 1e-12);
    QVERIFY(qAbs(adjusted_rand_index(a, b) - 1.0) < 1e-12);
  }

  void independentPartitionsAreNearZero() {
    std::mt19937_64 rng(17);
    Labels a(20000), b(20000);
    for (size_t i = 0; i < a.size(); ++i) {
      a[i] = static_cast<int64_t>(rng() % 10);
      b[i] = static_cast<int64_t>(rng() % 10);
    }
    const ClusteringAgreement r = clustering_agreement(a, b);
    QVERIFY2(r.nmi >= 0 && r.nmi < 0.005, qPrintable(QString::number(r.nmi)));
    QVERIFY2(qAbs(r.ari) < 0.005, qPrintable(QString::number(r.ari)));
  }

  void badInputIsRefused() {
    QVERIFY_THROWS_EXCEPTION(ConfigError, clustering_agreement({0, 1}, {0, 1, 2}));
    QVERIFY_THROWS_EXCEPTION(ConfigError, clustering_agreement({}, {}));
  }
};

QTEST_GUILESS_MAIN(TestClusteringAgreement)
#include "test_clustering_agreement.moc"
