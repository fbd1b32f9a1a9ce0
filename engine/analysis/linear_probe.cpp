#include "engine/analysis/linear_probe.h"

#include <cmath>
#include <cstdio>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/core/seeding.h"

namespace simclr {

LinearSolver parse_linear_solver(const std::string& name) {
  if (name == "adam") return LinearSolver::Adam;
  if (name == "lbfgs" || name == "l-bfgs") return LinearSolver::Lbfgs;
  throw ConfigError("solver '" + name + "': use adam or lbfgs");
}

const char* to_string(LinearSolver solver) {
  return solver == LinearSolver::Adam ? "adam" : "lbfgs";
}

namespace {

constexpr int64_t kLbfgsChunk = 25;  // iterations per optimizer.step(), between progress reports

// Counts progress over all the fits of one probe.
struct FitProgress {
  const JobCallbacks& callbacks;
  const StopToken& stop;
  ProgressClock clock;
  long long done = 0;
  void tick() {
    callbacks.progress(clock.at(++done));
    stop.throw_if_stopped("linear probe");
  }
};

int64_t fit_units(const LinearProbeOptions& o) {
  return o.solver == LinearSolver::Adam ? o.epochs : (o.lbfgs_iterations + kLbfgsChunk - 1) / kLbfgsChunk;
}

torch::Tensor penalised_loss(torch::nn::Linear& model, const torch::Tensor& x, const torch::Tensor& y, double wd) {
  auto loss = torch::nn::functional::cross_entropy(model(x), y);
  if (wd > 0) loss = loss + 0.5 * wd * model->weight.pow(2).sum();
  return loss;
}

// Logistic regression on standardised x [N, D] with labels y [N]; weights start at zero
// (the problem is convex, so no random initialisation is needed).
torch::nn::Linear fit(const torch::Tensor& x, const torch::Tensor& y, int64_t classes, double wd,
                      const LinearProbeOptions& o, uint64_t stream, FitProgress& progress) {
  torch::nn::Linear model(x.size(1), classes);
  {
    torch::NoGradGuard no_grad;
    model->weight.zero_();
    model->bias.zero_();
  }
  model->to(x.device());
  if (o.solver == LinearSolver::Adam) {
    torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(o.learning_rate));
    const int64_t n = x.size(0);
    const int64_t batches = (n + o.batch_size - 1) / o.batch_size;
    const double total = static_cast<double>(o.epochs * batches);
    int64_t t = 0;
    for (int64_t epoch = 0; epoch < o.epochs; ++epoch) {
      auto gen = make_generator(derive_seed(o.seed, {stream, static_cast<uint64_t>(epoch)}));
      const auto order = torch::randperm(n, gen, torch::kLong).to(x.device());
      for (int64_t b = 0; b < batches; ++b, ++t) {
        const auto idx = order.slice(0, b * o.batch_size, std::min(n, (b + 1) * o.batch_size));
        static_cast<torch::optim::AdamOptions&>(adam.param_groups()[0].options())
            .lr(o.learning_rate * 0.5 * (1 + std::cos(M_PI * t / total)));
        adam.zero_grad();
        penalised_loss(model, x.index_select(0, idx), y.index_select(0, idx), wd).backward();
        adam.step();
      }
      progress.tick();
    }
  } else {
    torch::optim::LBFGS lbfgs(model->parameters(), torch::optim::LBFGSOptions(1)
                                                       .max_iter(kLbfgsChunk)
                                                       .history_size(20)
                                                       .tolerance_grad(1e-6)
                                                       .tolerance_change(1e-10)
                                                       .line_search_fn("strong_wolfe"));
    auto closure = [&] {
      lbfgs.zero_grad();
      auto loss = penalised_loss(model, x, y, wd);
      loss.backward();
      return loss;
    };
    double previous = INFINITY;
    const int64_t chunks = fit_units(o);
    int64_t chunk = 0;
    for (; chunk < chunks; ++chunk) {
      lbfgs.step(closure);
      const double loss = penalised_loss(model, x, y, wd).item<double>();
      progress.tick();
      // Converged (L-BFGS stops early inside a chunk when the gradient vanishes; then the
      // loss stops moving between chunks).
      if (std::abs(previous - loss) <= 1e-9 * std::max(1.0, std::abs(loss))) break;
      previous = loss;
    }
    for (++chunk; chunk < chunks; ++chunk) progress.tick();  // keep the bar's total honest
  }
  return model;
}

std::pair<double, double> accuracy(torch::nn::Linear& model, const torch::Tensor& x, const torch::Tensor& y) {
  torch::NoGradGuard no_grad;
  if (x.size(0) == 0) return {0, 0};
  const auto logits = model(x);
  return {top_k_accuracy(logits, y, 1), top_k_accuracy(logits, y, 5)};
}

void check_options(const LinearProbeOptions& o) {
  if (o.weight_decays.empty()) throw ConfigError("linear probe: weight_decays must not be empty");
  for (double wd : o.weight_decays)
    if (!(wd >= 0) || !std::isfinite(wd)) throw ConfigError("linear probe: weight decays must be finite and >= 0");
  if (!(o.validation_fraction > 0 && o.validation_fraction < 1))
    throw ConfigError("linear probe: validation_fraction must be in (0, 1)");
  if (o.solver == LinearSolver::Adam && (o.epochs < 1 || o.batch_size < 1 || !(o.learning_rate > 0)))
    throw ConfigError("linear probe: epochs, batch_size and learning_rate must be positive");
  if (o.solver == LinearSolver::Lbfgs && o.lbfgs_iterations < 1)
    throw ConfigError("linear probe: lbfgs_iterations must be >= 1");
}

}  // namespace

LinearProbeResult linear_probe(const ProbeData& data, const LinearProbeOptions& o, const JobCallbacks& callbacks,
                               const StopToken& stop) {
  data.check("linear probe");
  check_options(o);
  const ProgressClock timer("linear probe");
  LinearProbeResult r;
  r.num_classes = data.classes();
  r.input_dim = data.input_dim();
  const auto train_x = flatten_rows(data.train_x);
  const auto train_y = data.train_y.to(torch::kLong);
  const auto trials = static_cast<int64_t>(o.weight_decays.size());
  FitProgress progress{callbacks, stop, ProgressClock("linear probe", (trials + 1) * fit_units(o))};

  // 1. Choose the weight decay on a hold-out, standardising with the fitting rows only.
  const auto [val_idx, fit_idx] = balanced_holdout(train_y, o.validation_fraction, derive_seed(o.seed, {1}));
  r.val_size = val_idx.size(0);
  {
    const auto s = Standardizer::fit(train_x.index_select(0, fit_idx));
    const auto fx = s.apply(train_x.index_select(0, fit_idx)).to(o.device);
    const auto fy = train_y.index_select(0, fit_idx).to(o.device);
    const auto vx = s.apply(train_x.index_select(0, val_idx)).to(o.device);
    const auto vy = train_y.index_select(0, val_idx).to(o.device);
    for (int64_t i = 0; i < trials; ++i) {
      const double wd = o.weight_decays[static_cast<size_t>(i)];
      auto model = fit(fx, fy, r.num_classes, wd, o, 100 + static_cast<uint64_t>(i), progress);
      const auto [top1, top5] = accuracy(model, vx, vy);
      r.trials.push_back({wd, top1, top5});
      char line[128];
      std::snprintf(line, sizeof line, "linear probe: weight decay %g, validation top-1 %.2f%%", wd, 100 * top1);
      callbacks.log(LogLevel::Info, line);
    }
  }
  // The best validation top-1; on ties the larger decay (the simpler model).
  const WeightDecayTrial* best = &r.trials.front();
  for (const auto& t : r.trials)
    if (t.val_top1 > best->val_top1 || (t.val_top1 == best->val_top1 && t.weight_decay > best->weight_decay)) best = &t;
  r.weight_decay = best->weight_decay;
  r.val_top1 = best->val_top1;
  r.val_top5 = best->val_top5;

  // 2. Retrain on the whole training split with the chosen decay.
  const auto s = Standardizer::fit(train_x);
  const auto x = s.apply(train_x).to(o.device);
  const auto y = train_y.to(o.device);
  auto model = fit(x, y, r.num_classes, r.weight_decay, o, 99, progress);
  std::tie(r.train_top1, r.train_top5) = accuracy(model, x, y);
  std::tie(r.test_top1, r.test_top5) =
      accuracy(model, s.apply(data.test_x).to(o.device), data.test_y.to(o.device, torch::kLong));
  r.train_size = x.size(0);
  r.test_size = data.test_x.size(0);
  r.seconds = timer.elapsed_s();
  return r;
}

}  // namespace simclr
