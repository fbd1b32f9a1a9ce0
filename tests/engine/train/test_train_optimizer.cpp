#include <QtTest>

#include <cmath>

#include <torch/torch.h>

#include "engine/train/train_optimizer.h"

using namespace simclr;

namespace {
struct TinyImpl : torch::nn::Module {
  TinyImpl() {
    fc = register_module("fc", torch::nn::Linear(4, 3));
    bn = register_module("bn", torch::nn::BatchNorm1d(3));
  }
  torch::Tensor forward(const torch::Tensor& x) { return bn(fc(x)); }
  torch::nn::Linear fc{nullptr};
  torch::nn::BatchNorm1d bn{nullptr};
};
TORCH_MODULE(Tiny);
}  // namespace

class TestTrainOptimizer : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void larsExcludesBiasesAndNormParameters() {
    Tiny model;
    QVERIFY(!excluded_from_lars("fc.weight", model->fc->weight));
    QVERIFY(excluded_from_lars("fc.bias", model->fc->bias));
    QVERIFY(excluded_from_lars("bn.weight", model->bn->weight));
  }

  void larsStepFollowsTheTrustRatio() {
    // One LARS step without momentum: w <- w - lr * eta * ||w|| / ||g + wd w|| * (g + wd w)
    // for adapted weights, and plain SGD (no decay) for the excluded bias.
    torch::manual_seed(0);
    Tiny model;
    TrainingConfig config;
    config.optimizer = "lars";
    config.learning_rate = 0.5;
    config.momentum = 0.0;
    config.weight_decay = 1e-2;
    TrainOptimizer optimizer(config, model->named_parameters());
    const auto w0 = model->fc->weight.detach().clone();
    const auto b0 = model->fc->bias.detach().clone();
    model->forward(torch::randn({8, 4})).pow(2).sum().backward();
    const auto g = model->fc->weight.grad().clone() + 1e-2 * w0;
    const auto gb = model->fc->bias.grad().clone();
    optimizer.step();
    const auto expected = w0 - 0.5 * 0.001 * w0.norm() / g.norm() * g;
    QVERIFY(torch::allclose(model->fc->weight.detach(), expected, 1e-6, 1e-7));
    QVERIFY(torch::allclose(model->fc->bias.detach(), b0 - 0.5 * gb, 1e-6, 1e-7));
  }

  void learningRateCanBeSetAndSurvivesSaveLoad_data() {
    QTest::addColumn<QString>("kind");
    QTest::newRow("adam") << "adam";
    QTest::newRow("sgd") << "sgd";
    QTest::newRow("lars") << "lars";
  }
  void learningRateCanBeSetAndSurvivesSaveLoad() {
    QFETCH(QString, kind);
    Tiny model;
    TrainingConfig config;
    config.optimizer = kind.toStdString();
    TrainOptimizer optimizer(config, model->named_parameters());
    optimizer.set_learning_rate(0.0123);
    QCOMPARE(optimizer.learning_rate(), 0.0123);
    model->forward(torch::randn({8, 4})).sum().backward();
    optimizer.step();
    torch::serialize::OutputArchive out;
    optimizer.save(out);
    std::ostringstream buffer;
    out.save_to(buffer);
    TrainOptimizer restored(config, model->named_parameters());
    torch::serialize::InputArchive in;
    std::istringstream read(buffer.str());
    in.load_from(read);
    restored.load(in);  // must not throw: the state matches the parameters
    QCOMPARE(QString::fromStdString(restored.kind()), kind);
  }
};

QTEST_GUILESS_MAIN(TestTrainOptimizer)
#include "test_train_optimizer.moc"
