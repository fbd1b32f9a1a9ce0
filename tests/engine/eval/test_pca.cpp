#include <QtTest>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/eval/pca.h"

using namespace simclr;

Q_DECLARE_METATYPE(simclr::PcaSolver)

namespace {

torch::Tensor gaussian(std::vector<int64_t> shape, uint64_t seed) {
  auto generator = make_generator(seed);
  return at::randn(shape, generator, torch::TensorOptions().dtype(torch::kDouble));
}

// [N, D] data with a clear spectral gap: `rank` strong directions (singular values 100..60)
// plus weak isotropic noise, shifted away from the origin so centring matters.
torch::Tensor gapped(int64_t n, int64_t d, int64_t rank, uint64_t seed) {
  const auto basis = std::get<0>(at::linalg_qr(gaussian({d, rank}, seed)));  // [D, r]
  const auto scores = gaussian({n, rank}, seed + 1) * torch::linspace(10, 6, rank, torch::kDouble);
  return scores.mm(basis.t()) + 0.01 * gaussian({n, d}, seed + 2) + 5.0;
}

// The float64 reference: SVD of the centred data, rows signed like pca() signs them.
struct Reference {
  torch::Tensor components, variance, ratio, projected;
};
Reference reference(const torch::Tensor& data, int64_t k) {
  const auto x = data.to(torch::kDouble);
  const auto centred = x - x.mean(0);
  const auto svd = at::linalg_svd(centred, /*full_matrices=*/false);
  auto v = std::get<2>(svd).slice(0, 0, k);
  const auto s = std::get<1>(svd);
  const auto largest = v.abs().argmax(1, true);
  v = v * (v.gather(1, largest).ge(0).to(torch::kDouble) * 2 - 1);
  const double dof = static_cast<double>(x.size(0) - 1);
  return {v, s.slice(0, 0, k).pow(2) / dof, s.slice(0, 0, k).pow(2) / s.pow(2).sum(), centred.mm(v.t())};
}

double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}

}  // namespace

class TestPca : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void matchesFloat64Svd_data() {
    QTest::addColumn<PcaSolver>("solver");
    QTest::addColumn<bool>("float32");
    QTest::addColumn<double>("tolerance");
    QTest::newRow("full, double") << PcaSolver::Full << false << 1e-9;
    QTest::newRow("randomized, double") << PcaSolver::Randomized << false << 1e-7;
    QTest::newRow("auto, double") << PcaSolver::Auto << false << 1e-7;
    QTest::newRow("full, float") << PcaSolver::Full << true << 2e-4;
    QTest::newRow("randomized, float") << PcaSolver::Randomized << true << 2e-4;
  }
  void matchesFloat64Svd() {
    QFETCH(PcaSolver, solver);
    QFETCH(bool, float32);
    QFETCH(double, tolerance);
    auto data = gapped(300, 40, 5, 7);
    if (float32) data = data.to(torch::kFloat);
    PcaOptions options;
    options.components = 5;
    options.solver = solver;
    options.seed = 3;
    const PcaResult r = pca(data, options);
    const Reference ref = reference(data, 5);
    QCOMPARE(r.components.scalar_type(), data.scalar_type());
    QCOMPARE(r.components.sizes().vec(), (std::vector<int64_t>{5, 40}));
    QCOMPARE(r.projected.sizes().vec(), (std::vector<int64_t>{300, 5}));
    QVERIFY2(max_abs_diff(r.components, ref.components) < tolerance, "components");
    QVERIFY2(max_abs_diff(r.explained_variance / ref.variance, torch::ones({5})) < tolerance, "explained variance");
    QVERIFY2(max_abs_diff(r.explained_variance_ratio, ref.ratio) < tolerance, "variance ratio");
    QVERIFY2(max_abs_diff(r.projected, ref.projected) < tolerance * 100, "projected");
    QVERIFY(max_abs_diff(r.mean, data.mean(0)) < tolerance);
  }

  void fullSolverOnIsotropicData() {
    // No spectral gap at all: the full SVD must still match the reference exactly.
    const auto data = gaussian({120, 16}, 11);
    PcaOptions options;
    options.components = 16;
    options.solver = PcaSolver::Full;
    const PcaResult r = pca(data, options);
    const Reference ref = reference(data, 16);
    QVERIFY(max_abs_diff(r.components, ref.components) < 1e-9);
    QVERIFY(std::abs(r.explained_variance_ratio.sum().item<double>() - 1.0) < 1e-12);
  }

  void explainedVarianceIsVarianceOfProjection_data() {
    QTest::addColumn<PcaSolver>("solver");
    QTest::newRow("full") << PcaSolver::Full;
    QTest::newRow("randomized") << PcaSolver::Randomized;
  }
  void explainedVarianceIsVarianceOfProjection() {
    QFETCH(PcaSolver, solver);
    PcaOptions options;
    options.components = 4;
    options.solver = solver;
    const PcaResult r = pca(gapped(250, 30, 4, 21), options);
    const auto column_variance = r.projected.var(0, /*unbiased=*/true);
    QVERIFY(max_abs_diff(column_variance / r.explained_variance, torch::ones({4})) < 1e-9);
    // Components are orthonormal and the projections uncorrelated.
    QVERIFY(max_abs_diff(r.components.mm(r.components.t()), torch::eye(4)) < 1e-9);
  }

  void transformOfTrainingDataIsProjected() {
    PcaOptions options;
    options.components = 3;
    const auto data = gapped(200, 20, 3, 5).to(torch::kFloat);
    const PcaResult r = pca(data, options);
    QVERIFY(max_abs_diff(r.transform(data), r.projected) < 1e-5);
    QCOMPARE(r.transform(data.slice(0, 0, 7)).sizes().vec(), (std::vector<int64_t>{7, 3}));
  }

  void signConvention() {
    PcaOptions options;
    options.components = 6;
    const PcaResult r = pca(gaussian({80, 10}, 2), options);
    const auto largest = r.components.abs().argmax(1, true);
    QVERIFY(r.components.gather(1, largest).gt(0).all().item<bool>());
    // Flipping the data flips nothing: the convention is on the components, not the data.
    const PcaResult flipped = pca(-gaussian({80, 10}, 2), options);
    QVERIFY(max_abs_diff(flipped.components, r.components) < 1e-9);
    QVERIFY(max_abs_diff(flipped.projected, -r.projected) < 1e-9);
  }

  void randomizedIsSeeded() {
    PcaOptions options;
    options.components = 2;
    options.solver = PcaSolver::Randomized;
    options.power_iterations = 0;  // rough on isotropic data, so a seed visibly matters
    options.seed = 1;
    const auto data = gaussian({100, 30}, 8);
    QVERIFY(torch::equal(pca(data, options).components, pca(data, options).components));
  }

  void badComponents_data() {
    QTest::addColumn<int>("components");
    QTest::newRow("zero") << 0;
    QTest::newRow("negative") << -2;
    QTest::newRow("more than D") << 9;
  }
  void badComponents() {
    QFETCH(int, components);
    PcaOptions options;
    options.components = components;
    QVERIFY_THROWS_EXCEPTION(ConfigError, pca(gaussian({20, 8}, 1), options));
  }

  void badData() {
    PcaOptions options;
    QVERIFY_THROWS_EXCEPTION(ConfigError, pca(torch::zeros({10}), options));
    QVERIFY_THROWS_EXCEPTION(ConfigError, pca(torch::zeros({5, 1}), options));  // 2 > min(N, D)
    const PcaResult r = pca(gaussian({20, 8}, 1), options);
    QVERIFY_THROWS_EXCEPTION(ConfigError, r.transform(torch::zeros({3, 7})));
  }
};

QTEST_GUILESS_MAIN(TestPca)
#include "test_pca.moc"
