#include <QtTest>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/losses/nt_xent_loss.h"

using namespace simclr;

namespace {

using Matrix = std::vector<std::vector<double>>;

// Random [n, d] values from a seeded std::mt19937_64 (independent of torch's RNG).
Matrix random_matrix(int n, int d, uint64_t seed, double scale = 1.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, scale);
  Matrix m(n, std::vector<double>(d));
  for (auto& row : m)
    for (auto& v : row) v = normal(rng);
  return m;
}

torch::Tensor to_tensor(const Matrix& m, torch::Dtype dtype = torch::kDouble) {
  const int64_t n = static_cast<int64_t>(m.size());
  const int64_t d = n ? static_cast<int64_t>(m[0].size()) : 0;
  torch::Tensor t = torch::empty({n, d}, torch::kDouble);
  auto a = t.accessor<double, 2>();
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < d; ++j) a[i][j] = m[i][j];
  return t.to(dtype);
}

// The paper's equation evaluated literally in float64, with explicit loops:
// views 0..N-1 are z1, N..2N-1 are z2; the positive of k is k ± N.
double reference_nt_xent(const Matrix& z1, const Matrix& z2, double t) {
  Matrix z = z1;
  z.insert(z.end(), z2.begin(), z2.end());
  const int two_n = static_cast<int>(z.size());
  const int n = two_n / 2;
  for (auto& row : z) {
    double norm = 0;
    for (double v : row) norm += v * v;
    norm = std::sqrt(norm);
    for (double& v : row) v /= norm;
  }
  auto sim = [&](int a, int b) {
    double s = 0;
    for (size_t j = 0; j < z[a].size(); ++j) s += z[a][j] * z[b][j];
    return s;
  };
  double total = 0;
  for (int k = 0; k < two_n; ++k) {
    const int pos = k < n ? k + n : k - n;
    double denominator = 0;
    for (int j = 0; j < two_n; ++j)
      if (j != k) denominator += std::exp(sim(k, j) / t);
    total += -std::log(std::exp(sim(k, pos) / t) / denominator);
  }
  return total / two_n;
}

bool close(double actual, double expected, double rel, double abs = 0) {
  return std::abs(actual - expected) <= abs + rel * std::abs(expected);
}

QByteArray describe(double actual, double expected) {
  return QByteArray("got ") + QByteArray::number(actual, 'g', 17) + ", expected " +
         QByteArray::number(expected, 'g', 17);
}

double loss_value(const torch::Tensor& z1, const torch::Tensor& z2, double t) {
  return nt_xent_loss(z1, z2, t).item<double>();
}

// Rows of the d x d identity, times `scale`: [n, d]
torch::Tensor one_hot_rows(std::vector<int64_t> columns, int64_t d, double scale = 1.0) {
  torch::Tensor t = torch::zeros({static_cast<int64_t>(columns.size()), d}, torch::kDouble);
  for (size_t i = 0; i < columns.size(); ++i) t[static_cast<int64_t>(i)][columns[i]] = scale;
  return t;
}

}  // namespace

class TestNTXentLoss : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void collapsedEmbeddingsGiveLog2NMinus1_data() {
    QTest::addColumn<int>("n");
    QTest::addColumn<double>("temperature");
    for (int n : {1, 2, 5, 64})
      for (double t : {0.05, 0.1, 0.5, 1.0, 3.0}) QTest::addRow("N=%d T=%g", n, t) << n << t;
  }
  void collapsedEmbeddingsGiveLog2NMinus1() {
    QFETCH(int, n);
    QFETCH(double, temperature);
    // Every view is the same (unnormalised) vector: all similarities are 1, so each row
    // is a uniform choice among the 2N - 1 other views, whatever the temperature.
    const Matrix v = random_matrix(1, 16, 42, 3.0);
    const torch::Tensor z = to_tensor(v).expand({n, 16}).contiguous();
    const double expected = std::log(2.0 * n - 1.0);

    const double in_double = loss_value(z, z.clone(), temperature);
    QVERIFY2(close(in_double, expected, 1e-12, 1e-12), describe(in_double, expected));

    const torch::Tensor f = z.to(torch::kFloat);
    const double in_float = loss_value(f, f.clone(), temperature);
    QVERIFY2(close(in_float, expected, 1e-5, 1e-5), describe(in_float, expected));
  }

  void orthogonalPairsMatchClosedForm_data() {
    QTest::addColumn<int>("n");
    QTest::addColumn<double>("temperature");
    for (int n : {1, 3, 8})
      for (double t : {0.1, 0.5, 2.0}) QTest::addRow("N=%d T=%g", n, t) << n << t;
  }
  void orthogonalPairsMatchClosedForm() {
    QFETCH(int, n);
    QFETCH(double, temperature);
    // z1 = z2 = distinct basis vectors: positives have similarity 1, the 2N - 2 negatives 0.
    std::vector<int64_t> columns;
    for (int i = 0; i < n; ++i) columns.push_back(i);
    const torch::Tensor z1 = one_hot_rows(columns, n + 2, 2.5);
    const torch::Tensor z2 = one_hot_rows(columns, n + 2, 0.5);
    const double expected = std::log(1.0 + (2.0 * n - 2.0) * std::exp(-1.0 / temperature));
    const double actual = loss_value(z1, z2, temperature);
    QVERIFY2(close(actual, expected, 1e-12, 1e-14), describe(actual, expected));
  }

  void randomEmbeddingsMatchFloat64Reference_data() {
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("d");
    QTest::addColumn<double>("temperature");
    for (int n : {1, 3, 16})
      for (int d : {2, 8, 64})
        for (double t : {0.07, 0.5, 2.0}) QTest::addRow("N=%d D=%d T=%g", n, d, t) << n << d << t;
  }
  void randomEmbeddingsMatchFloat64Reference() {
    QFETCH(int, n);
    QFETCH(int, d);
    QFETCH(double, temperature);
    const uint64_t seed = 1000u * n + 10u * d + static_cast<uint64_t>(temperature * 100);
    const Matrix a = random_matrix(n, d, seed, 2.0);
    const Matrix b = random_matrix(n, d, seed + 7, 0.5);
    const double expected = reference_nt_xent(a, b, temperature);

    const double in_double = loss_value(to_tensor(a), to_tensor(b), temperature);
    QVERIFY2(close(in_double, expected, 1e-6), describe(in_double, expected));
    // The float32 path (what training uses) agrees to float precision.
    const double in_float = loss_value(to_tensor(a, torch::kFloat), to_tensor(b, torch::kFloat), temperature);
    QVERIFY2(close(in_float, expected, 2e-5, 1e-6), describe(in_float, expected));
  }

  void lowPrecisionInputsAreComputedInFloat32() {
    const torch::Tensor a = to_tensor(random_matrix(4, 8, 3));
    const torch::Tensor b = to_tensor(random_matrix(4, 8, 4));
    const torch::Tensor loss = nt_xent_loss(a.to(torch::kBFloat16), b.to(torch::kBFloat16), 0.5);
    QCOMPARE(loss.scalar_type(), torch::kFloat);
    QCOMPARE(loss.dim(), 0);
    QVERIFY(close(loss.item<double>(), loss_value(a, b, 0.5), 0.05));
  }

  void gradientMatchesFiniteDifferences_data() {
    QTest::addColumn<double>("temperature");
    QTest::addRow("T=0.1") << 0.1;
    QTest::addRow("T=0.5") << 0.5;
    QTest::addRow("T=2") << 2.0;
  }
  void gradientMatchesFiniteDifferences() {
    QFETCH(double, temperature);
    const int n = 3, d = 4;
    const torch::Tensor a = to_tensor(random_matrix(n, d, 11, 1.5)).requires_grad_(true);
    const torch::Tensor b = to_tensor(random_matrix(n, d, 12, 0.7)).requires_grad_(true);
    nt_xent_loss(a, b, temperature).backward();

    const double h = 1e-6;
    for (const torch::Tensor& param : {a, b}) {
      const torch::Tensor grad = param.grad();
      QVERIFY(grad.defined());
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < d; ++j) {
          torch::Tensor plus = param.detach().clone(), minus = param.detach().clone();
          plus[i][j] += h;
          minus[i][j] -= h;
          const bool first = param.is_same(a);
          const double lp =
              first ? loss_value(plus, b.detach(), temperature) : loss_value(a.detach(), plus, temperature);
          const double lm =
              first ? loss_value(minus, b.detach(), temperature) : loss_value(a.detach(), minus, temperature);
          const double numeric = (lp - lm) / (2 * h);
          const double analytic = grad[i][j].item<double>();
          QVERIFY2(close(analytic, numeric, 1e-5, 1e-8), QByteArray("element [") + QByteArray::number(i) + "][" +
                                                             QByteArray::number(j) +
                                                             "]: " + describe(analytic, numeric));
        }
    }
  }

  void lossIsScaleInvariant() {
    const torch::Tensor a = to_tensor(random_matrix(5, 6, 21));
    const torch::Tensor b = to_tensor(random_matrix(5, 6, 22));
    const double base = loss_value(a, b, 0.3);
    QVERIFY(close(loss_value(a * 7.0, b * 0.01, 0.3), base, 1e-12));
  }

  void invalidTemperatureThrows_data() {
    QTest::addColumn<double>("temperature");
    QTest::addRow("zero") << 0.0;
    QTest::addRow("negative") << -0.5;
    QTest::addRow("nan") << std::numeric_limits<double>::quiet_NaN();
    QTest::addRow("+inf") << std::numeric_limits<double>::infinity();
    QTest::addRow("-inf") << -std::numeric_limits<double>::infinity();
  }
  void invalidTemperatureThrows() {
    QFETCH(double, temperature);
    const torch::Tensor z = torch::randn({4, 8});
    QVERIFY_THROWS_EXCEPTION(ConfigError, nt_xent_loss(z, z, temperature));
    QVERIFY_THROWS_EXCEPTION(ConfigError, NTXentLoss{temperature});
    const ConfigIssues issues = validate_temperature(temperature, "training.temperature");
    QCOMPARE(issues.size(), size_t(1));
    QCOMPARE(QString::fromStdString(issues[0].path), QStringLiteral("training.temperature"));
    try {
      nt_xent_loss(z, z, temperature);
    } catch (const ConfigError& e) {
      QVERIFY(QString(e.what()).contains("temperature"));
      QVERIFY(e.is_bad_input());
    }
  }

  void invalidShapesThrow_data() {
    QTest::addColumn<QList<qlonglong>>("shape1");
    QTest::addColumn<QList<qlonglong>>("shape2");
    QTest::addRow("different N") << QList<qlonglong>{3, 4} << QList<qlonglong>{2, 4};
    QTest::addRow("different D") << QList<qlonglong>{3, 4} << QList<qlonglong>{3, 5};
    QTest::addRow("N = 0") << QList<qlonglong>{0, 4} << QList<qlonglong>{0, 4};
    QTest::addRow("D = 0") << QList<qlonglong>{3, 0} << QList<qlonglong>{3, 0};
    QTest::addRow("1-D") << QList<qlonglong>{4} << QList<qlonglong>{4};
    QTest::addRow("3-D") << QList<qlonglong>{2, 3, 4} << QList<qlonglong>{2, 3, 4};
  }
  void invalidShapesThrow() {
    QFETCH(QList<qlonglong>, shape1);
    QFETCH(QList<qlonglong>, shape2);
    const std::vector<int64_t> s1(shape1.begin(), shape1.end()), s2(shape2.begin(), shape2.end());
    const torch::Tensor z1 = torch::randn(s1), z2 = torch::randn(s2);
    QVERIFY_THROWS_EXCEPTION(ConfigError, nt_xent_loss(z1, z2, 0.5));
    QVERIFY_THROWS_EXCEPTION(ConfigError, NTXentLoss(0.5)(z1, z2));
    QVERIFY_THROWS_EXCEPTION(ConfigError, contrastive_stats(z1, z2));
  }

  void undefinedTensorThrows() {
    QVERIFY_THROWS_EXCEPTION(ConfigError, nt_xent_loss(torch::Tensor(), torch::randn({2, 2}), 0.5));
  }

  void moduleHoldsItsTemperature() {
    NTXentLoss loss(0.2);
    QCOMPARE(loss->temperature(), 0.2);
    const torch::Tensor a = to_tensor(random_matrix(6, 10, 31));
    const torch::Tensor b = to_tensor(random_matrix(6, 10, 32));
    QCOMPARE(loss(a, b).item<double>(), loss_value(a, b, 0.2));
  }

  void statsOfPerfectPairs() {
    // z1 = z2 = distinct basis vectors: every positive is the nearest view.
    const torch::Tensor z = one_hot_rows({0, 1, 2, 3}, 6, 2.0);
    const ContrastiveStats s = contrastive_stats(z, z * 0.5);
    QCOMPARE(s.positive_top1, 1.0);
    QCOMPARE(s.mean_positive_rank, 1.0);
    QCOMPARE(s.mean_positive_cosine, 1.0);
    QCOMPARE(s.mean_negative_cosine, 0.0);
  }

  void statsOfCollapsedEmbeddingsRankLast_data() {
    QTest::addColumn<int>("n");
    QTest::addRow("N=1") << 1;
    QTest::addRow("N=2") << 2;
    QTest::addRow("N=9") << 9;
  }
  void statsOfCollapsedEmbeddingsRankLast() {
    QFETCH(int, n);
    // All views equal: the positive ties with every negative, and ties count against it.
    const torch::Tensor z = one_hot_rows(std::vector<int64_t>(n, 0), 3, 4.0);
    const ContrastiveStats s = contrastive_stats(z, z);
    QCOMPARE(s.mean_positive_rank, 2.0 * n - 1.0);
    QCOMPARE(s.positive_top1, n == 1 ? 1.0 : 0.0);
    QCOMPARE(s.mean_positive_cosine, 1.0);
    QCOMPARE(s.mean_negative_cosine, n == 1 ? 0.0 : 1.0);
  }

  void statsOfMixedRanks() {
    // Views: 0 = e0, 1 = e1 (z1); 2 = e0, 3 = e2 (z2). Pair 0 matches (rank 1); pair 1 is
    // orthogonal to its positive and ties both negatives (rank 3).
    const torch::Tensor z1 = one_hot_rows({0, 1}, 3);
    const torch::Tensor z2 = one_hot_rows({0, 2}, 3);
    const ContrastiveStats s = contrastive_stats(z1, z2);
    QCOMPARE(s.positive_top1, 0.5);
    QCOMPARE(s.mean_positive_rank, 2.0);
    QCOMPARE(s.mean_positive_cosine, 0.5);
    // Every negative pair (0-1, 0-3, 1-0, 1-2, 2-1, 2-3, 3-0, 3-2) is orthogonal.
    QCOMPARE(s.mean_negative_cosine, 0.0);
  }

  void swappedPairsRankLast() {
    const torch::Tensor z1 = one_hot_rows({0, 1}, 2);
    const torch::Tensor z2 = one_hot_rows({1, 0}, 2);
    const ContrastiveStats s = contrastive_stats(z1, z2);
    QCOMPARE(s.positive_top1, 0.0);
    QCOMPARE(s.mean_positive_rank, 3.0);
    QCOMPARE(s.mean_positive_cosine, 0.0);
  }

  void statsDoNotTrackGradients() {
    const torch::Tensor z1 = torch::randn({4, 8}).requires_grad_(true);
    const torch::Tensor z2 = torch::randn({4, 8}).requires_grad_(true);
    const ContrastiveStats s = contrastive_stats(z1, z2);
    QVERIFY(s.mean_positive_rank >= 1.0 && s.mean_positive_rank <= 7.0);
    QVERIFY(s.positive_top1 >= 0.0 && s.positive_top1 <= 1.0);
    QVERIFY(!z1.grad().defined());
  }
};

QTEST_GUILESS_MAIN(TestNTXentLoss)
#include "test_nt_xent_loss.moc"
