#include <QtTest>

#include <fstream>
#include <functional>

#include "engine/core/error.h"
#include "engine/train/checkpoint.h"
#include "tests/support/temp_dir.h"

using namespace simclr;

namespace {
SimCLRModel small_model() {
  EncoderConfig encoder;
  encoder.resnet.width = 4;
  ProjectionHeadConfig head;
  head.hidden_dim = 16;
  head.output_dim = 8;
  return SimCLRModel(make_encoder(encoder), head);
}
}  // namespace

class TestCheckpoint : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void roundTripRestoresWeightsBuffersAndState() {
    test::TempDir dir;
    torch::manual_seed(1);
    SimCLRModel model = small_model();
    TrainingConfig config;
    TrainOptimizer optimizer(config, model->named_parameters());
    model->forward(torch::rand({4, 3, 32, 32})).z.sum().backward();  // also moves BN statistics
    optimizer.step();
    save_checkpoint(dir / "c.pt", model, optimizer, {42, 1.5, R"({"name":"x"})"});

    torch::manual_seed(2);
    SimCLRModel other = small_model();
    TrainOptimizer other_optimizer(config, other->named_parameters());
    const CheckpointInfo info = load_checkpoint(dir / "c.pt", other, &other_optimizer);
    QCOMPARE(info.step, int64_t{42});
    QCOMPARE(info.last_loss, 1.5);
    QCOMPARE(QString::fromStdString(info.config_json), QStringLiteral(R"({"name":"x"})"));
    for (const auto& item : model->named_parameters())
      QVERIFY(torch::equal(item.value(), other->named_parameters()[item.key()]));
    for (const auto& item : model->named_buffers())
      QVERIFY(torch::equal(item.value(), other->named_buffers()[item.key()]));
  }

  void corruptOrMissingFilesAreNamed() {
    test::TempDir dir;
    SimCLRModel model = small_model();
    QVERIFY_THROWS_EXCEPTION(DataError, load_checkpoint(dir / "missing.pt", model, nullptr));
    std::ofstream(dir / "junk.pt") << "not a checkpoint";
    try {
      load_checkpoint(dir / "junk.pt", model, nullptr);
      QFAIL("expected DataError");
    } catch (const DataError& e) {
      QVERIFY(QString(e.what()).contains("junk.pt"));
    }
  }

  // A damaged file is named as damaged, with what is wrong, before LibTorch's reader sees it.
  void damagedFilesSayWhy_data() {
    QTest::addColumn<QString>("damage");
    QTest::addColumn<QString>("why");
    QTest::newRow("empty") << "empty"
                           << "the file is empty";
    QTest::newRow("garbage") << "garbage"
                             << "not a LibTorch archive";
    QTest::newRow("truncated") << "truncated"
                               << "cut short";
    QTest::newRow("tail cut") << "tail"
                              << "cut short";
  }
  void damagedFilesSayWhy() {
    QFETCH(QString, damage);
    QFETCH(QString, why);
    test::TempDir dir;
    SimCLRModel model = small_model();
    TrainingConfig config;
    TrainOptimizer optimizer(config, model->named_parameters());
    const auto file = dir / "c.pt";
    save_checkpoint(file, model, optimizer, {3, 0.5, "{}"});
    QVERIFY(archive_damage(file).empty());
    const auto size = std::filesystem::file_size(file);
    if (damage == "empty") std::filesystem::resize_file(file, 0);
    if (damage == "garbage") std::ofstream(file, std::ios::trunc) << "not a checkpoint at all";
    if (damage == "truncated") std::filesystem::resize_file(file, size / 2);
    if (damage == "tail") std::filesystem::resize_file(file, size - 10);  // into the zip directory's end
    QVERIFY2(archive_damage(file).find(why.toStdString()) != std::string::npos, archive_damage(file).c_str());
    for (const auto& read : std::vector<std::function<void()>>{[&] { read_checkpoint_info(file); },
                                                               [&] { load_checkpoint(file, model, &optimizer); }}) {
      try {
        read();
        QFAIL("expected DataError");
      } catch (const DataError& e) {
        const QString message = e.what();
        QVERIFY2(message.startsWith(QString::fromStdString(file.string()) + ": damaged checkpoint: " + why), e.what());
      }
    }
  }

  void snapshotLoadsTheModelButCannotResume() {
    test::TempDir dir;
    torch::manual_seed(3);
    SimCLRModel model = small_model();
    save_model_snapshot(dir / "s.pt", model, {10, 0.25, "{}"});
    torch::manual_seed(4);
    SimCLRModel other = small_model();
    QCOMPARE(load_checkpoint(dir / "s.pt", other, nullptr).step, int64_t{10});
    QVERIFY(torch::equal(model->parameters().front(), other->parameters().front()));
    TrainingConfig config;
    TrainOptimizer optimizer(config, other->named_parameters());
    try {
      load_checkpoint(dir / "s.pt", other, &optimizer);
      QFAIL("expected DataError");
    } catch (const DataError& e) {
      QVERIFY2(QString(e.what()).contains("model-only timeline snapshot"), e.what());
    }
  }

  void checkpointOfAnotherArchitectureIsRefused() {
    test::TempDir dir;
    SimCLRModel model = small_model();
    TrainingConfig config;
    TrainOptimizer optimizer(config, model->named_parameters());
    save_checkpoint(dir / "c.pt", model, optimizer, {1, 0.0, "{}"});
    EncoderConfig wide;
    wide.resnet.width = 8;
    SimCLRModel other(make_encoder(wide), ProjectionHeadConfig{});
    QVERIFY_THROWS_EXCEPTION(DataError, load_checkpoint(dir / "c.pt", other, nullptr));
  }
};

QTEST_GUILESS_MAIN(TestCheckpoint)
#include "test_checkpoint.moc"
