#include "engine/analysis/mlp_probe.h"

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/core/seeding.h"

namespace simclr {

MlpProbeNetImpl::MlpProbeNetImpl(int64_t input_dim, int64_t hidden, int64_t classes) {
  fc1 = register_module("fc1", torch::nn::Linear(input_dim, hidden));
  fc2 = register_module("fc2", torch::nn::Linear(hidden, classes));
}

torch::Tensor MlpProbeNetImpl::forward(const torch::Tensor& x) {
  return fc2(torch::relu(fc1(x.flatten(1))));  // [B, D] -> [B, hidden] -> [B, classes]
}

void MlpProbeNetImpl::reset_parameters(uint64_t seed) {
  torch::NoGradGuard no_grad;
  auto gen = make_generator(seed);
  for (auto* layer : {&fc1, &fc2}) {
    const double bound = 1.0 / std::sqrt(static_cast<double>((*layer)->weight.size(1)));
    (*layer)->weight.copy_(torch::rand((*layer)->weight.sizes(), gen) * (2 * bound) - bound);
    (*layer)->bias.copy_(torch::rand((*layer)->bias.sizes(), gen) * (2 * bound) - bound);
  }
}

namespace {

constexpr int64_t kEvalChunk = 4096;  // rows per forward pass when scoring

// Logits of x [N, D] in chunks, so a 50 000 x 3072 pixel matrix never makes one huge
// activation.
torch::Tensor logits_of(MlpProbeNet& net, const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> parts;
  for (int64_t i = 0; i < x.size(0); i += kEvalChunk) parts.push_back(net(x.slice(0, i, i + kEvalChunk)));
  return parts.empty() ? torch::empty({0, net->fc2->options.out_features()}) : torch::cat(parts);
}

void check_options(const MlpProbeOptions& o) {
  if (o.hidden < 1 || o.epochs < 1 || o.batch_size < 1 || !(o.learning_rate > 0) || !(o.weight_decay >= 0))
    throw ConfigError("mlp probe: hidden, epochs, batch_size and learning_rate must be positive, weight_decay >= 0");
}

}  // namespace

MlpProbeResult mlp_probe(const ProbeData& data, const MlpProbeOptions& o, const JobCallbacks& callbacks,
                         const StopToken& stop) {
  data.check(o.stage);
  check_options(o);
  MlpProbeResult r;
  r.num_classes = data.classes();
  r.input_dim = data.input_dim();

  torch::Tensor x = flatten_rows(data.train_x), test_x = flatten_rows(data.test_x);  // [N, D], [M, D]
  if (o.standardize) {
    const auto s = Standardizer::fit(x);
    x = s.apply(x);
    test_x = s.apply(test_x);
  }
  x = x.to(o.device);
  test_x = test_x.to(o.device);
  const auto y = data.train_y.to(o.device, torch::kLong);
  const auto test_y = data.test_y.to(o.device, torch::kLong);

  MlpProbeNet net(r.input_dim, o.hidden, r.num_classes);
  net->reset_parameters(derive_seed(o.seed, {0}));
  net->to(o.device);
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(o.learning_rate).weight_decay(o.weight_decay));

  const int64_t n = x.size(0);
  const int64_t batches = (n + o.batch_size - 1) / o.batch_size;
  ProgressClock clock(o.stage, o.epochs);
  for (int64_t epoch = 0; epoch < o.epochs; ++epoch) {
    auto gen = make_generator(derive_seed(o.seed, {1, static_cast<uint64_t>(epoch)}));
    const auto order = torch::randperm(n, gen, torch::kLong).to(o.device);
    double loss_sum = 0;
    net->train();
    for (int64_t b = 0; b < batches; ++b) {
      stop.throw_if_stopped(o.stage);
      const auto idx = order.slice(0, b * o.batch_size, std::min(n, (b + 1) * o.batch_size));
      adam.zero_grad();
      const auto loss = torch::nn::functional::cross_entropy(net(x.index_select(0, idx)), y.index_select(0, idx));
      loss.backward();
      adam.step();
      loss_sum += loss.item<double>();
    }
    net->eval();
    MlpEpoch e{epoch + 1, loss_sum / static_cast<double>(batches), -1};
    if (o.test_every_epoch && test_x.size(0) > 0) e.test_top1 = top_k_accuracy(logits_of(net, test_x), test_y, 1);
    r.history.push_back(e);
    callbacks.progress(clock.at(epoch + 1));
  }

  net->eval();
  const auto train_logits = logits_of(net, x);
  r.train_top1 = top_k_accuracy(train_logits, y, 1);
  r.train_top5 = top_k_accuracy(train_logits, y, 5);
  const auto test_logits = logits_of(net, test_x);
  r.test_top1 = top_k_accuracy(test_logits, test_y, 1);
  r.test_top5 = top_k_accuracy(test_logits, test_y, 5);
  r.seconds = clock.elapsed_s();
  return r;
}

}  // namespace simclr
