// simclr-cli export weights RUN --format pytorch, as a user runs it: a width-64 ResNet-18
// trained two steps on a CIFAR-10-format fixture is exported, read back, and loaded by
// Debian's python3-torch + python3-torchvision into torchvision's resnet18 (stem swapped,
// strict=True), whose features must equal the C++ encoder's on the same input; and the
// reverse, torchvision's resnet18 saved by Python imported as a run's starting point.
#include <QtTest>

#include <QStandardPaths>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/core/job.h"
#include "engine/analysis/trained_run.h"
#include "engine/models/torchvision_weights.h"
#include "engine/project/project_file.h"
#include "engine/project/run_folder.h"
#include "engine/train/trainer.h"
#include "tests/app/cli/cli_process.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using simclr::test::cli;
using simclr::test::run_process;
using Outcome = simclr::test::ProcessOutcome;
namespace fs = std::filesystem;

namespace {
// A Python 3 that imports torch and torchvision (Debian's is /usr/bin/python3; a python3
// earlier on PATH, e.g. pyenv's, may lack them), or empty.
QString python_with_torchvision() {
  QStringList candidates{QStringLiteral("/usr/bin/python3")};
  const QString onPath = QStandardPaths::findExecutable(QStringLiteral("python3"));
  if (!onPath.isEmpty()) candidates << onPath;
  for (const QString& python : candidates)
    if (QFileInfo::exists(python) && run_process(python, {"-c", "import torch, torchvision"}, 60000).code == 0)
      return python;
  return {};
}

fs::path train_tiny(const fs::path& dir, const std::string& name, int64_t width) {
  ProjectConfig p = test::tiny_project(dir / "data");
  p.name = name;
  p.model.width = width;
  p.training.max_steps = 2;  // BN running statistics and weights move away from their init
  p.training.checkpoint_every_steps = 2;
  p.training.precision = "fp32";
  p.evaluation.knn_every_epochs = 0;
  p.evaluation.knn_at_start = false;
  TrainOptions options;
  options.runs_root = dir / "runs";
  return train(p, options, {}, StopToken()).run_dir;
}
}  // namespace

class TestExportWeightsCommand : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-cli-export-weights"};
  fs::path run64_, run4_;

 private Q_SLOTS:
  void initTestCase() {
    test::write_cifar10_folder(dir_ / "data", 16, 16, 21);
    run64_ = train_tiny(dir_.path(), "wide", 64);
    run4_ = train_tiny(dir_.path(), "narrow", 4);
  }

  void helpSaysHowTheStemDiffers() {
    const Outcome o = cli({"export", "weights", "--help"});
    QCOMPARE(o.code, 0);
    for (const char* text : {"strict=True", "Conv2d(C, 64, 3, stride 1", "maxpool", "width-64"})
      QVERIFY2(o.out.contains(text), qPrintable(o.out));
  }

  void badInputExitsWithTwo_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("narrow encoder") << QStringList{"export", "weights", "NARROW", "--format", "pytorch"}
                                    << "only width-64 encoders";
    QTest::newRow("unknown format") << QStringList{"export", "weights", "WIDE", "--format", "onnx"} << "--format";
    QTest::newRow("no format") << QStringList{"export", "weights", "WIDE"} << "--format";
    QTest::newRow("missing run") << QStringList{"export", "weights", "/no/such/run", "--format", "pytorch"}
                                 << "no such run folder";
    QTest::newRow("no checkpoint") << QStringList{"export",  "weights",      "WIDE", "--format",
                                                  "pytorch", "--checkpoint", "9"}
                                   << "does not exist";
  }
  void badInputExitsWithTwo() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    args.replaceInStrings(QStringLiteral("NARROW"), QString::fromStdString(run4_.string()));
    args.replaceInStrings(QStringLiteral("WIDE"), QString::fromStdString(run64_.string()));
    const Outcome o = cli(args);
    QVERIFY2(o.code == 2, qPrintable(QString("exit %1: %2").arg(o.code).arg(o.err)));
    QVERIFY2(o.err.contains(message), qPrintable(o.err));
    QVERIFY(!fs::exists(run4_ / "exports"));
  }

  // The file holds exactly the checkpoint's encoder under torchvision's names.
  void exportsTheCheckpointsEncoder() {
    const Outcome o = cli({"export", "weights", QString::fromStdString(run64_.string()), "--format", "pytorch"});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    const fs::path file = run64_ / "exports" / "encoder-step2.pt";
    QVERIFY2(o.out.contains(QString::fromStdString(file.string())), qPrintable(o.out));
    QVERIFY(o.out.contains("torch.nn.Identity()"));

    const StateDict dict = read_pytorch_state_dict(file);
    const auto layout = torchvision_resnet_layout(18, "cifar", 3);
    QCOMPARE(dict.size(), layout.size());
    TrainedRun run = open_trained_run(run64_, "", "cpu");
    std::map<std::string, torch::Tensor> expected;
    for (const auto& p : run.model->encoder->named_parameters()) expected[p.key()] = p.value();
    for (const auto& b : run.model->encoder->named_buffers()) expected[b.key()] = b.value();
    for (size_t i = 0; i < dict.size(); ++i) {
      QCOMPARE(dict[i].first, layout[i].name);
      QVERIFY2(torch::equal(dict[i].second, expected.at(dict[i].first)), dict[i].first.c_str());
    }
    // Two steps of training moved the BN statistics: the file is not the initialisation.
    QVERIFY(dict[0 + 5].first == "bn1.num_batches_tracked");
    QCOMPARE(dict[5].second.item<int64_t>(), int64_t(2));
  }

  void torchvisionLoadsItStrictlyWithTheSameFeatures() {
    const QString python = python_with_torchvision();
    if (python.isEmpty())
      QSKIP("no python3 with torch and torchvision (Debian: apt-get install python3-torch python3-torchvision)");
    const fs::path weights = dir_ / "encoder.pt";
    const Outcome o = cli({"-q", "export", "weights", QString::fromStdString(run64_.string()), "--format", "pytorch",
                           "--out", QString::fromStdString(weights.string())});
    QVERIFY2(o.code == 0, qPrintable(o.err));

    TrainedRun run = open_trained_run(run64_, "", "cpu");
    torch::manual_seed(5);
    const torch::Tensor x = torch::randn({4, 3, 32, 32});
    torch::Tensor h;
    {
      torch::NoGradGuard no_grad;
      h = run.model->encoder->forward(x).contiguous();
    }
    QCOMPARE(h.sizes().vec(), (std::vector<int64_t>{4, 512}));
    QVERIFY(h.abs().max().item<double>() > 1e-3);  // not a trivially equal all-zero output
    write_pytorch_state_dict(dir_ / "reference.pt", {{"x", x}, {"h", h}});

    const Outcome py =
        run_process(python, {QStringLiteral(SIMCLR_ROUNDTRIP_SCRIPT), "load", QString::fromStdString(weights.string()),
                             QString::fromStdString((dir_ / "reference.pt").string()), "1e-5"});
    qInfo("%s", qPrintable(py.out.trimmed()));
    QVERIFY2(py.code == 0, qPrintable(py.out + py.err));
  }

  // The reverse: torchvision's own resnet18 (ImageNet stem) saved by Python, read and loaded
  // into our encoder, gives torchvision's features.
  void torchvisionWeightsLoadIntoTheEncoder() {
    const QString python = python_with_torchvision();
    if (python.isEmpty())
      QSKIP("no python3 with torch and torchvision (Debian: apt-get install python3-torch python3-torchvision)");
    const fs::path out = dir_ / "from-python";
    fs::create_directories(out);
    const Outcome py =
        run_process(python, {QStringLiteral(SIMCLR_ROUNDTRIP_SCRIPT), "save", QString::fromStdString(out.string())});
    QVERIFY2(py.code == 0, qPrintable(py.out + py.err));

    ResNetConfig config;
    config.stem = "imagenet";
    ResNet encoder(config);
    encoder->eval();
    load_torchvision_state_dict(*encoder, read_pytorch_state_dict(out / "resnet18.pt"), "resnet18.pt");
    StateDict reference = read_pytorch_state_dict(out / "reference.pt");
    std::map<std::string, torch::Tensor> ref(reference.begin(), reference.end());
    torch::Tensor h;
    {
      torch::NoGradGuard no_grad;
      h = encoder->forward(ref.at("x"));
    }
    QCOMPARE(h.sizes(), ref.at("h").sizes());
    const double diff = (h - ref.at("h")).abs().max().item<double>();
    qInfo("max abs diff to torchvision's features: %g", diff);
    QVERIFY2(diff <= 1e-5, qPrintable(QString::number(diff)));

    // What model.state_dict() returns (an OrderedDict) is refused with the way out.
    try {
      read_pytorch_state_dict(out / "resnet18-ordered.pt");
      QFAIL("an OrderedDict was read");
    } catch (const DataError& e) {
      QVERIFY2(QString(e.what()).contains("dict(model.state_dict())"), e.what());
    }
    // Into a CIFAR-stem encoder: conv1 differs, nothing is copied.
    ResNet cifar(ResNetConfig{});
    const torch::Tensor before = cifar->layer1[0]->as<BasicBlock>()->conv1->weight.clone();
    try {
      load_torchvision_state_dict(*cifar, read_pytorch_state_dict(out / "resnet18.pt"), "resnet18.pt");
      QFAIL("an ImageNet-stem conv1 was loaded into a CIFAR stem");
    } catch (const DataError& e) {
      QVERIFY2(QString(e.what()).contains("conv1.weight"), e.what());
    }
    QVERIFY(torch::equal(before, cifar->layer1[0]->as<BasicBlock>()->conv1->weight));
  }

  // simclr-cli import weights: the file becomes a run's step-0 encoder, which exports back
  // unchanged and trains on with --resume.
  void importStartsARunFromTorchvisionWeights() {
    const fs::path weights = dir_ / "from-python" / "resnet18.pt";
    if (!fs::exists(weights)) QSKIP("needs the file the previous test had Python write");
    auto write_project = [&](const std::string& name, const std::string& stem) {
      ProjectConfig p = test::tiny_project(dir_ / "data");
      p.name = name;
      p.model.stem = stem;
      p.model.width = 64;
      p.training.max_steps = 1;
      p.training.precision = "fp32";
      p.evaluation.knn_every_epochs = 0;
      p.evaluation.knn_at_start = false;
      const fs::path file = dir_ / (name + ".json");
      save_project(p, file);
      return QString::fromStdString(file.string());
    };
    const QString project = write_project("imported", "imagenet");
    const QString file = QString::fromStdString(weights.string());

    Outcome o = cli({"-q", "import", "weights", file, project});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    const QString run = o.out.trimmed().split('\n').last();
    QVERIFY2(fs::exists(fs::path(run.toStdString()) / "checkpoints"), qPrintable(run));

    const fs::path back = dir_ / "back.pt";
    o = cli({"-q", "export", "weights", run, "--format", "pytorch", "--out", QString::fromStdString(back.string())});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    const StateDict original = read_pytorch_state_dict(weights);
    std::map<std::string, torch::Tensor> exported;
    for (const auto& [name, tensor] : read_pytorch_state_dict(back)) exported[name] = tensor;
    QCOMPARE(exported.size(), original.size());
    for (const auto& [name, tensor] : original) QVERIFY2(torch::equal(exported.at(name), tensor), name.c_str());

    o = cli({"-q", "train", project, "--resume", run});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    QVERIFY(fs::exists(RunFolder(run.toStdString()).checkpoint_file(1)));

    // Bad input, exit 2: torchvision's 7x7 conv1 into a CIFAR-stem project; an OrderedDict.
    o = cli({"-q", "import", "weights", file, write_project("cifar", "cifar")});
    QVERIFY2(o.code == 2 && o.err.contains("conv1.weight"), qPrintable(o.err));
    o = cli({"-q", "import", "weights", QString::fromStdString((dir_ / "from-python" / "resnet18-ordered.pt").string()),
             project});
    QVERIFY2(o.code == 2 && o.err.contains("dict(model.state_dict())"), qPrintable(o.err));
  }
};

QTEST_GUILESS_MAIN(TestExportWeightsCommand)
#include "test_export_weights_command.moc"
