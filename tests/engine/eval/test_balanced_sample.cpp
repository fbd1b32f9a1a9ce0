#include <QtTest>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/eval/balanced_sample.h"

using namespace simclr;

class TestBalancedSample : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void takesTheFirstOfEachClassInOrder() {
    const auto y = torch::tensor({2, 0, 1, 0, 2, 1, 0, 1, 2, 0}, torch::kLong);
    // 6 over 3 classes: 2 each, the first ones in split order, ascending indices.
    QVERIFY(torch::equal(class_balanced_indices(y, 6), torch::tensor({0, 1, 2, 3, 4, 5}, torch::kLong)));
    // 7: the remainder goes to the smallest label (0 gets 3).
    QVERIFY(torch::equal(class_balanced_indices(y, 7), torch::tensor({0, 1, 2, 3, 4, 5, 6}, torch::kLong)));
    QVERIFY(torch::equal(class_balanced_indices(y, 3), torch::tensor({0, 1, 2}, torch::kLong)));
    const auto some = class_balanced_indices(y, 4);  // 0 gets 2, 1 and 2 one each
    QVERIFY(torch::equal(some, torch::tensor({0, 1, 2, 3}, torch::kLong)));
  }

  void shortClassesGiveWhatTheyHave() {
    const auto y = torch::tensor({0, 0, 0, 0, 0, 0, 1}, torch::kLong);
    const auto idx = class_balanced_indices(y, 4);  // 2 + 2 wanted, class 1 has one
    QVERIFY(torch::equal(idx, torch::tensor({0, 1, 6}, torch::kLong)));
  }

  void allPointsWhenNotLimited() {
    const auto y = torch::tensor({1, 0, 1}, torch::kLong);
    QVERIFY(torch::equal(class_balanced_indices(y, 0), torch::arange(3, torch::kLong)));
    QVERIFY(torch::equal(class_balanced_indices(y, 3), torch::arange(3, torch::kLong)));
    QVERIFY(torch::equal(class_balanced_indices(y, 100), torch::arange(3, torch::kLong)));
  }

  void badLabelsAreRejected() {
    QVERIFY_THROWS_EXCEPTION(ConfigError, class_balanced_indices(torch::tensor({0, -1}, torch::kLong), 1));
    QVERIFY_THROWS_EXCEPTION(ConfigError, class_balanced_indices(torch::zeros({2, 2}, torch::kLong), 1));
  }
};

QTEST_GUILESS_MAIN(TestBalancedSample)
#include "test_balanced_sample.moc"
