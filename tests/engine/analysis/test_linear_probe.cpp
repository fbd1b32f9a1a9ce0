#include <QtTest>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/analysis/linear_probe.h"

using namespace simclr;

namespace {
// Gaussian clusters around well-separated class means: linearly separable with a wide margin.
// x [n, dim] float, y [n] int64 (classes in turn, so every class is present).
ProbeData clusters(int64_t n_train, int64_t n_test, int64_t dim, int64_t classes, double spread, uint64_t seed) {
  torch::manual_seed(seed);
  const auto means = torch::randn({classes, dim}) * 4;  // pairwise distances ~ 4 * sqrt(2 * dim)
  auto make = [&](int64_t n) {
    const auto y = torch::arange(n, torch::kLong) % classes;
    const auto x = means.index_select(0, y) + spread * torch::randn({n, dim}) + 10;  // offset: standardisation matters
    return std::make_pair(x, y);
  };
  auto [tx, ty] = make(n_train);
  auto [vx, vy] = make(n_test);
  return {tx, ty, vx, vy, classes};
}

LinearProbeOptions quick(LinearSolver solver) {
  LinearProbeOptions o;
  o.solver = solver;
  o.weight_decays = {0, 1e-3, 1e-1};
  o.epochs = 20;
  o.batch_size = 64;
  o.learning_rate = 1e-2;
  o.lbfgs_iterations = 100;
  return o;
}
}  // namespace

class TestLinearProbe : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void separableDataIsSolved_data() {
    QTest::addColumn<int>("solver");
    QTest::newRow("adam") << int(LinearSolver::Adam);
    QTest::newRow("lbfgs") << int(LinearSolver::Lbfgs);
  }
  void separableDataIsSolved() {
    QFETCH(int, solver);
    const ProbeData data = clusters(600, 300, 16, 5, 1.0, 3);
    long long last_step = 0, total = 0;
    JobCallbacks cb;
    cb.on_progress = [&](const Progress& p) {
      QCOMPARE(QString::fromStdString(p.stage), QStringLiteral("linear probe"));
      QVERIFY(p.step > last_step);
      last_step = p.step;
      total = p.total;
    };
    const LinearProbeResult r = linear_probe(data, quick(LinearSolver(solver)), cb);
    QVERIFY2(r.test_top1 >= 0.99, qPrintable(QString::number(r.test_top1)));
    QVERIFY(r.train_top1 >= 0.99);
    QCOMPARE(r.test_top5, 1.0);
    QCOMPARE(r.trials.size(), size_t{3});
    QCOMPARE(r.num_classes, int64_t{5});
    QCOMPARE(r.input_dim, int64_t{16});
    QCOMPARE(r.train_size, int64_t{600});
    QCOMPARE(r.test_size, int64_t{300});
    QCOMPARE(r.val_size, int64_t{120});  // 20 % of each class of 120
    QCOMPARE(last_step, total);          // the bar ends full, also when L-BFGS converges early
  }

  // Labels that do not depend on the features: nothing to learn, test accuracy near chance.
  // (Guards against a probe that leaks test labels or scores on the training rows.)
  void randomLabelsStayNearChance() {
    torch::manual_seed(5);
    ProbeData data{torch::randn({400, 8}), torch::randint(0, 4, {400}, torch::kLong), torch::randn({400, 8}),
                   torch::randint(0, 4, {400}, torch::kLong), 4};
    const LinearProbeResult r = linear_probe(data, quick(LinearSolver::Lbfgs));
    QVERIFY2(r.test_top1 < 0.4, qPrintable(QString::number(r.test_top1)));
  }

  // The weight decay is the one with the best validation accuracy; the validation part is
  // held out of the fits that choose it.
  void chosenDecayIsTheBestOnValidation() {
    // Few points in many dimensions with noisy labels: a strong penalty generalises better.
    torch::manual_seed(9);
    const auto w = torch::randn({64});
    auto make = [&](int64_t n) {
      const auto x = torch::randn({n, 64});
      const auto logits = torch::mv(x, w) * 0.3 + torch::randn({n});
      return std::make_pair(x, (logits > 0).to(torch::kLong));
    };
    auto [tx, ty] = make(120);
    auto [vx, vy] = make(400);
    LinearProbeOptions o = quick(LinearSolver::Lbfgs);
    o.weight_decays = {0, 1e-2, 1, 1e2};
    const LinearProbeResult r = linear_probe({tx, ty, vx, vy, 2}, o);
    double best = -1;
    for (const auto& t : r.trials) best = std::max(best, t.val_top1);
    QCOMPARE(r.val_top1, best);
    bool found = false;
    for (const auto& t : r.trials) found |= t.weight_decay == r.weight_decay && t.val_top1 == best;
    QVERIFY(found);
    QVERIFY(r.weight_decay > 0);  // zero penalty overfits 120 points in 64 dimensions
  }

  void sameSeedSameResult() {
    const ProbeData data = clusters(200, 100, 8, 3, 3.0, 4);
    LinearProbeOptions o = quick(LinearSolver::Adam);
    o.epochs = 5;
    const auto a = linear_probe(data, o), b = linear_probe(data, o);
    QCOMPARE(a.test_top1, b.test_top1);
    QCOMPARE(a.weight_decay, b.weight_decay);
    for (size_t i = 0; i < a.trials.size(); ++i) QCOMPARE(a.trials[i].val_top1, b.trials[i].val_top1);
  }

  void balancedHoldout() {
    const auto labels = torch::tensor({0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2}, torch::kLong);
    const auto [held, rest] = balanced_holdout(labels, 0.4, 1);
    QCOMPARE(held.size(0) + rest.size(0), int64_t{12});
    const auto held_labels = labels.index_select(0, held);
    QCOMPARE(held_labels.eq(0).sum().item<int64_t>(), int64_t{2});
    QCOMPARE(held_labels.eq(1).sum().item<int64_t>(), int64_t{2});
    QCOMPARE(held_labels.eq(2).sum().item<int64_t>(), int64_t{1});  // at least one, never all
    QVERIFY(std::get<0>(torch::cat({held, rest}).sort()).equal(torch::arange(12, torch::kLong)));
    QVERIFY(std::get<0>(balanced_holdout(labels, 0.4, 1)).equal(held));
  }

  void standardizerKeepsConstantColumns() {
    const auto x = torch::tensor({{1.0f, 5.0f}, {3.0f, 5.0f}});
    const auto s = Standardizer::fit(x);
    const auto y = s.apply(x);
    QVERIFY(torch::allclose(y, torch::tensor({{-1.0f, 0.0f}, {1.0f, 0.0f}})));
  }

  void badInputIsAConfigError_data() {
    QTest::addColumn<QString>("what");
    QTest::newRow("no decays") << "decays";
    QTest::newRow("negative decay") << "negative";
    QTest::newRow("fraction") << "fraction";
    QTest::newRow("mismatched labels") << "labels";
    QTest::newRow("dimensions") << "dims";
  }
  void badInputIsAConfigError() {
    QFETCH(QString, what);
    ProbeData data = clusters(40, 20, 4, 2, 1.0, 1);
    LinearProbeOptions o = quick(LinearSolver::Adam);
    if (what == "decays") o.weight_decays.clear();
    if (what == "negative") o.weight_decays = {-1};
    if (what == "fraction") o.validation_fraction = 1;
    if (what == "labels") data.train_y = data.train_y.slice(0, 0, 10);
    if (what == "dims") data.test_x = torch::zeros({20, 5});
    QVERIFY_THROWS_EXCEPTION(ConfigError, linear_probe(data, o));
    QVERIFY_THROWS_EXCEPTION(ConfigError, parse_linear_solver("sgd"));
  }

  void stopsWhenAsked() {
    const ProbeData data = clusters(100, 50, 4, 2, 1.0, 1);
    StopToken stop;
    stop.request_stop();
    QVERIFY_THROWS_EXCEPTION(CancelledError, linear_probe(data, quick(LinearSolver::Adam), {}, stop));
  }
};

QTEST_GUILESS_MAIN(TestLinearProbe)
#include "test_linear_probe.moc"
