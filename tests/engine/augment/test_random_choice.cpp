#include <QtTest>

#include "augment_test_util.h"
#include "engine/augment/color_jitter.h"
#include "engine/augment/horizontal_flip.h"
#include "engine/augment/random_choice.h"
#include "engine/augment/random_resized_crop.h"
#include "engine/augment/resize.h"
#include "engine/core/error.h"

using namespace simclr;
using simclr::test::random_images;
using simclr::test::run_op;

class TestRandomChoice : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void branchRateAndRouting_data() {
    QTest::addColumn<double>("p");
    QTest::newRow("0.5") << 0.5;
    QTest::newRow("0.2") << 0.2;
    QTest::newRow("always then") << 1.0;
    QTest::newRow("always else") << 0.0;
  }
  void branchRateAndRouting() {
    QFETCH(double, p);
    const int64_t n = 3000;
    // then: mirror every image; else: leave it alone.
    RandomChoice choice(p, {std::make_shared<HorizontalFlip>(1.0)}, {});
    const auto images = random_images(n, 1, 2, 3);
    AugmentTrace trace;
    const auto out = run_op(choice, images, 4, &trace);
    const auto took_then = trace.branch.eq(0);
    QVERIFY(trace.branch.ge(0).all().item<bool>());
    SIMCLR_VERIFY_RATE(took_then.sum().item<int64_t>(), n, p);
    QVERIFY(torch::equal(trace.flipped, took_then));
    QVERIFY(torch::equal(out, torch::where(took_then.reshape({n, 1, 1, 1}), images.flip({3}), images)));
  }

  void traceRowsFollowTheirImages() {
    const int64_t n = 500;
    RandomResizedCropParams crop{0, 0.5, 1.0, 0.8, 1.2};
    RandomChoice choice(0.5, {std::make_shared<RandomResizedCrop>(crop)},
                        {std::make_shared<ColorJitter>(ColorJitterParams{0.4, 0.0, 0.0, 0.0, 1.0})});
    AugmentTrace trace;
    run_op(choice, random_images(n, 3, 16, 16), 8, &trace);
    const auto then_rows = trace.branch.eq(0), else_rows = trace.branch.eq(1);
    QVERIFY(torch::equal(trace.cropped, then_rows));
    QVERIFY(torch::equal(trace.jittered, else_rows));
    // Uncropped rows report the whole image.
    QVERIFY(torch::equal(trace.crop_box.index({else_rows}),
                         torch::tensor({0.f, 0.f, 16.f, 16.f}).repeat({else_rows.sum().item<int64_t>(), 1})));
    const auto area = (trace.crop_box.select(1, 2) * trace.crop_box.select(1, 3)).index({then_rows}) / 256.0;
    QVERIFY(area.ge(0.45).all().item<bool>());
  }

  void earlierOpsSurviveTheBranches() {
    const int64_t n = 300;
    const AugmentOps ops = {std::make_shared<RandomResizedCrop>(RandomResizedCropParams{0, 0.5, 1.0, 0.8, 1.2}),
                            std::make_shared<RandomChoice>(
                                0.5, AugmentOps{std::make_shared<HorizontalFlip>(1.0)},
                                AugmentOps{std::make_shared<ColorJitter>(ColorJitterParams{0.4, 0.0, 0.0, 0.0, 1.0})})};
    AugmentTrace trace;
    trace.reset(n, 16, 16);
    AugmentBatch batch(random_images(n, 3, 16, 16), false);
    auto gen = make_generator(3);
    run_ops(ops, batch, gen, &trace);
    // The crop before the choice stays recorded in both branches.
    QVERIFY(trace.cropped.all().item<bool>());
    const auto area = trace.crop_box.select(1, 2) * trace.crop_box.select(1, 3) / 256.0;
    QVERIFY(area.ge(0.45).all().item<bool>() && area.le(1.0).all().item<bool>());
    QVERIFY(torch::equal(trace.flipped, trace.branch.eq(0)));
    QVERIFY(torch::equal(trace.jittered, trace.branch.eq(1)));
  }

  void branchesMustAgreeOnSize() {
    RandomChoice choice(0.5, {std::make_shared<Resize>(8)}, {});
    QVERIFY(choice.output_size({8, 8}) == (ImageSize{8, 8}));
    QVERIFY_THROWS_EXCEPTION(ConfigError, choice.output_size({16, 16}));
    QVERIFY_THROWS_EXCEPTION(ConfigError, run_op(choice, random_images(4, 3, 16, 16), 1));
  }

  void sameSeedSameResult() {
    RandomChoice choice(0.5, {std::make_shared<HorizontalFlip>(0.5)},
                        {std::make_shared<ColorJitter>(ColorJitterParams{0.4, 0.4, 0.4, 0.1, 1.0})});
    const auto images = random_images(64, 3, 8, 8);
    QVERIFY(torch::equal(run_op(choice, images, 5), run_op(choice, images, 5)));
    QVERIFY(!torch::equal(run_op(choice, images, 5), run_op(choice, images, 6)));
  }
};

QTEST_GUILESS_MAIN(TestRandomChoice)
#include "test_random_choice.moc"
