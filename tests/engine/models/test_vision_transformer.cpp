#include <QtTest>

#include <cmath>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/losses/nt_xent_loss.h"
#include "engine/models/parameter_count.h"
#include "engine/models/simclr_model.h"
#include "engine/models/vision_transformer.h"

using namespace simclr;

namespace {

VisionTransformerConfig vit(int64_t image, int64_t patch, int64_t dim, int64_t heads, int64_t layers,
                            const char* pool = "cls", int64_t channels = 3, double mlp_ratio = 4.0,
                            double dropout = 0.0) {
  VisionTransformerConfig c;
  c.image_size = image;
  c.patch_size = patch;
  c.dim = dim;
  c.heads = heads;
  c.layers = layers;
  c.pool = pool;
  c.in_channels = channels;
  c.mlp_ratio = mlp_ratio;
  c.dropout = dropout;
  return c;
}

std::vector<int64_t> sizes(const torch::Tensor& t) {
  return t.sizes().vec();
}

// Multi-head self-attention written head by head in float64, independently of the module's
// batched reshapes: softmax(q_h k_h^T / sqrt(Dh)) v_h for each head h, concatenated, projected.
torch::Tensor reference_attention(SelfAttentionImpl& attn, const torch::Tensor& x, int64_t heads) {
  const auto W = attn.qkv->weight.to(torch::kDouble), b = attn.qkv->bias.to(torch::kDouble);
  const int64_t D = x.size(2), Dh = D / heads;
  const torch::Tensor xd = x.to(torch::kDouble);
  std::vector<torch::Tensor> outputs;
  for (int64_t h = 0; h < heads; ++h) {
    auto rows = [&](int64_t part) { return torch::indexing::Slice(part * D + h * Dh, part * D + (h + 1) * Dh); };
    const torch::Tensor q = torch::matmul(xd, W.index({rows(0)}).t()) + b.index({rows(0)});
    const torch::Tensor k = torch::matmul(xd, W.index({rows(1)}).t()) + b.index({rows(1)});
    const torch::Tensor v = torch::matmul(xd, W.index({rows(2)}).t()) + b.index({rows(2)});
    const torch::Tensor a = torch::softmax(torch::matmul(q, k.transpose(1, 2)) / std::sqrt(double(Dh)), -1);
    outputs.push_back(torch::matmul(a, v));  // [B, T, Dh]
  }
  const torch::Tensor mixed = torch::cat(outputs, 2);
  return torch::matmul(mixed, attn.proj->weight.to(torch::kDouble).t()) + attn.proj->bias.to(torch::kDouble);
}

}  // namespace

class TestVisionTransformer : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { torch::manual_seed(0); }

  void outputIsBatchByDim_data() {
    QTest::addColumn<QString>("pool");
    QTest::addColumn<qlonglong>("image");
    QTest::addColumn<qlonglong>("patch");
    QTest::addColumn<qlonglong>("channels");
    QTest::addColumn<qlonglong>("dim");
    QTest::addColumn<qlonglong>("batch");
    QTest::addRow("cls 32/4") << "cls" << 32LL << 4LL << 3LL << 32LL << 5LL;
    QTest::addRow("mean 32/4") << "mean" << 32LL << 4LL << 3LL << 32LL << 5LL;
    QTest::addRow("cls grey 28/7") << "cls" << 28LL << 7LL << 1LL << 24LL << 2LL;
    QTest::addRow("mean one patch") << "mean" << 16LL << 16LL << 3LL << 16LL << 3LL;
    QTest::addRow("cls batch 1") << "cls" << 16LL << 2LL << 3LL << 16LL << 1LL;
  }
  void outputIsBatchByDim() {
    QFETCH(QString, pool);
    QFETCH(qlonglong, image);
    QFETCH(qlonglong, patch);
    QFETCH(qlonglong, channels);
    QFETCH(qlonglong, dim);
    QFETCH(qlonglong, batch);
    VisionTransformer net(vit(image, patch, dim, 4, 2, pool.toStdString().c_str(), channels));
    QCOMPARE(net->feature_dim(), int64_t(dim));
    const torch::Tensor h = net->forward(torch::randn({batch, channels, image, image}));
    QCOMPARE(sizes(h), (std::vector<int64_t>{batch, dim}));
    QVERIFY(torch::isfinite(h).all().item<bool>());
    // The class token is registered only when it is used.
    QCOMPARE(net->named_parameters().contains("cls_token"), pool == "cls");
    const int64_t tokens = (image / patch) * (image / patch) + (pool == "cls" ? 1 : 0);
    QCOMPARE(sizes(net->pos_embed), (std::vector<int64_t>{1, tokens, dim}));
  }

  void parameterCountMatchesTheFormula_data() {
    QTest::addColumn<qlonglong>("image");
    QTest::addColumn<qlonglong>("patch");
    QTest::addColumn<qlonglong>("channels");
    QTest::addColumn<qlonglong>("dim");
    QTest::addColumn<qlonglong>("heads");
    QTest::addColumn<qlonglong>("layers");
    QTest::addColumn<double>("mlp_ratio");
    QTest::addColumn<QString>("pool");
    QTest::addColumn<qlonglong>("expected");  // hand-computed count, 0 = not given
    QTest::addColumn<int>("paper_millions");  // the paper's Table 1, 0 = not in it
    // 3*4*4*8+8 + cls 8 + pos 5*8 + block (32 + 216 + 72 + 280) + final LN 16 = 1056
    QTest::addRow("hand-computed") << 8LL << 4LL << 3LL << 8LL << 2LL << 1LL << 2.0 << "cls" << 1056LL << 0;
    QTest::addRow("hand-computed mean") << 8LL << 4LL << 3LL << 8LL << 2LL << 1LL << 2.0 << "mean" << 1056LL - 8 - 8
                                        << 0;
    QTest::addRow("tiny cifar") << 32LL << 4LL << 3LL << 128LL << 4LL << 4LL << 4.0 << "cls" << 0LL << 0;
    QTest::addRow("grey mean") << 28LL << 7LL << 1LL << 64LL << 8LL << 3LL << 2.0 << "mean" << 0LL << 0;
    QTest::addRow("odd mlp") << 12LL << 3LL << 3LL << 30LL << 5LL << 2LL << 2.5 << "cls" << 0LL << 0;
    QTest::addRow("default 192/3/6") << 32LL << 4LL << 3LL << 192LL << 3LL << 6LL << 4.0 << "cls" << 0LL << 0;
    QTest::addRow("paper 6x6") << 224LL << 16LL << 3LL << 768LL << 6LL << 6LL << 4.0 << "cls" << 0LL << 43;
    QTest::addRow("paper 8x8") << 224LL << 16LL << 3LL << 768LL << 8LL << 8LL << 4.0 << "cls" << 0LL << 57;
    QTest::addRow("paper 12x12") << 224LL << 16LL << 3LL << 768LL << 12LL << 12LL << 4.0 << "cls" << 0LL << 86;
  }
  void parameterCountMatchesTheFormula() {
    QFETCH(qlonglong, image);
    QFETCH(qlonglong, patch);
    QFETCH(qlonglong, channels);
    QFETCH(qlonglong, dim);
    QFETCH(qlonglong, heads);
    QFETCH(qlonglong, layers);
    QFETCH(double, mlp_ratio);
    QFETCH(QString, pool);
    QFETCH(qlonglong, expected);
    QFETCH(int, paper_millions);
    const VisionTransformerConfig c =
        vit(image, patch, dim, heads, layers, pool.toStdString().c_str(), channels, mlp_ratio);
    const int64_t formula = vit_parameter_count(c);
    if (expected > 0) QCOMPARE(formula, int64_t(expected));
    // The paper reports rounded millions (ViT-Base at 12x12 is the familiar 86 M).
    if (paper_millions > 0) QCOMPARE(int(std::llround(formula / 1e6)), paper_millions);
    torch::NoGradGuard no_grad;
    const VisionTransformer net(c);
    QCOMPARE(count_all_parameters(*net), formula);
    QCOMPARE(count_parameters(*net), formula);  // everything is trainable
  }

  void attentionMatchesAPerHeadReference() {
    torch::manual_seed(3);
    SelfAttention attn(24, 4, 0.0);
    const torch::Tensor x = torch::randn({3, 7, 24});
    const torch::Tensor ours = attn->forward(x).to(torch::kDouble);
    const torch::Tensor ref = reference_attention(*attn, x, 4);
    QCOMPARE(sizes(ours), (std::vector<int64_t>{3, 7, 24}));
    QVERIFY2(torch::allclose(ours, ref, 1e-5, 1e-5),
             qPrintable(QString("max diff %1").arg((ours - ref).abs().max().item<double>())));
  }

  void dropoutOnlyInTrainingMode() {
    VisionTransformer net(vit(16, 4, 32, 4, 2, "cls", 3, 4.0, /*dropout=*/0.3));
    const torch::Tensor x = torch::randn({4, 3, 16, 16});
    torch::NoGradGuard no_grad;
    net->eval();
    const torch::Tensor a = net->forward(x), b = net->forward(x);
    QVERIFY(torch::equal(a, b));
    net->train();
    const torch::Tensor c = net->forward(x), d = net->forward(x);
    QVERIFY(!torch::allclose(c, d));
    QVERIFY(!torch::allclose(a, c));
  }

  void gradientsReachEveryParameter() {
    VisionTransformer net(vit(16, 4, 32, 4, 2, "cls"));
    net->train();
    net->forward(torch::randn({3, 3, 16, 16})).pow(2).sum().backward();
    for (const auto& p : net->named_parameters()) {
      QVERIFY2(p.value().grad().defined(), p.key().c_str());
      QVERIFY2(p.value().grad().abs().sum().item<double>() > 0, p.key().c_str());
    }
  }

  void initialisation() {
    torch::NoGradGuard no_grad;
    VisionTransformer net(vit(32, 4, 256, 4, 2, "cls"));
    const auto params = net->named_parameters();
    for (const char* name : {"pos_embed", "cls_token", "blocks.0.attn.qkv.weight", "blocks.1.fc2.weight"}) {
      const torch::Tensor t = params[name];
      QVERIFY2(t.abs().max().item<double>() <= 0.04 + 1e-7, name);  // truncated at 2 std
      if (t.numel() > 1000)
        QVERIFY2(std::abs(t.std().item<double>() - 0.0176) < 0.002, name);  // std of N(0, .02) cut at +-2 std
    }
    for (const char* name : {"blocks.0.attn.qkv.bias", "blocks.0.fc1.bias", "norm.bias", "patch_embed.bias"})
      QVERIFY2(params[name].eq(0).all().item<bool>(), name);
    QVERIFY(params["blocks.0.norm1.weight"].eq(1).all().item<bool>());
    QVERIFY(params["norm.weight"].eq(1).all().item<bool>());
    // Xavier-uniform on [D, C*p*p]: bound sqrt(6 / (C*p*p + D)).
    const double bound = std::sqrt(6.0 / (3 * 16 + 256));
    QVERIFY(params["patch_embed.weight"].abs().max().item<double>() <= bound);
  }

  void wrongInputIsRefused_data() {
    QTest::addColumn<QList<qlonglong>>("shape");
    QTest::newRow("smaller image") << QList<qlonglong>{2, 3, 16, 16};
    QTest::newRow("larger image") << QList<qlonglong>{2, 3, 64, 64};
    QTest::newRow("not square") << QList<qlonglong>{2, 3, 32, 16};
    QTest::newRow("grey image") << QList<qlonglong>{2, 1, 32, 32};
    QTest::newRow("no batch") << QList<qlonglong>{3, 32, 32};
  }
  void wrongInputIsRefused() {
    QFETCH(QList<qlonglong>, shape);
    VisionTransformer net(vit(32, 4, 16, 2, 1));
    const std::vector<int64_t> dims(shape.begin(), shape.end());
    try {
      net->forward(torch::randn(dims));
      QFAIL("expected ConfigError");
    } catch (const ConfigError& e) {
      const QString message = e.what();
      QVERIFY2(message.contains("[B, 3, 32, 32]") && message.contains("image_size"), e.what());
    }
  }

  void invalidConfigIsRefusedWithItsPath_data() {
    QTest::addColumn<QString>("field");
    QTest::addColumn<QStringList>("paths");
    QTest::newRow("heads do not divide dim") << "heads" << QStringList{"encoder.vit.heads"};
    QTest::newRow("patch does not divide image") << "patch" << QStringList{"encoder.vit.patch_size"};
    QTest::newRow("patch larger than image") << "big patch" << QStringList{"encoder.vit.patch_size"};
    QTest::newRow("no layers") << "layers" << QStringList{"encoder.vit.layers"};
    QTest::newRow("dim 0") << "dim" << QStringList{"encoder.vit.dim"};
    QTest::newRow("dropout 1") << "dropout" << QStringList{"encoder.vit.dropout"};
    QTest::newRow("mlp ratio 0") << "mlp" << QStringList{"encoder.vit.mlp_ratio"};
    QTest::newRow("pool") << "pool" << QStringList{"encoder.vit.pool"};
    QTest::newRow("image 0") << "image" << QStringList{"encoder.vit.image_size"};
    QTest::newRow("channels 0") << "channels" << QStringList{"encoder.vit.in_channels"};
    QTest::newRow("several") << "several"
                             << QStringList{"encoder.vit.patch_size", "encoder.vit.heads", "encoder.vit.pool"};
  }
  void invalidConfigIsRefusedWithItsPath() {
    QFETCH(QString, field);
    QFETCH(QStringList, paths);
    VisionTransformerConfig c = vit(32, 4, 64, 4, 2);
    QVERIFY(c.validate().empty());
    if (field == "heads") c.heads = 5;
    if (field == "patch") c.patch_size = 5;
    if (field == "big patch") c.patch_size = 64;
    if (field == "layers") c.layers = 0;
    if (field == "dim") c.dim = 0;
    if (field == "dropout") c.dropout = 1.0;
    if (field == "mlp") c.mlp_ratio = 0.0;
    if (field == "pool") c.pool = "max";
    if (field == "image") c.image_size = 0;
    if (field == "channels") c.in_channels = 0;
    if (field == "several") {
      c.patch_size = 6;
      c.heads = 3;
      c.pool = "";
    }
    QStringList actual;
    for (const auto& issue : c.validate()) actual << QString::fromStdString(issue.path);
    QCOMPARE(actual, paths);
    QVERIFY_THROWS_EXCEPTION(ConfigError, VisionTransformer{c});
    EncoderConfig e;
    e.type = "vit";
    e.vit = c;
    try {
      make_encoder(e);
      QFAIL("expected ConfigError");
    } catch (const ConfigError& error) {
      for (const auto& p : paths) QVERIFY2(QString(error.what()).contains(p), error.what());
    }
  }

  void encoderFactoryBuildsAViT() {
    EncoderConfig e;
    e.type = "vit";
    e.vit = vit(32, 8, 48, 3, 2, "mean");
    QVERIFY(e.validate().empty());
    const auto encoder = make_encoder(e);
    QVERIFY(dynamic_cast<VisionTransformerImpl*>(encoder.get()) != nullptr);
    QCOMPARE(encoder->feature_dim(), int64_t{48});
    const QString text = QString::fromStdString(encoder->describe());
    QVERIFY2(text.startsWith("ViT") && text.contains("patch 8") && text.contains("3 heads") &&
                 text.contains("2 layers") && text.contains("mean pooling") && !text.contains('\n'),
             qPrintable(text));
    e.type = "transformer";
    QCOMPARE(QString::fromStdString(e.validate().at(0).path), QStringLiteral("encoder.type"));
  }

  void adamStepsLowerTheContrastiveLoss() {
    // SimCLR with a ViT encoder on one fixed batch of two views: a few Adam steps must lower
    // NT-Xent (the gradient flows through head, blocks, positions and patch embedding).
    torch::manual_seed(7);
    EncoderConfig e;
    e.type = "vit";
    e.vit = vit(16, 4, 32, 4, 2);
    ProjectionHeadConfig head;
    head.hidden_dim = 64;
    head.output_dim = 32;
    SimCLRModel model(make_encoder(e), head);
    model->train();
    const torch::Tensor x1 = torch::rand({16, 3, 16, 16});
    const torch::Tensor x2 = (x1 + 0.1 * torch::randn({16, 3, 16, 16})).clamp(0, 1);
    auto loss_of = [&] { return nt_xent_loss(model->forward(x1).z, model->forward(x2).z, 0.5); };
    torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(1e-3));
    const double first = loss_of().item<double>();
    QVERIFY(std::isfinite(first));
    for (int step = 0; step < 8; ++step) {
      adam.zero_grad();
      const torch::Tensor loss = loss_of();
      loss.backward();
      if (step == 0)
        QVERIFY(model->encoder->named_parameters()["patch_embed.weight"].grad().abs().sum().item<double>() > 0);
      adam.step();
    }
    const double last = loss_of().item<double>();
    QVERIFY2(last < first - 0.05, qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));
  }
};

QTEST_GUILESS_MAIN(TestVisionTransformer)
#include "test_vision_transformer.moc"
