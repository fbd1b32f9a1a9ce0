#include <QtTest>

#include "augment_test_util.h"
#include "engine/augment/augment_pipeline.h"
#include "engine/augment/posterize.h"
#include "engine/augment/random_choice.h"
#include "engine/core/error.h"

using namespace simclr;
using nlohmann::json;
using simclr::test::random_images;
using simclr::test::run_op;

namespace {

// torchvision's posterize on the bytes the images stand for: keep the top `bits` bits.
torch::Tensor reference(const torch::Tensor& images, int64_t bits) {
  const auto bytes = images.mul(255).round_().to(torch::kByte);
  const uint8_t mask = static_cast<uint8_t>(0xFF << (8 - bits));
  return bytes.bitwise_and(mask).to(torch::kFloat).div_(255.0);
}

QString issues_text(const ConfigIssues& issues) {
  return QString::fromStdString(join_issues(issues));
}

json custom(const json& op) {
  return {{"preset", "custom"}, {"ops", json::array({op})}};
}

}  // namespace

class TestPosterize : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void quantisesToTwoPowerBitsLevels_data() {
    QTest::addColumn<int>("bits");
    for (const int bits : {1, 2, 4, 7, 8}) QTest::newRow(qPrintable(QString::number(bits))) << bits;
  }
  void quantisesToTwoPowerBitsLevels() {
    QFETCH(int, bits);
    // Enough values that every one of the 256 bytes, hence every level, occurs.
    const auto images = random_images(16, 3, 32, 32);
    AugmentTrace trace;
    const auto out = run_op(Posterize(bits, 1.0), images, 1, &trace);
    QVERIFY(trace.posterized.all().item<bool>());
    QVERIFY(torch::equal(out, reference(images, bits)));
    // Levels k * 2^(8 - bits) / 255 for k = 0 .. 2^bits - 1, each of them used.
    const double step = std::ldexp(1.0, 8 - bits);
    const auto k = out.to(torch::kDouble).mul(255.0 / step);
    QVERIFY(k.sub(k.round()).abs().max().item<double>() < 1e-4);  // float32 of k * step / 255
    const auto counts = k.round().to(torch::kLong).flatten().bincount();
    QCOMPARE(counts.numel(), int64_t(1) << bits);  // the top level k = 2^bits - 1 occurs
    QVERIFY(counts.gt(0).all().item<bool>());
  }

  // Images that came from bytes lose exactly their low bits, and keep all 8 at bits = 8.
  void bytesKeepTheirTopBits() {
    auto gen = make_generator(5);
    const auto bytes = torch::randint(0, 256, {4, 3, 8, 8}, gen, torch::kByte);
    const auto images = bytes.to(torch::kFloat).div(255.0);
    QVERIFY(torch::equal(run_op(Posterize(8, 1.0), images, 1), images));
    const auto out = run_op(Posterize(3, 1.0), images, 1);
    QVERIFY(torch::equal(out, bytes.bitwise_and(0xE0).to(torch::kFloat).div(255.0)));
  }

  void probabilityZeroIsIdentity() {
    const auto images = random_images(6, 3, 8, 8);
    AugmentTrace trace;
    const auto out = run_op(Posterize(2, 0.0), images, 1, &trace);
    QVERIFY(torch::equal(out, images));
    QVERIFY(!trace.posterized.any().item<bool>());
  }

  void probabilityOneChangesEveryImage() {
    const auto images = random_images(32, 3, 8, 8);
    const auto out = run_op(Posterize(4, 1.0), images, 3);
    for (int64_t b = 0; b < images.size(0); ++b)
      QVERIFY2(!torch::equal(out[b], images[b]), qPrintable(QString::number(b)));
  }

  void rateAndTraceAgree() {
    const int64_t n = 4000;
    const double p = 0.3;
    const auto images = random_images(n, 1, 2, 2);
    AugmentTrace trace;
    const auto out = run_op(Posterize(2, p), images, 8, &trace);
    SIMCLR_VERIFY_RATE(trace.posterized.sum().item<int64_t>(), n, p);
    const auto mask = trace.posterized.reshape({n, 1, 1, 1});
    QVERIFY(torch::equal(out, torch::where(mask, reference(images, 2), images)));
  }

  // Inside a random_choice the trace rows of each branch are selected and merged back.
  void traceSurvivesRandomChoice() {
    const auto images = random_images(64, 3, 4, 4);
    const RandomChoice choice(0.5, {std::make_shared<Posterize>(3, 1.0)}, {});
    AugmentTrace trace;
    const auto out = run_op(choice, images, 4, &trace);
    const auto then_rows = trace.branch.eq(0);
    QVERIFY(then_rows.any().item<bool>() && !then_rows.all().item<bool>());
    QVERIFY(torch::equal(trace.posterized, then_rows));
    QVERIFY(torch::equal(out, torch::where(then_rows.reshape({-1, 1, 1, 1}), reference(images, 3), images)));
  }

  // One draw per image whatever p and bits are, so the ops after it see the same numbers
  // and a seed gives the same views.
  void drawsOneNumberPerImage_data() {
    QTest::addColumn<int>("bits");
    QTest::addColumn<double>("p");
    QTest::newRow("p 0") << 4 << 0.0;
    QTest::newRow("p 0.5") << 4 << 0.5;
    QTest::newRow("p 1") << 4 << 1.0;
    QTest::newRow("bits 1") << 1 << 0.5;
    QTest::newRow("bits 8") << 8 << 0.5;
  }
  void drawsOneNumberPerImage() {
    QFETCH(int, bits);
    QFETCH(double, p);
    const auto images = random_images(10, 3, 4, 4);
    auto expected_gen = make_generator(21);
    torch::rand({10}, expected_gen, torch::TensorOptions().dtype(torch::kDouble));
    const auto expected_next = torch::rand({4}, expected_gen);
    auto gen = make_generator(21);
    AugmentBatch batch(images, false);
    Posterize(bits, p).apply(batch, gen, nullptr);
    QVERIFY(torch::equal(torch::rand({4}, gen), expected_next));
    QVERIFY(torch::equal(batch.images(), run_op(Posterize(bits, p), images, 21)));
  }

  void emptyBatch() {
    const auto images = torch::zeros({0, 3, 8, 8});
    AugmentTrace trace;
    const auto out = run_op(Posterize(4, 1.0), images, 1, &trace);
    QCOMPARE(out.sizes(), (std::vector<int64_t>{0, 3, 8, 8}));
    QCOMPARE(trace.posterized.numel(), int64_t(0));
  }

  void inputIsNotModified() {
    const auto images = random_images(8, 3, 8, 8);
    const auto copy = images.clone();
    run_op(Posterize(2, 1.0), images, 1);  // the whole batch: in place on the batch's copy
    run_op(Posterize(2, 0.5), images, 1);  // a subset
    QVERIFY(torch::equal(images, copy));
  }

  void badJsonNamesTheKey_data() {
    QTest::addColumn<QString>("op");
    QTest::addColumn<QString>("issue");
    QTest::newRow("bits 0") << R"({"op": "posterize", "bits": 0})"
                            << "augmentation.ops[0].bits: must be in [1, 8] (got 0)";
    QTest::newRow("bits 9") << R"({"op": "posterize", "bits": 9, "p": 0.5})"
                            << "augmentation.ops[0].bits: must be in [1, 8] (got 9)";
    QTest::newRow("bits fraction") << R"({"op": "posterize", "bits": 4.5})"
                                   << "augmentation.ops[0].bits: must be an integer in [1, 8]";
    QTest::newRow("bits text") << R"({"op": "posterize", "bits": "4"})"
                               << "augmentation.ops[0].bits: must be an integer in [1, 8]";
    QTest::newRow("p") << R"({"op": "posterize", "p": 1.5})"
                       << "augmentation.ops[0].p: must be in [0, 1] (got 1.5)";
    QTest::newRow("unknown key") << R"({"op": "posterize", "bit": 4})"
                                 << "augmentation.ops[0].bit: unknown key for op \"posterize\"";
  }
  void badJsonNamesTheKey() {
    QFETCH(QString, op);
    QFETCH(QString, issue);
    const json spec = custom(json::parse(op.toStdString()));
    QCOMPARE(issues_text(AugmentPipeline::validate(spec, "augmentation")), issue);
    QVERIFY_THROWS_EXCEPTION(ConfigError, AugmentPipeline::from_json(spec));
  }

  void defaultsAndJson() {
    const auto pipeline = AugmentPipeline::from_json(custom({{"op", "posterize"}}));
    QCOMPARE(pipeline.ops().front()->to_json(), (json{{"op", "posterize"}, {"bits", 4}, {"p", 0.5}}));
    const json op = {{"op", "posterize"}, {"bits", 2}, {"p", 0.25}};
    QCOMPARE(AugmentPipeline::from_json(custom(op)).to_json(), custom(op));
  }
};

QTEST_GUILESS_MAIN(TestPosterize)
#include "test_posterize.moc"
