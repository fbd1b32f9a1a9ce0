#include <QtTest>

#include <set>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/models/parameter_count.h"
#include "engine/models/resnet.h"
#include "engine/models/simclr_model.h"

using namespace simclr;

namespace {

// torchvision's published parameter counts (ImageNet stem, width 64, 3-channel input,
// including the 1000-class fc).
constexpr int64_t kTorchvisionResnet18 = 11689512;
constexpr int64_t kTorchvisionResnet34 = 21797672;
constexpr int64_t kTorchvisionResnet50 = 25557032;
constexpr int64_t kTorchvisionResnet101 = 44549160;
constexpr int64_t kTorchvisionResnet152 = 60192808;

struct Layout {
  bool bottleneck;
  std::vector<int> blocks;
};

Layout layout_of(int depth) {
  switch (depth) {
    case 18:
      return {false, {2, 2, 2, 2}};
    case 34:
      return {false, {3, 4, 6, 3}};
    case 50:
      return {true, {3, 4, 6, 3}};
    case 101:
      return {true, {3, 4, 23, 3}};
    default:
      return {true, {3, 8, 36, 3}};
  }
}

// Closed-form count of the architecture (no fc), independent of the implementation:
// stem conv c*w*k*k, every BN 2 per channel, BasicBlock 3x3+3x3, Bottleneck 1x1+3x3+1x1,
// a 1x1 projection shortcut where the channels or the resolution change.
int64_t closed_form_params(int depth, int64_t w, int64_t c, int64_t stem_kernel) {
  const Layout layout = layout_of(depth);
  const int64_t e = layout.bottleneck ? 4 : 1;
  int64_t total = c * w * stem_kernel * stem_kernel + 2 * w;
  int64_t in = w;
  for (int s = 0; s < 4; ++s) {
    const int64_t p = w << s;
    for (int b = 0; b < layout.blocks[s]; ++b) {
      if (layout.bottleneck)
        total += in * p + 2 * p + p * p * 9 + 2 * p + p * p * e + 2 * p * e;
      else
        total += in * p * 9 + 2 * p + p * p * 9 + 2 * p;
      if (b == 0 && (s > 0 || in != p * e)) total += in * p * e + 2 * p * e;
      in = p * e;
    }
  }
  return total;
}

// torchvision's state-dict keys for the same architecture without fc.
std::set<std::string> torchvision_keys(int depth) {
  const Layout layout = layout_of(depth);
  const std::vector<std::string> bn = {"weight", "bias", "running_mean", "running_var", "num_batches_tracked"};
  std::set<std::string> keys = {"conv1.weight"};
  for (const auto& b : bn) keys.insert("bn1." + b);
  const int convs = layout.bottleneck ? 3 : 2;
  for (int s = 0; s < 4; ++s)
    for (int i = 0; i < layout.blocks[s]; ++i) {
      const std::string block = "layer" + std::to_string(s + 1) + "." + std::to_string(i) + ".";
      for (int k = 1; k <= convs; ++k) {
        keys.insert(block + "conv" + std::to_string(k) + ".weight");
        for (const auto& b : bn) keys.insert(block + "bn" + std::to_string(k) + "." + b);
      }
      if (i == 0 && (s > 0 || layout.bottleneck)) {
        keys.insert(block + "downsample.0.weight");
        for (const auto& b : bn) keys.insert(block + "downsample.1." + b);
      }
    }
  return keys;
}

std::set<std::string> state_keys(const torch::nn::Module& m) {
  std::set<std::string> keys;
  for (const auto& p : m.named_parameters()) keys.insert(p.key());
  for (const auto& b : m.named_buffers()) keys.insert(b.key());
  return keys;
}

torch::Tensor param(const torch::nn::Module& m, const std::string& name) {
  const auto params = m.named_parameters();
  const torch::Tensor* t = params.find(name);
  return t ? *t : torch::Tensor();
}

std::vector<int64_t> sizes(const torch::Tensor& t) {
  return t.sizes().vec();
}

ResNetConfig config(int depth, const std::string& stem, int64_t width = 64, int64_t in_channels = 3) {
  ResNetConfig c;
  c.depth = depth;
  c.stem = stem;
  c.width = width;
  c.in_channels = in_channels;
  return c;
}

}  // namespace

class TestResNet : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { torch::manual_seed(0); }

  // Checked here: torchvision resnet18/34/50/101/152 counts (fc removed) for the ImageNet
  // stem, and the same with the 7x7 conv1 replaced by a 3x3 one for the CIFAR stem.
  void parameterCountsMatchTorchvision_data() {
    QTest::addColumn<int>("depth");
    QTest::addColumn<QString>("stem");
    QTest::addColumn<qlonglong>("expected");
    QTest::addColumn<qlonglong>("feature_dim");
    const struct {
      int depth;
      int64_t torchvision;
      int64_t features;
    } archs[] = {{18, kTorchvisionResnet18, 512},
                 {34, kTorchvisionResnet34, 512},
                 {50, kTorchvisionResnet50, 2048},
                 {101, kTorchvisionResnet101, 2048},
                 {152, kTorchvisionResnet152, 2048}};
    for (const auto& a : archs) {
      const int64_t without_fc = a.torchvision - (a.features * 1000 + 1000);
      QTest::addRow("resnet%d imagenet", a.depth)
          << a.depth << "imagenet" << qlonglong(without_fc) << qlonglong(a.features);
      QTest::addRow("resnet%d cifar", a.depth)
          << a.depth << "cifar" << qlonglong(without_fc - 3 * 64 * 49 + 3 * 64 * 9) << qlonglong(a.features);
    }
  }
  void parameterCountsMatchTorchvision() {
    QFETCH(int, depth);
    QFETCH(QString, stem);
    QFETCH(qlonglong, expected);
    QFETCH(qlonglong, feature_dim);
    ResNet net(config(depth, stem.toStdString()));
    QCOMPARE(qlonglong(count_parameters(*net)), expected);
    QCOMPARE(qlonglong(net->feature_dim()), feature_dim);
    // The closed form used below for other widths agrees with torchvision at width 64.
    QCOMPARE(qlonglong(closed_form_params(depth, 64, 3, stem == "imagenet" ? 7 : 3)), expected);
  }

  void widthAndChannelsScaleAsClosedForm_data() {
    QTest::addColumn<int>("depth");
    QTest::addColumn<qlonglong>("width");
    QTest::addColumn<qlonglong>("channels");
    for (int depth : {18, 34, 50})
      for (qlonglong width : {8, 16, 32})
        for (qlonglong channels : {1, 3})
          QTest::addRow("resnet%d w=%lld c=%lld", depth, width, channels) << depth << width << channels;
  }
  void widthAndChannelsScaleAsClosedForm() {
    QFETCH(int, depth);
    QFETCH(qlonglong, width);
    QFETCH(qlonglong, channels);
    ResNet net(config(depth, "cifar", width, channels));
    QCOMPARE(qlonglong(count_parameters(*net)), qlonglong(closed_form_params(depth, width, channels, 3)));
    QCOMPARE(qlonglong(net->feature_dim()), width * 8 * (depth >= 50 ? 4 : 1));
  }

  void stateDictKeysAreTorchvisions_data() {
    QTest::addColumn<int>("depth");
    QTest::addColumn<int>("key_count");  // torchvision's state_dict length minus fc's 2
    QTest::addRow("resnet18") << 18 << 122 - 2;
    QTest::addRow("resnet34") << 34 << 218 - 2;
    QTest::addRow("resnet50") << 50 << 320 - 2;
  }
  void stateDictKeysAreTorchvisions() {
    QFETCH(int, depth);
    QFETCH(int, key_count);
    ResNet net(config(depth, "imagenet"));
    const std::set<std::string> actual = state_keys(*net);
    const std::set<std::string> expected = torchvision_keys(depth);
    QCOMPARE(int(expected.size()), key_count);
    for (const auto& k : expected) QVERIFY2(actual.count(k), ("missing " + k).c_str());
    for (const auto& k : actual) QVERIFY2(expected.count(k), ("unexpected " + k).c_str());
  }

  void parameterShapesAreTorchvisions() {
    ResNet r18(config(18, "imagenet"));
    QCOMPARE(sizes(param(*r18, "conv1.weight")), (std::vector<int64_t>{64, 3, 7, 7}));
    QCOMPARE(sizes(param(*r18, "layer1.0.conv1.weight")), (std::vector<int64_t>{64, 64, 3, 3}));
    QCOMPARE(sizes(param(*r18, "layer2.0.conv1.weight")), (std::vector<int64_t>{128, 64, 3, 3}));
    QCOMPARE(sizes(param(*r18, "layer2.0.downsample.0.weight")), (std::vector<int64_t>{128, 64, 1, 1}));
    QCOMPARE(sizes(param(*r18, "layer4.1.conv2.weight")), (std::vector<int64_t>{512, 512, 3, 3}));
    ResNet r50(config(50, "imagenet"));
    QCOMPARE(sizes(param(*r50, "layer1.0.downsample.0.weight")), (std::vector<int64_t>{256, 64, 1, 1}));
    // v1.5: the stride sits on the 3x3 conv (a 1x1 conv1 keeps the input resolution).
    QCOMPARE(sizes(param(*r50, "layer2.0.conv1.weight")), (std::vector<int64_t>{128, 256, 1, 1}));
    const auto* first = r50->layer2->ptr(0)->as<BottleneckImpl>();
    QVERIFY(first);
    QCOMPARE(at::IntArrayRef(first->conv2->options.stride()).vec(), (std::vector<int64_t>{2, 2}));
    QCOMPARE(at::IntArrayRef(first->conv1->options.stride()).vec(), (std::vector<int64_t>{1, 1}));
    QCOMPARE(sizes(param(*r50, "layer4.2.conv3.weight")), (std::vector<int64_t>{2048, 512, 1, 1}));
    ResNet cifar(config(18, "cifar"));
    QCOMPARE(sizes(param(*cifar, "conv1.weight")), (std::vector<int64_t>{64, 3, 3, 3}));
  }

  void outputShapes_data() {
    QTest::addColumn<int>("depth");
    QTest::addColumn<QString>("stem");
    QTest::addColumn<qlonglong>("width");
    QTest::addColumn<qlonglong>("channels");
    QTest::addColumn<qlonglong>("batch");
    QTest::addColumn<qlonglong>("size");
    QTest::addColumn<qlonglong>("feature_dim");
    QTest::addRow("resnet18 cifar 32") << 18 << "cifar" << 64LL << 3LL << 2LL << 32LL << 512LL;
    QTest::addRow("resnet18 imagenet 224") << 18 << "imagenet" << 64LL << 3LL << 1LL << 224LL << 512LL;
    QTest::addRow("resnet18 imagenet 32") << 18 << "imagenet" << 64LL << 3LL << 2LL << 32LL << 512LL;
    QTest::addRow("resnet34 cifar 32") << 34 << "cifar" << 64LL << 3LL << 2LL << 32LL << 512LL;
    QTest::addRow("resnet50 cifar 32") << 50 << "cifar" << 64LL << 3LL << 2LL << 32LL << 2048LL;
    QTest::addRow("resnet50 imagenet 224") << 50 << "imagenet" << 64LL << 3LL << 2LL << 224LL << 2048LL;
    QTest::addRow("resnet18 w16 cifar 32") << 18 << "cifar" << 16LL << 3LL << 4LL << 32LL << 128LL;
    QTest::addRow("resnet18 1-channel 28") << 18 << "cifar" << 64LL << 1LL << 2LL << 28LL << 512LL;
    QTest::addRow("resnet50 1-channel 28") << 50 << "cifar" << 16LL << 1LL << 2LL << 28LL << 512LL;
  }
  void outputShapes() {
    QFETCH(int, depth);
    QFETCH(QString, stem);
    QFETCH(qlonglong, width);
    QFETCH(qlonglong, channels);
    QFETCH(qlonglong, batch);
    QFETCH(qlonglong, size);
    QFETCH(qlonglong, feature_dim);
    ResNet net(config(depth, stem.toStdString(), width, channels));
    net->eval();
    torch::NoGradGuard no_grad;
    const torch::Tensor h = net->forward(torch::randn({batch, channels, size, size}));
    QCOMPARE(sizes(h), (std::vector<int64_t>{batch, feature_dim}));
    QVERIFY(torch::isfinite(h).all().item<bool>());
    // Global average pooling after a ReLU: features are non-negative.
    QVERIFY(h.min().item<double>() >= 0.0);
  }

  void trainingModeForwardAndBackward() {
    ResNet net(config(18, "cifar", 8));
    net->train();
    const torch::Tensor h = net->forward(torch::randn({4, 3, 16, 16}));
    QCOMPARE(sizes(h), (std::vector<int64_t>{4, 64}));
    h.pow(2).sum().backward();
    QVERIFY(net->conv1->weight.grad().defined());
    QVERIFY(net->conv1->weight.grad().abs().sum().item<double>() > 0);
  }

  void wrongInputShapeThrows() {
    ResNet net(config(18, "cifar", 8));
    QVERIFY_THROWS_EXCEPTION(ConfigError, net->forward(torch::randn({2, 1, 32, 32})));
    QVERIFY_THROWS_EXCEPTION(ConfigError, net->forward(torch::randn({3, 32, 32})));
  }

  void initialisationFollowsTorchvision() {
    ResNet net(config(18, "cifar"));
    // Kaiming normal, fan_out, ReLU gain: std = sqrt(2 / (out_channels * 3 * 3)).
    const torch::Tensor w = net->layer4->ptr(0)->as<BasicBlockImpl>()->conv2->weight;  // [512, 512, 3, 3]
    const double expected_std = std::sqrt(2.0 / (512 * 9));
    QVERIFY(std::abs(w.std().item<double>() / expected_std - 1.0) < 0.01);
    QVERIFY(std::abs(w.mean().item<double>()) < 0.01 * expected_std);
    for (const auto& p : net->named_parameters()) {
      const bool bn = p.key().find("bn") != std::string::npos || p.key().find("downsample.1") != std::string::npos;
      if (!bn) continue;
      const double expected = p.key().size() > 6 && p.key().substr(p.key().size() - 6) == "weight" ? 1.0 : 0.0;
      QVERIFY2(p.value().eq(expected).all().item<bool>(), p.key().c_str());
    }
  }

  void zeroInitResidualClearsLastBatchNorm_data() {
    QTest::addColumn<int>("depth");
    QTest::addColumn<QString>("last_bn");
    QTest::addRow("basic") << 18 << "bn2";
    QTest::addRow("bottleneck") << 50 << "bn3";
  }
  void zeroInitResidualClearsLastBatchNorm() {
    QFETCH(int, depth);
    QFETCH(QString, last_bn);
    ResNetConfig c = config(depth, "cifar", 8);
    const std::string suffix = "." + last_bn.toStdString() + ".weight";
    auto check = [&](const ResNet& net, double expected) {
      int seen = 0;
      for (const auto& p : net->named_parameters()) {
        if (p.key().size() < suffix.size() ||
            p.key().compare(p.key().size() - suffix.size(), suffix.size(), suffix) != 0)
          continue;
        ++seen;
        QVERIFY2(p.value().eq(expected).all().item<bool>(), p.key().c_str());
      }
      QCOMPARE(seen, depth == 18 ? 8 : 16);  // one per block
      QVERIFY(net->bn1->weight.eq(1.0).all().item<bool>());
    };
    check(ResNet(c), 1.0);  // off by default
    c.zero_init_residual = true;
    check(ResNet(c), 0.0);
  }

  void invalidConfigThrows_data() {
    QTest::addColumn<int>("depth");
    QTest::addColumn<QString>("stem");
    QTest::addColumn<qlonglong>("width");
    QTest::addColumn<qlonglong>("channels");
    QTest::addColumn<QStringList>("paths");
    QTest::addRow("depth 20") << 20 << "cifar" << 64LL << 3LL << QStringList{"encoder.resnet.depth"};
    QTest::addRow("stem") << 18 << "patchify" << 64LL << 3LL << QStringList{"encoder.resnet.stem"};
    QTest::addRow("width 0") << 18 << "cifar" << 0LL << 3LL << QStringList{"encoder.resnet.width"};
    QTest::addRow("channels 0") << 18 << "cifar" << 64LL << 0LL << QStringList{"encoder.resnet.in_channels"};
    QTest::addRow("all at once") << 7 << "" << -1LL << -3LL
                                 << QStringList{"encoder.resnet.depth", "encoder.resnet.stem", "encoder.resnet.width",
                                                "encoder.resnet.in_channels"};
  }
  void invalidConfigThrows() {
    QFETCH(int, depth);
    QFETCH(QString, stem);
    QFETCH(qlonglong, width);
    QFETCH(qlonglong, channels);
    QFETCH(QStringList, paths);
    const ResNetConfig c = config(depth, stem.toStdString(), width, channels);
    const ConfigIssues issues = c.validate();
    QStringList actual;
    for (const auto& issue : issues) actual << QString::fromStdString(issue.path);
    QCOMPARE(actual, paths);
    QVERIFY_THROWS_EXCEPTION(ConfigError, ResNet{c});
    EncoderConfig e;
    e.resnet = c;
    try {
      make_encoder(e);
      QFAIL("expected ConfigError");
    } catch (const ConfigError& error) {
      for (const auto& p : paths) QVERIFY2(QString(error.what()).contains(p), error.what());
    }
  }

  void validConfigHasNoIssues() {
    for (int depth : supported_resnet_depths())
      for (const char* stem : {"cifar", "imagenet"}) QVERIFY(config(depth, stem, 16, 1).validate().empty());
  }

  void describeNamesTheArchitecture() {
    ResNet net(config(50, "imagenet", 16));
    const QString text = QString::fromStdString(net->describe());
    QVERIFY2(text.contains("ResNet-50"), qPrintable(text));
    QVERIFY2(text.contains("imagenet"), qPrintable(text));
    QVERIFY2(text.contains("512"), qPrintable(text));  // feature dim at width 16
  }
};

QTEST_GUILESS_MAIN(TestResNet)
#include "test_resnet.moc"
