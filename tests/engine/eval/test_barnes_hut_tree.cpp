#include <QtTest>

#include <cmath>
#include <vector>

#include <torch/torch.h>

#include "engine/core/seeding.h"
#include "engine/eval/barnes_hut_tree.h"

using namespace simclr;

namespace {

// [N, 2] points in a few blobs of different sizes plus a sparse background, as t-SNE layouts
// look, row-major doubles.
std::vector<double> layout(int64_t n, uint64_t seed) {
  auto generator = make_generator(seed);
  const auto opts = torch::TensorOptions().dtype(torch::kDouble);
  auto points = at::randn({n, 2}, generator, opts) * 20.0;
  const auto centres = at::randn({5, 2}, generator, opts) * 30.0;
  for (int64_t i = 0; i < n * 3 / 4; ++i) points[i] = centres[i % 5] + points[i] * (0.02 * (1 + i % 5));
  points = points.contiguous();
  return {points.data_ptr<double>(), points.data_ptr<double>() + 2 * n};
}

// Exact repulsion in float64 with LibTorch: forces [N, 2] and Z.
std::pair<torch::Tensor, double> exact(const std::vector<double>& points) {
  const int64_t n = static_cast<int64_t>(points.size() / 2);
  const auto y = torch::from_blob(const_cast<double*>(points.data()), {n, 2}, torch::kDouble).clone();
  const auto diff = y.unsqueeze(1) - y.unsqueeze(0);  // [N, N, 2], y_i - y_j
  auto w = 1.0 / (1.0 + diff.pow(2).sum(2));          // [N, N]
  w.fill_diagonal_(0.0);
  return {(w.pow(2).unsqueeze(2) * diff).sum(1), w.sum().item<double>()};
}

struct Run {
  torch::Tensor forces;
  double z;
};
Run barnes_hut(const std::vector<double>& points, double theta, int threads) {
  const int64_t n = static_cast<int64_t>(points.size() / 2);
  BarnesHutTree tree;
  tree.build(points.data(), n);
  std::vector<double> forces(points.size(), -1.0);
  const double z = tree.repulsion(theta, threads, forces.data());
  return {torch::from_blob(forces.data(), {n, 2}, torch::kDouble).clone(), z};
}

// Largest force error relative to the largest exact force.
double relative_error(const torch::Tensor& got, const torch::Tensor& want) {
  return (got - want).norm(2, 1).max().item<double>() / want.norm(2, 1).max().item<double>();
}

}  // namespace

class TestBarnesHutTree : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void thetaZeroIsExact_data() {
    QTest::addColumn<int>("n");
    QTest::newRow("1 point") << 1;
    QTest::newRow("2 points") << 2;
    QTest::newRow("one leaf") << 7;
    QTest::newRow("600 points") << 600;
  }
  void thetaZeroIsExact() {
    QFETCH(int, n);
    const auto points = layout(n, 3);
    const auto [forces, z] = exact(points);
    const Run bh = barnes_hut(points, 0.0, 2);
    QVERIFY((bh.forces - forces).abs().max().item<double>() <= 1e-12 * (1 + forces.abs().max().item<double>()));
    QVERIFY(std::abs(bh.z - z) <= 1e-12 * (1 + z));
  }

  void thetaHalfIsClose() {
    const auto points = layout(2000, 5);
    const auto [forces, z] = exact(points);
    const Run bh = barnes_hut(points, 0.5, 2);
    // A textbook recursive quadtree with the same criterion gives, on data like these, a
    // largest error of 1.2 % of the largest force, a mean of 0.2 % and Z within 0.2 %.
    const double force_error = relative_error(bh.forces, forces);
    const double mean_error =
        (bh.forces - forces).norm(2, 1).mean().item<double>() / forces.norm(2, 1).max().item<double>();
    const double z_error = std::abs(bh.z - z) / z;
    QVERIFY2(force_error < 2e-2, std::to_string(force_error).c_str());
    QVERIFY2(mean_error < 3e-3, std::to_string(mean_error).c_str());
    QVERIFY2(z_error < 3e-3, std::to_string(z_error).c_str());
    // Coarser theta, larger error, but still the same forces roughly.
    QVERIFY(relative_error(barnes_hut(points, 1.0, 2).forces, forces) < 0.1);
  }

  void duplicatePointsBeyondLeafCapacity() {
    // 40 copies of one point and 40 of another: the deepest cells hold more than a leaf's
    // capacity, and coincident points repel each other with w = 1.
    std::vector<double> points;
    for (int i = 0; i < 80; ++i) {
      points.push_back(i < 40 ? 1.5 : -2.0);
      points.push_back(i < 40 ? 0.25 : 3.0);
    }
    const auto [forces, z] = exact(points);
    for (double theta : {0.0, 0.5}) {
      const Run bh = barnes_hut(points, theta, 2);
      QVERIFY((bh.forces - forces).abs().max().item<double>() < 1e-12);
      QVERIFY(std::abs(bh.z - z) < 1e-9);
    }
  }

  void resultDoesNotDependOnThreads() {
    const auto points = layout(3000, 9);
    const Run one = barnes_hut(points, 0.5, 1);
    const Run three = barnes_hut(points, 0.5, 3);
    QVERIFY(torch::equal(one.forces, three.forces));
    QCOMPARE(one.z, three.z);  // bit-identical, not just close
  }

  void rebuildReusesTheTree() {
    BarnesHutTree tree;
    const auto a = layout(500, 1), b = layout(300, 2);
    std::vector<double> forces(a.size());
    tree.build(a.data(), 500);
    tree.build(b.data(), 300);
    QCOMPARE(tree.size(), int64_t{300});
    const double z = tree.repulsion(0.0, 2, forces.data());
    QVERIFY(std::abs(z - exact(b).second) < 1e-9 * z);
  }
};

QTEST_GUILESS_MAIN(TestBarnesHutTree)
#include "test_barnes_hut_tree.moc"
