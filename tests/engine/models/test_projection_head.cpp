#include <QtTest>

#include <set>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/models/parameter_count.h"
#include "engine/models/projection_head.h"

using namespace simclr;

namespace {

// The documented formula: hidden Linear d_{l-1} x d_l (+ bias only without BN), BN 2 * d_l,
// last Linear d_{L-1} x d_L + d_L.
int64_t expected_params(int64_t in, int64_t hidden, int64_t out, int layers, bool bn) {
  if (layers == 0) return 0;
  int64_t total = 0;
  int64_t d = in;
  for (int l = 1; l < layers; ++l) {
    total += d * hidden + (bn ? 2 * hidden : hidden);
    d = hidden;
  }
  return total + d * out + out;
}

ProjectionHeadConfig head_config(int64_t in, int64_t hidden, int64_t out, int layers, bool bn) {
  ProjectionHeadConfig c;
  c.input_dim = in;
  c.hidden_dim = hidden;
  c.output_dim = out;
  c.layers = layers;
  c.batch_norm = bn;
  return c;
}

}  // namespace

class TestProjectionHead : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { torch::manual_seed(0); }

  void shapesAndParameterCounts_data() {
    QTest::addColumn<qlonglong>("in");
    QTest::addColumn<qlonglong>("hidden");
    QTest::addColumn<qlonglong>("out");
    QTest::addColumn<int>("layers");
    QTest::addColumn<bool>("bn");
    QTest::addColumn<qlonglong>("count");  // worked out by hand for the common heads
    QTest::addRow("simclr resnet18") << 512LL << 512LL << 128LL << 2 << true << 512LL * 512 + 2 * 512 + 512 * 128 + 128;
    QTest::addRow("simclr no bn") << 512LL << 512LL << 128LL << 2 << false << 512LL * 512 + 512 + 512 * 128 + 128;
    QTest::addRow("simclr resnet50") << 2048LL << 2048LL << 128LL << 2 << true
                                     << 2048LL * 2048 + 2 * 2048 + 2048 * 128 + 128;
    QTest::addRow("linear") << 512LL << 512LL << 128LL << 1 << true << 512LL * 128 + 128;
    QTest::addRow("simclr v2 3 layers") << 128LL << 256LL << 64LL << 3 << true
                                        << 128LL * 256 + 512 + 256 * 256 + 512 + 256 * 64 + 64;
    QTest::addRow("4 layers no bn") << 64LL << 32LL << 16LL << 4 << false
                                    << 64LL * 32 + 32 + 2 * (32 * 32 + 32) + 32 * 16 + 16;
    QTest::addRow("identity") << 100LL << 512LL << 128LL << 0 << true << 0LL;
  }
  void shapesAndParameterCounts() {
    QFETCH(qlonglong, in);
    QFETCH(qlonglong, hidden);
    QFETCH(qlonglong, out);
    QFETCH(int, layers);
    QFETCH(bool, bn);
    QFETCH(qlonglong, count);
    QCOMPARE(qlonglong(expected_params(in, hidden, out, layers, bn)), count);

    ProjectionHead head(head_config(in, hidden, out, layers, bn));
    QCOMPARE(qlonglong(count_parameters(*head)), count);
    const int64_t z_dim = layers == 0 ? in : out;
    QCOMPARE(qlonglong(head->output_dim()), qlonglong(z_dim));

    head->train();
    const torch::Tensor h = torch::randn({4, in});
    const torch::Tensor z = head->forward(h);
    QCOMPARE(z.sizes().vec(), (std::vector<int64_t>{4, z_dim}));
    if (layers == 0) QVERIFY(torch::equal(z, h));

    head->eval();  // a single sample works in eval mode, even with batch norm
    QCOMPARE(head->forward(torch::randn({1, in})).sizes().vec(), (std::vector<int64_t>{1, z_dim}));
  }

  void layerNamesAndBiases() {
    ProjectionHead head(head_config(32, 16, 8, 2, true));
    std::set<std::string> names;
    for (const auto& p : head->named_parameters()) names.insert(p.key());
    // Linear (no bias: the BN's beta replaces it), BatchNorm1d, ReLU, Linear.
    const std::set<std::string> expected = {"layers.0.weight", "layers.1.weight", "layers.1.bias", "layers.3.weight",
                                            "layers.3.bias"};
    QVERIFY(names == expected);

    ProjectionHead plain(head_config(32, 16, 8, 2, false));
    names.clear();
    for (const auto& p : plain->named_parameters()) names.insert(p.key());
    QVERIFY(names == (std::set<std::string>{"layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"}));
  }

  void hiddenLayersAreNonLinear() {
    // A ReLU MLP is not linear: g(a) + g(b) != g(a + b) in general.
    ProjectionHead head(head_config(8, 16, 4, 2, false));
    head->eval();
    torch::NoGradGuard no_grad;
    const torch::Tensor a = torch::randn({3, 8}), b = torch::randn({3, 8});
    const torch::Tensor bias = head->forward(torch::zeros({1, 8}));
    const torch::Tensor lhs = head->forward(a) + head->forward(b) - bias;
    QVERIFY(!torch::allclose(lhs, head->forward(a + b), 1e-4, 1e-5));
  }

  void describeSaysWhatItIs() {
    QCOMPARE(QString::fromStdString(ProjectionHead(head_config(512, 512, 128, 2, true))->describe()),
             QStringLiteral("MLP head 512 -> 512 -> 128 (BN, ReLU)"));
    QCOMPARE(QString::fromStdString(ProjectionHead(head_config(512, 512, 64, 1, true))->describe()),
             QStringLiteral("linear head 512 -> 64"));
    QVERIFY(
        QString::fromStdString(ProjectionHead(head_config(512, 512, 64, 0, true))->describe()).contains("identity"));
  }

  void invalidConfigThrows_data() {
    QTest::addColumn<qlonglong>("in");
    QTest::addColumn<qlonglong>("hidden");
    QTest::addColumn<qlonglong>("out");
    QTest::addColumn<int>("layers");
    QTest::addColumn<QString>("path");
    QTest::addRow("input 0") << 0LL << 512LL << 128LL << 2 << "model.projection_head.input_dim";
    QTest::addRow("input -1") << -1LL << 512LL << 128LL << 2 << "model.projection_head.input_dim";
    QTest::addRow("hidden 0") << 512LL << 0LL << 128LL << 2 << "model.projection_head.hidden_dim";
    QTest::addRow("output 0") << 512LL << 512LL << 0LL << 1 << "model.projection_head.output_dim";
    QTest::addRow("layers -1") << 512LL << 512LL << 128LL << -1 << "model.projection_head.layers";
    QTest::addRow("layers 99") << 512LL << 512LL << 128LL << 99 << "model.projection_head.layers";
  }
  void invalidConfigThrows() {
    QFETCH(qlonglong, in);
    QFETCH(qlonglong, hidden);
    QFETCH(qlonglong, out);
    QFETCH(int, layers);
    QFETCH(QString, path);
    const ProjectionHeadConfig c = head_config(in, hidden, out, layers, true);
    try {
      ProjectionHead head(c);
      QFAIL("expected ConfigError");
    } catch (const ConfigError& e) {
      QVERIFY2(QString(e.what()).startsWith(path), e.what());
    }
  }

  void unusedSizesAreNotChecked() {
    // hidden_dim does not matter for a linear head, output_dim not for the identity.
    QVERIFY(head_config(512, 0, 128, 1, true).validate().empty());
    QVERIFY(head_config(512, 0, 0, 0, true).validate().empty());
    // input_dim 0 means "the encoder's" until the head is built.
    QVERIFY(head_config(0, 512, 128, 2, true).validate().empty());
    QCOMPARE(head_config(0, 512, 128, 2, true).validate("head", true).size(), size_t(1));
  }
};

QTEST_GUILESS_MAIN(TestProjectionHead)
#include "test_projection_head.moc"
