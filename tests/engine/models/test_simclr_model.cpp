#include <QtTest>

#include <string>
#include <vector>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/losses/nt_xent_loss.h"
#include "engine/models/simclr_model.h"

using namespace simclr;

namespace {

EncoderConfig small_resnet(int depth = 18, int64_t width = 16) {
  EncoderConfig c;
  c.resnet.depth = depth;
  c.resnet.width = width;
  return c;
}

std::vector<int64_t> sizes(const torch::Tensor& t) {
  return t.sizes().vec();
}

}  // namespace

class TestSimCLRModel : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { torch::manual_seed(0); }

  void forwardReturnsHAndZ_data() {
    QTest::addColumn<int>("depth");
    QTest::addColumn<qlonglong>("width");
    QTest::addColumn<int>("layers");
    QTest::addColumn<qlonglong>("output_dim");
    QTest::addColumn<qlonglong>("h_dim");
    QTest::addColumn<qlonglong>("z_dim");
    QTest::addRow("resnet18 w16 mlp") << 18 << 16LL << 2 << 128LL << 128LL << 128LL;
    QTest::addRow("resnet18 w16 linear 64") << 18 << 16LL << 1 << 64LL << 128LL << 64LL;
    QTest::addRow("resnet18 w16 identity") << 18 << 16LL << 0 << 64LL << 128LL << 128LL;
    QTest::addRow("resnet50 w8 mlp") << 50 << 8LL << 2 << 32LL << 256LL << 32LL;
  }
  void forwardReturnsHAndZ() {
    QFETCH(int, depth);
    QFETCH(qlonglong, width);
    QFETCH(int, layers);
    QFETCH(qlonglong, output_dim);
    QFETCH(qlonglong, h_dim);
    QFETCH(qlonglong, z_dim);
    ProjectionHeadConfig head;
    head.layers = layers;
    head.output_dim = output_dim;
    SimCLRModel model(make_encoder(small_resnet(depth, width)), head);
    QCOMPARE(qlonglong(model->head->config().input_dim), h_dim);  // filled from the encoder
    model->train();
    const auto out = model->forward(torch::randn({4, 3, 32, 32}));
    QCOMPARE(sizes(out.h), (std::vector<int64_t>{4, h_dim}));
    QCOMPARE(sizes(out.z), (std::vector<int64_t>{4, z_dim}));
  }

  void embedIsTheEncoderOutput() {
    SimCLRModel model(make_encoder(small_resnet()), ProjectionHeadConfig{});
    model->eval();
    torch::NoGradGuard no_grad;
    const torch::Tensor x = torch::randn({3, 3, 32, 32});
    const torch::Tensor h = model->embed(x);
    QCOMPARE(sizes(h), (std::vector<int64_t>{3, 128}));
    QVERIFY(torch::equal(h, model->forward(x).h));
    QVERIFY(torch::equal(h, model->encoder->forward(x)));
  }

  void parametersAreNamedAndCounted() {
    auto encoder = make_encoder(small_resnet());
    SimCLRModel model(encoder, ProjectionHeadConfig{});
    const auto params = model->named_parameters();
    QVERIFY(params.contains("encoder.conv1.weight"));
    QVERIFY(params.contains("encoder.layer1.0.conv1.weight"));
    QVERIFY(params.contains("head.layers.0.weight"));
    const int64_t encoder_count = count_parameters(*encoder);
    const int64_t head_count = count_parameters(*model->head);
    QCOMPARE(count_parameters(*model), encoder_count + head_count);
    // Frozen parameters are not trainable.
    for (auto& p : encoder->parameters()) p.set_requires_grad(false);
    QCOMPARE(count_parameters(*model), head_count);
    QCOMPARE(count_all_parameters(*model), encoder_count + head_count);
  }

  void defaultEncoderIsResNet18() {
    auto encoder = make_encoder(EncoderConfig{});
    QCOMPARE(encoder->feature_dim(), int64_t(512));
    QVERIFY(QString::fromStdString(encoder->describe()).contains("ResNet-18"));
    QVERIFY(std::dynamic_pointer_cast<ResNetImpl>(encoder) != nullptr);
  }

  void invalidConfigThrows() {
    EncoderConfig unknown;
    unknown.type = "transformer";  // "resnet" and "vit" are the known types
    try {
      make_encoder(unknown);
      QFAIL("expected ConfigError");
    } catch (const ConfigError& e) {
      QVERIFY2(QString(e.what()).startsWith("encoder.type"), e.what());
    }
    ProjectionHeadConfig mismatched;
    mismatched.input_dim = 512;  // the width-16 encoder gives 128
    QVERIFY_THROWS_EXCEPTION(ConfigError, SimCLRModel(make_encoder(small_resnet()), mismatched));
    QVERIFY_THROWS_EXCEPTION(ConfigError, SimCLRModel(nullptr, ProjectionHeadConfig{}));
    ProjectionHeadConfig bad_head;
    bad_head.layers = -2;
    QVERIFY_THROWS_EXCEPTION(ConfigError, SimCLRModel(make_encoder(small_resnet()), bad_head));
  }

  void describeCoversEncoderAndHead() {
    SimCLRModel model(make_encoder(small_resnet()), ProjectionHeadConfig{});
    const QString text = QString::fromStdString(model->describe());
    QVERIFY2(text.contains("ResNet-18") && text.contains("head"), qPrintable(text));
  }

  void contrastiveStepLowersTheLoss() {
    // Two views of 8 images through the model and NT-Xent; a small SGD step on the same
    // batch must lower the loss (the gradient reaches both encoder and head).
    SimCLRModel model(make_encoder(small_resnet(18, 8)), ProjectionHeadConfig{});
    model->train();
    const torch::Tensor x1 = torch::randn({8, 3, 16, 16});
    const torch::Tensor x2 = x1 + 0.1 * torch::randn({8, 3, 16, 16});
    auto loss_of = [&] { return nt_xent_loss(model->forward(x1).z, model->forward(x2).z, 0.5); };
    torch::optim::SGD sgd(model->parameters(), torch::optim::SGDOptions(1e-3));
    const torch::Tensor before = loss_of();
    QVERIFY(std::isfinite(before.item<double>()));
    sgd.zero_grad();
    before.backward();
    QVERIFY(model->encoder->named_parameters()["conv1.weight"].grad().abs().sum().item<double>() > 0);
    QVERIFY(model->head->named_parameters()["layers.0.weight"].grad().abs().sum().item<double>() > 0);
    sgd.step();
    const double after = loss_of().item<double>();
    QVERIFY2(after < before.item<double>(),
             qPrintable(QString("before %1, after %2").arg(before.item<double>()).arg(after)));
  }
};

QTEST_GUILESS_MAIN(TestSimCLRModel)
#include "test_simclr_model.moc"
