#include <QtTest>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/analysis/linear_probe.h"
#include "engine/analysis/mlp_probe.h"

using namespace simclr;

namespace {
// XOR of the signs of two coordinates, with extra noise dimensions: no linear model does
// better than chance, a ReLU hidden layer solves it.
ProbeData xor_task(int64_t n_train, int64_t n_test, uint64_t seed) {
  torch::manual_seed(seed);
  auto make = [](int64_t n) {
    const auto x = torch::rand({n, 4}) * 2 - 1;
    const auto y = ((x.select(1, 0) > 0) ^ (x.select(1, 1) > 0)).to(torch::kLong);
    return std::make_pair(x, y);
  };
  auto [tx, ty] = make(n_train);
  auto [vx, vy] = make(n_test);
  return {tx, ty, vx, vy, 2};
}

MlpProbeOptions quick() {
  MlpProbeOptions o;
  o.hidden = 64;
  o.epochs = 30;
  o.batch_size = 64;
  o.learning_rate = 1e-2;
  return o;
}
}  // namespace

class TestMlpProbe : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // The paper's architecture: flatten -> Linear(D, hidden) -> ReLU -> Linear(hidden, classes).
  void architecture() {
    MlpProbeNet net(3 * 4 * 4, 7, 5);
    QCOMPARE(net->fc1->weight.sizes().vec(), (std::vector<int64_t>{7, 48}));
    QCOMPARE(net->fc2->weight.sizes().vec(), (std::vector<int64_t>{5, 7}));
    QCOMPARE(net->parameters().size(), size_t{4});
    net->reset_parameters(1);
    const auto x = torch::randn({2, 3, 4, 4});
    const auto logits = net(x);  // images are flattened
    QCOMPARE(logits.sizes().vec(), (std::vector<int64_t>{2, 5}));
    torch::NoGradGuard no_grad;
    const auto expected =
        torch::relu(x.flatten(1).matmul(net->fc1->weight.t()) + net->fc1->bias).matmul(net->fc2->weight.t()) +
        net->fc2->bias;
    QVERIFY(torch::allclose(logits, expected, 1e-5, 1e-6));
    // Default-like initialisation: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), seeded.
    QVERIFY(net->fc1->weight.abs().max().item<double>() <= 1 / std::sqrt(48.0));
    MlpProbeNet other(48, 7, 5);
    other->reset_parameters(1);
    QVERIFY(torch::equal(other->fc1->weight, net->fc1->weight));
  }

  void learnsXor() {
    const ProbeData data = xor_task(1000, 500, 2);
    const MlpProbeResult r = mlp_probe(data, quick());
    QVERIFY2(r.test_top1 >= 0.9, qPrintable(QString::number(r.test_top1)));
    QCOMPARE(r.history.size(), size_t{30});
    QVERIFY(r.history.back().train_loss < r.history.front().train_loss);
    QVERIFY(r.history.back().test_top1 >= 0);
    QCOMPARE(r.input_dim, int64_t{4});
    QCOMPARE(r.num_classes, int64_t{2});
    // The same task is out of reach for a linear probe: the hidden layer does the work.
    LinearProbeOptions lo;
    lo.solver = LinearSolver::Lbfgs;
    lo.weight_decays = {0};
    lo.lbfgs_iterations = 50;
    QVERIFY(linear_probe(data, lo).test_top1 < 0.7);
  }

  void sameSeedSameResult() {
    const ProbeData data = xor_task(200, 100, 3);
    MlpProbeOptions o = quick();
    o.epochs = 3;
    const auto a = mlp_probe(data, o), b = mlp_probe(data, o);
    QCOMPARE(a.test_top1, b.test_top1);
    QCOMPARE(a.history.back().train_loss, b.history.back().train_loss);
    o.seed = 1;
    QVERIFY(mlp_probe(data, o).history.back().train_loss != a.history.back().train_loss);
  }

  void progressPerEpoch() {
    const ProbeData data = xor_task(100, 50, 4);
    MlpProbeOptions o = quick();
    o.epochs = 4;
    o.stage = "mlp raw";
    std::vector<long long> steps;
    JobCallbacks cb;
    cb.on_progress = [&](const Progress& p) {
      QCOMPARE(QString::fromStdString(p.stage), QStringLiteral("mlp raw"));
      QCOMPARE(p.total, 4LL);
      steps.push_back(p.step);
    };
    mlp_probe(data, o, cb);
    QCOMPARE(steps, (std::vector<long long>{1, 2, 3, 4}));
  }

  void badInput() {
    ProbeData data = xor_task(50, 20, 5);
    MlpProbeOptions o = quick();
    o.hidden = 0;
    QVERIFY_THROWS_EXCEPTION(ConfigError, mlp_probe(data, o));
    data.train_y = data.train_y.slice(0, 0, 10);
    QVERIFY_THROWS_EXCEPTION(ConfigError, mlp_probe(data, quick()));
    StopToken stop;
    stop.request_stop();
    QVERIFY_THROWS_EXCEPTION(CancelledError, mlp_probe(xor_task(50, 20, 5), quick(), {}, stop));
  }
};

QTEST_GUILESS_MAIN(TestMlpProbe)
#include "test_mlp_probe.moc"
