// Dynamic loss scaling: gradients that underflow in float16 survive when scaled, overflowed
// steps are skipped with the scale halved, and the scale grows after good steps.
#include <QtTest>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/train/loss_scaler.h"

using namespace simclr;

namespace {
// A float32 parameter whose gradient passes through float16 arithmetic, as under autocast:
// d loss / d w = 1e-4 * 1e-4 = 1e-8, below float16's smallest subnormal (6e-8).
torch::Tensor tiny_gradient_loss(const torch::Tensor& w) {
  const auto c = torch::full({4}, 1e-4, torch::kHalf);
  return ((w.to(torch::kHalf) * c).sum() * 1e-4).to(torch::kFloat);
}
}  // namespace

class TestLossScaler : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void float16GradientsUnderflowWithoutScaling() {
    auto w = torch::ones({4}, torch::requires_grad());
    LossScaler off(false);
    off.scale_loss(tiny_gradient_loss(w)).backward();
    QVERIFY(off.unscale_and_check({w}));
    QCOMPARE(w.grad().abs().max().item<float>(), 0.0f);  // the check can fail: it is what scaling fixes
  }

  void scaledGradientsSurviveAndAreUnscaled() {
    auto w = torch::ones({4}, torch::requires_grad());
    // 4096: the scaled gradients stay below float16's largest value (65504) on their way back.
    LossScaler scaler(true, 4096.0);
    scaler.scale_loss(tiny_gradient_loss(w)).backward();
    QVERIFY(scaler.unscale_and_check({w}));
    const float g = w.grad()[0].item<float>();
    QVERIFY2(std::abs(g - 1e-8f) < 1e-9f, qPrintable(QString::number(g)));
  }

  void overflowSkipsTheStepAndHalvesTheScale() {
    auto a = torch::ones({3}, torch::requires_grad());
    auto b = torch::ones({2}, torch::requires_grad());
    (a.sum() + b.sum()).backward();
    b.grad()[1] = std::numeric_limits<float>::infinity();
    LossScaler scaler(true, 1024.0);
    QVERIFY(!scaler.unscale_and_check({a, b}));
    QCOMPARE(scaler.scale(), 512.0);
    QCOMPARE(scaler.skipped_steps(), int64_t{1});
    QCOMPARE(a.grad().abs().sum().item<float>(), 0.0f);  // nothing of the bad step is applied
    QCOMPARE(b.grad().abs().sum().item<float>(), 0.0f);
  }

  void scaleGrowsAfterGoodSteps() {
    auto w = torch::ones({2}, torch::requires_grad());
    LossScaler scaler(true, 8.0, 3);
    for (int i = 0; i < 3; ++i) {
      w.mutable_grad() = torch::ones({2});
      QVERIFY(scaler.unscale_and_check({w}));
      QCOMPARE(scaler.scale(), i < 2 ? 8.0 : 16.0);
    }
  }

  // A resumed run's scaler goes on from the checkpoint's scale and good steps.
  void restoredScalerGoesOnWhereItWas() {
    auto w = torch::ones({2}, torch::requires_grad());
    LossScaler scaler(true, 65536.0, 3);
    scaler.restore(8.0, 2);
    QCOMPARE(scaler.scale(), 8.0);
    w.mutable_grad() = torch::ones({2});
    QVERIFY(scaler.unscale_and_check({w}));
    QCOMPARE(scaler.scale(), 16.0);  // the third good step in a row
    QCOMPARE(scaler.good_steps(), int64_t{0});
    QVERIFY_THROWS_EXCEPTION(ConfigError, scaler.restore(0.0, 1));
    QVERIFY_THROWS_EXCEPTION(ConfigError, scaler.restore(std::nan(""), 1));
    QVERIFY_THROWS_EXCEPTION(ConfigError, scaler.restore(2.0, -1));
  }

  void disabledScalerChangesNothing() {
    LossScaler off(false);
    const auto loss = torch::tensor(3.0);
    QCOMPARE(off.scale_loss(loss).item<double>(), 3.0);
    QVERIFY_THROWS_EXCEPTION(ConfigError, LossScaler(true, 0.0));
  }
};

QTEST_GUILESS_MAIN(TestLossScaler)
#include "test_loss_scaler.moc"
