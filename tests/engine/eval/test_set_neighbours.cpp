#include <QtTest>

#include <cmath>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/eval/set_neighbours.h"

using namespace simclr;

namespace {

// Unit vectors at the given angles (degrees) in the plane: cosine similarity = cos(difference).
torch::Tensor at_angles(std::vector<double> degrees) {
  auto t = torch::empty({int64_t(degrees.size()), 2});
  for (size_t i = 0; i < degrees.size(); ++i) {
    t[i][0] = std::cos(degrees[i] * M_PI / 180);
    t[i][1] = std::sin(degrees[i] * M_PI / 180);
  }
  return t;
}

}  // namespace

class TestSetNeighbours : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void nearestOthersByCosineWithoutSelf() {
    // Scaled copies must not matter (cosine), and no row may list itself.
    const auto f = at_angles({0, 10, 30, 100}) * torch::tensor({1.0f, 5.0f, 0.5f, 2.0f}).unsqueeze(1);
    const auto near = neighbours_within_set(f, 2);
    const auto expected = torch::tensor({1, 2, 0, 2, 1, 0, 2, 1}, torch::kLong).view({4, 2});
    QVERIFY2(near.indices.equal(expected), qPrintable(QString::fromStdString(torch::str(near.indices))));
    QVERIFY(std::abs(near.similarities[0][0].item<float>() - std::cos(10 * M_PI / 180)) < 1e-5);
    QVERIFY((near.similarities.select(1, 0) >= near.similarities.select(1, 1)).all().item<bool>());
  }

  void duplicatesAndTiesGoToTheSmallerIndex() {
    const auto f = at_angles({0, 0, 0, 0});
    const auto near = neighbours_within_set(f, 2);
    const auto expected = torch::tensor({1, 2, 0, 2, 0, 1, 0, 1}, torch::kLong).view({4, 2});
    QVERIFY2(near.indices.equal(expected), qPrintable(QString::fromStdString(torch::str(near.indices))));
  }

  void blocksGiveTheSameAnswerAsOneMatrix() {
    auto generator = make_generator(5);
    const auto f = at::randn({2500, 8}, generator, torch::TensorOptions().dtype(torch::kFloat));  // 3 blocks
    const auto near = neighbours_within_set(f, 5);
    const auto n =
        torch::nn::functional::normalize(f.to(torch::kDouble), torch::nn::functional::NormalizeFuncOptions().dim(1));
    auto sim = n.mm(n.t());
    sim.fill_diagonal_(-2.0);
    QVERIFY(std::get<1>(sim.topk(5, 1)).equal(near.indices));
  }

  void stabilityCountsKeptNeighbours() {
    const auto previous = torch::tensor({1, 2, 3, 0, 2, 3}, torch::kLong).view({2, 3});
    QVERIFY(neighbour_stability(previous, previous).equal(torch::ones({2})));
    const auto current = torch::tensor({3, 1, 5, 4, 5, 6}, torch::kLong).view({2, 3});  // order does not matter
    const auto s = neighbour_stability(previous, current);
    QVERIFY(std::abs(s[0].item<float>() - 2.0f / 3.0f) < 1e-6);
    QCOMPARE(s[1].item<float>(), 0.0f);
    QVERIFY_THROWS_EXCEPTION(ConfigError, neighbour_stability(previous, torch::zeros({2, 2}, torch::kLong)));
  }

  void leaveOneOutKnnVotesWithoutSelf() {
    // Two tight groups at 0 and 90 degrees, labelled 0 and 1, plus one point of label 1
    // next to the first group: it is the only miss.
    const auto f = at_angles({0, 1, 2, 90, 91, 92, 5});
    const auto labels = torch::tensor({0, 0, 0, 1, 1, 1, 1}, torch::kLong);
    const auto near = neighbours_within_set(f, 3);
    QVERIFY(std::abs(leave_one_out_knn_top1(near, labels, 2) - 6.0 / 7.0) < 1e-12);
  }

  void badArgumentsAreRefused() {
    QVERIFY_THROWS_EXCEPTION(ConfigError, neighbours_within_set(torch::zeros({3, 2}), 3));
    QVERIFY_THROWS_EXCEPTION(ConfigError, neighbours_within_set(torch::zeros({3}), 1));
    const auto near = neighbours_within_set(torch::randn({5, 2}), 2);
    QVERIFY_THROWS_EXCEPTION(ConfigError, leave_one_out_knn_top1(near, torch::zeros({4}, torch::kLong), 2));
    QVERIFY_THROWS_EXCEPTION(ConfigError, leave_one_out_knn_top1(near, torch::zeros({5}, torch::kLong), 3));
  }
};

QTEST_GUILESS_MAIN(TestSetNeighbours)
#include "test_set_neighbours.moc"
