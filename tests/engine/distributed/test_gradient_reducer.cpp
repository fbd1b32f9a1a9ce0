// The bucketed gradient sum over two ranks (two threads of this process, sharing a file
// store): with and without overlap, in one bucket or many, it must leave on every rank the
// sum of both ranks' gradients, a zero one for a parameter backward never reached, and
// work again on the next step.
#include <QtTest>

#include <cstdlib>
#include <functional>
#include <thread>

#include <torch/torch.h>

#include "engine/distributed/gradient_all_reduce.h"
#include "engine/distributed/process_group.h"
#include "tests/support/temp_dir.h"

using namespace simclr;

namespace {

// A small net with a layer the forward pass leaves out (its parameters get no gradient).
struct NetImpl : torch::nn::Module {
  torch::nn::Linear a{nullptr}, b{nullptr}, unused{nullptr};
  NetImpl() {
    a = register_module("a", torch::nn::Linear(6, 32));
    b = register_module("b", torch::nn::Linear(32, 3));
    unused = register_module("unused", torch::nn::Linear(4, 4));
  }
  torch::Tensor forward(const torch::Tensor& x) { return b(torch::tanh(a(x))); }
};
TORCH_MODULE(Net);

Net seeded_net() {
  torch::manual_seed(7);
  return Net();
}

// Drawn before the rank threads start: the global generator is not theirs to share.
torch::Tensor rank_input(int rank, int step) {
  torch::manual_seed(100 + 10 * step + rank);
  return torch::randn({5, 6});
}
using Inputs = std::vector<std::vector<torch::Tensor>>;  // [rank][step]

// The gradients of this rank's loss at `step`, computed alone.
std::vector<torch::Tensor> local_gradients(int rank, int step) {
  Net net = seeded_net();
  net->forward(rank_input(rank, step)).pow(2).sum().backward();
  std::vector<torch::Tensor> grads;
  for (auto& p : net->parameters()) grads.push_back(p.grad().defined() ? p.grad().clone() : torch::zeros_like(p));
  return grads;
}

// Each rank's gradients after the reducer, for three steps.
using StepGradients = std::vector<std::vector<torch::Tensor>>;

StepGradients train_rank(int rank, Net net, const Inputs& inputs, bool overlap, int64_t bucket_bytes) {
  LaunchEnvironment env;
  env.launcher = "local";
  env.rank = rank;
  env.world_size = 2;
  env.master_addr = "127.0.0.1";
  GroupOptions options;
  options.timeout = std::chrono::milliseconds(20'000);
  auto group = ProcessGroup::join(env, options, torch::kCPU);
  GradientReducer reducer(net->parameters(), *group, overlap, bucket_bytes);
  StepGradients out;
  for (int step = 0; step < 3; ++step) {
    for (auto& p : net->parameters()) p.mutable_grad() = torch::Tensor();
    net->forward(inputs[rank][step]).pow(2).sum().backward();
    reducer.finish();
    std::vector<torch::Tensor> grads;
    for (auto& p : net->parameters()) grads.push_back(p.grad().defined() ? p.grad().clone() : torch::Tensor());
    out.push_back(grads);
  }
  return out;
}

}  // namespace

class TestGradientReducer : public QObject {
  Q_OBJECT

  test::TempDir dir_;

  void check(bool overlap, int64_t bucket_bytes) {
    const std::string store =
        (dir_.path() / ("store-" + std::to_string(overlap) + "-" + std::to_string(bucket_bytes))).string();
    setenv("SIMCLR_STORE_FILE", store.c_str(), 1);
    Inputs inputs(2);
    for (int rank = 0; rank < 2; ++rank)
      for (int step = 0; step < 3; ++step) inputs[rank].push_back(rank_input(rank, step));
    Net net0 = seeded_net(), net1 = seeded_net();
    StepGradients rank1;
    std::thread other([&] { rank1 = train_rank(1, net1, inputs, overlap, bucket_bytes); });
    const StepGradients rank0 = train_rank(0, net0, inputs, overlap, bucket_bytes);
    other.join();
    for (int step = 0; step < 3; ++step) {
      const auto g0 = local_gradients(0, step), g1 = local_gradients(1, step);
      for (size_t i = 0; i < g0.size(); ++i) {
        const torch::Tensor expected = g0[i] + g1[i];
        QVERIFY2(rank0[step][i].defined() && rank1[step][i].defined(), "every parameter has a gradient");
        QVERIFY2(torch::allclose(rank0[step][i], expected, 1e-5, 1e-6),
                 qPrintable(QStringLiteral("rank 0, step %1, parameter %2").arg(step).arg(i)));
        QVERIFY(torch::equal(rank0[step][i], rank1[step][i]));
      }
      // The left-out layer's gradients are zeros, and the others are not.
      QCOMPARE(rank0[step][4].abs().sum().item<double>(), 0.0);
      QVERIFY(rank0[step][0].abs().sum().item<double>() > 0);
    }
  }

 private Q_SLOTS:
  void overlappedInOneBucket() { check(true, 25 << 20); }
  void overlappedInManyBuckets() { check(true, 64); }
  void afterBackwardInManyBuckets() { check(false, 64); }
};

QTEST_GUILESS_MAIN(TestGradientReducer)
#include "test_gradient_reducer.moc"
