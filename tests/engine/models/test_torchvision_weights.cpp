// torchvision_weights: torchvision's ResNet state dict layout, the encoder under those names,
// and the torch.save-format file. Python's side (torch.load + load_state_dict strict=True)
// is tested in tests/app/cli/test_export_weights_command.
#include <QtTest>

#include <fstream>
#include <set>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/models/torchvision_weights.h"
#include "tests/support/temp_dir.h"

using namespace simclr;

class TestTorchvisionWeights : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // Counts of torchvision's state dicts minus fc.weight and fc.bias (len(resnetN().state_dict())
  // is 122, 218, 320 in torchvision 0.14).
  void layoutHasTorchvisionsEntryCount_data() {
    QTest::addColumn<int>("depth");
    QTest::addColumn<int>("entries");
    QTest::newRow("resnet18") << 18 << 120;
    QTest::newRow("resnet34") << 34 << 216;
    QTest::newRow("resnet50") << 50 << 318;
  }
  void layoutHasTorchvisionsEntryCount() {
    QFETCH(int, depth);
    QFETCH(int, entries);
    const auto layout = torchvision_resnet_layout(depth, "imagenet", 3);
    QCOMPARE(int(layout.size()), entries);
    QCOMPARE(layout.front().name, std::string("conv1.weight"));
    QCOMPARE(layout.front().shape, (std::vector<int64_t>{64, 3, 7, 7}));
    std::set<std::string> names;
    for (const auto& e : layout) names.insert(e.name);
    QCOMPARE(int(names.size()), entries);  // no duplicates
    QVERIFY(names.count("layer2.0.downsample.0.weight"));
    QCOMPARE(names.count("layer1.0.downsample.0.weight"), size_t(depth >= 50 ? 1 : 0));
  }

  void encoderMatchesTheLayoutInOrder_data() {
    QTest::addColumn<QString>("stem");
    QTest::addColumn<int>("channels");
    QTest::newRow("cifar rgb") << "cifar" << 3;
    QTest::newRow("imagenet grey") << "imagenet" << 1;
  }
  void encoderMatchesTheLayoutInOrder() {
    QFETCH(QString, stem);
    QFETCH(int, channels);
    ResNetConfig config;
    config.stem = stem.toStdString();
    config.in_channels = channels;
    ResNet encoder(config);
    const StateDict dict = torchvision_state_dict(*encoder);
    const auto layout = torchvision_resnet_layout(18, config.stem, channels);
    QCOMPARE(dict.size(), layout.size());
    for (size_t i = 0; i < dict.size(); ++i) {
      QCOMPARE(dict[i].first, layout[i].name);
      QCOMPARE(dict[i].second.sizes().vec(), layout[i].shape);
    }
    QCOMPARE(dict[0].second.size(2), stem == "cifar" ? 3 : 7);
    // A copy: exporting must not alias the live parameters.
    QVERIFY(dict[0].second.data_ptr() != encoder->conv1->weight.data_ptr());
    QVERIFY(torch::equal(dict[0].second, encoder->conv1->weight));
  }

  void otherWidthsAreRefused() {
    ResNetConfig config;
    config.width = 16;
    ResNet encoder(config);
    QVERIFY_THROWS_EXCEPTION(ConfigError, torchvision_state_dict(*encoder));
  }

  void fileRoundTripsExactly() {
    test::TempDir dir("torchvision-weights");
    torch::manual_seed(3);
    ResNet encoder(ResNetConfig{});
    {
      torch::NoGradGuard no_grad;
      encoder->bn1->running_mean.normal_();  // buffers travel too
    }
    const StateDict dict = torchvision_state_dict(*encoder);
    write_pytorch_state_dict(dir / "encoder.pt", dict);
    const StateDict back = read_pytorch_state_dict(dir / "encoder.pt");
    QCOMPARE(back.size(), dict.size());
    for (size_t i = 0; i < dict.size(); ++i) {
      QCOMPARE(back[i].first, dict[i].first);
      QCOMPARE(back[i].second.scalar_type(), dict[i].second.scalar_type());
      QVERIFY2(torch::equal(back[i].second, dict[i].second), dict[i].first.c_str());
    }
  }

  void notAStateDictIsADataError() {
    test::TempDir dir("torchvision-weights");
    std::ofstream(dir / "junk.pt") << "not a pickle";
    QVERIFY_THROWS_EXCEPTION(DataError, read_pytorch_state_dict(dir / "junk.pt"));
  }
};

QTEST_GUILESS_MAIN(TestTorchvisionWeights)
#include "test_torchvision_weights.moc"
