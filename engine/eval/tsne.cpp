// t-SNE driver: validation, affinities, PCA initialisation and the gradient-descent schedule
// (early exaggeration with momentum 0.5, then momentum 0.8 from fresh gains; delta-bar-delta
// gains). The numerical work lives in tsne_affinities, tsne_gradient and barnes_hut_tree.
#include "engine/eval/tsne.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/eval/pca.h"
#include "engine/eval/tsne_affinities.h"
#include "engine/eval/tsne_gradient.h"

namespace simclr {

namespace {

constexpr const char* kStage = "t-SNE";
constexpr double kInitStd = 1e-4;  // of the first PCA coordinate (Kobak & Linderman 2021)
constexpr double kJitter = 1e-2;   // seeded noise, relative to kInitStd, that separates ties
constexpr double kMinGain = 0.01;
constexpr double kMinAutoRate = 200;  // scikit-learn's floor of 50, times its factor 4

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

void validate(const torch::Tensor& data, const TsneOptions& o) {
  auto bad = [](const std::string& what) { throw ConfigError("t-SNE: " + what); };
  if (data.dim() != 2 || data.size(1) < 1) bad("data must be a [N, D] matrix");
  if (!data.is_floating_point()) bad("data must be floating point");
  const int64_t n = data.size(0);
  if (n < 2) bad("needs at least 2 points, got " + std::to_string(n));
  if (!torch::isfinite(data).all().item<bool>()) bad("data contain NaN or infinite values");
  if (o.dimensions < 1) bad("dimensions must be >= 1");
  if (!(o.perplexity > 0) || !(o.perplexity < static_cast<double>(n)))
    bad("perplexity must be above 0 and below the number of points (" + std::to_string(n) + "), got " +
        number(o.perplexity));
  if (o.exaggeration_iterations < 0) bad("exaggeration_iterations must be >= 0");
  if (o.iterations < 1 || o.iterations < o.exaggeration_iterations)
    bad("iterations (" + std::to_string(o.iterations) + ") must be >= 1 and >= exaggeration_iterations (" +
        std::to_string(o.exaggeration_iterations) + ")");
  if (!(o.early_exaggeration > 0) || !std::isfinite(o.early_exaggeration)) bad("early_exaggeration must be > 0");
  if (!(o.learning_rate >= 0) || !std::isfinite(o.learning_rate)) bad("learning_rate must be >= 0 (0 = auto)");
  if (!(o.theta >= 0) || !std::isfinite(o.theta)) bad("theta must be >= 0");
  if (o.exact_below < 0 || o.kl_every < 0 || o.threads < 0) bad("exact_below, kl_every and threads must be >= 0");
  if (o.initial.defined()) {
    if (o.initial.dim() != 2 || o.initial.size(0) != n || o.initial.size(1) != o.dimensions)
      bad("the initial layout must be [N, dimensions] = [" + std::to_string(n) + ", " + std::to_string(o.dimensions) +
          "]");
    if (!torch::isfinite(o.initial).all().item<bool>()) bad("the initial layout contains NaN or infinite values");
  }
}

// PCA initialisation [N, dims] (row-major doubles), the first coordinate scaled to standard
// deviation 1e-4, plus seeded jitter 1 % of that so duplicate points do not move in lockstep
// forever (identical rows of P give identical forces).
std::vector<double> initial_layout(const torch::Tensor& data, const TsneOptions& o) {
  torch::NoGradGuard no_grad;
  const int64_t n = data.size(0), dims = o.dimensions;
  auto generator = make_generator(derive_seed(o.seed, {0x75E1}));
  auto layout = at::randn({n, dims}, generator, torch::TensorOptions().dtype(torch::kDouble)) * (kInitStd * kJitter);
  if (o.initial.defined()) {
    // A fresh start keeps the given shape and orientation at the PCA start's small scale;
    // a continued one (a timeline's next frame) starts where the given layout is.
    auto start = o.initial.to(torch::kCPU, torch::kDouble);
    start = start - start.mean(0, /*keepdim=*/true);
    const double spread = start.select(1, 0).std(/*unbiased=*/false).item<double>();
    if (!o.rescale_initial)
      layout += start;
    else if (spread > 0)
      layout += start * (kInitStd / spread);
    layout = layout.contiguous();
    return std::vector<double>(layout.data_ptr<double>(), layout.data_ptr<double>() + n * dims);
  }
  PcaOptions pca_options;
  pca_options.components = std::min({dims, n, data.size(1)});
  pca_options.seed = derive_seed(o.seed, {0x9CA});
  const auto projected = pca(data, pca_options).projected.to(torch::kCPU, torch::kDouble);  // [N, K]
  const double spread = projected.select(1, 0).std(/*unbiased=*/false).item<double>();
  if (spread > 0) {
    layout.slice(1, 0, pca_options.components) += projected * (kInitStd / spread);
  } else {
    // All points identical along every direction: a seeded Gaussian start instead.
    layout = at::randn({n, dims}, generator, torch::TensorOptions().dtype(torch::kDouble)) * kInitStd;
  }
  // Dimensions beyond the data's rank start from small noise rather than from zero.
  if (pca_options.components < dims)
    layout.slice(1, pca_options.components) +=
        at::randn({n, dims - pca_options.components}, generator, torch::TensorOptions().dtype(torch::kDouble)) *
        kInitStd;
  layout = layout.contiguous();
  return std::vector<double>(layout.data_ptr<double>(), layout.data_ptr<double>() + n * dims);
}

}  // namespace

TsneResult tsne(const torch::Tensor& data, const TsneOptions& options, const JobCallbacks& callbacks,
                const StopToken& stop) {
  const auto started = std::chrono::steady_clock::now();
  validate(data, options);
  const int64_t n = data.size(0), dims = options.dimensions;
  const int threads = options.threads > 0 ? options.threads : std::max(1, torch::get_num_threads());

  const TsneAffinities p = tsne_affinities(data, options.perplexity, threads, callbacks, stop);
  stop.throw_if_stopped(kStage);

  bool exact = options.theta == 0 || n < options.exact_below;
  if (!exact && dims != 2) {
    // The Barnes-Hut tree here is a quadtree; other dimensions get the exact O(N^2) gradient.
    callbacks.log(LogLevel::Warning, "t-SNE: Barnes-Hut needs 2 dimensions; using exact gradients for " +
                                         std::to_string(dims) + " (O(N^2) per iteration)");
    exact = true;
  }
  TsneObjective objective(p, dims, exact ? 0.0 : options.theta, threads);

  std::vector<double> y = initial_layout(data, options);
  std::vector<double> grad(y.size()), update(y.size(), 0.0), gains(y.size(), 1.0);
  const double rate = options.learning_rate > 0
                          ? options.learning_rate
                          : std::max(static_cast<double>(n) / options.early_exaggeration, kMinAutoRate);

  TsneResult result;
  result.learning_rate = rate;
  auto record_kl = [&](int64_t iteration, double kl) {
    result.kl_history.emplace_back(iteration, kl);
    char line[96];
    std::snprintf(line, sizeof line, "t-SNE iteration %lld: KL divergence %.6f", static_cast<long long>(iteration), kl);
    callbacks.log(LogLevel::Debug, line);  // a figure for progress displays, not a message
  };

  const ProgressClock clock(kStage, options.iterations);
  for (int64_t it = 0; it < options.iterations; ++it) {
    stop.wait_while_paused();
    stop.throw_if_stopped(kStage);
    const bool exaggerating = it < options.exaggeration_iterations;
    if (it == options.exaggeration_iterations) {
      // A fresh start for the second phase, as scikit-learn and openTSNE do: momentum and
      // gains built up against the exaggerated attraction would overshoot without it.
      std::fill(update.begin(), update.end(), 0.0);
      std::fill(gains.begin(), gains.end(), 1.0);
    }
    const bool with_kl = options.kl_every > 0 && it % options.kl_every == 0;
    const double kl =
        objective.gradient(y.data(), exaggerating ? options.early_exaggeration : 1.0, with_kl, grad.data());
    if (with_kl) record_kl(it, kl);  // the layout after `it` updates
    const double momentum = exaggerating ? 0.5 : 0.8;
    for (size_t k = 0; k < y.size(); ++k) {
      // Delta-bar-delta (Jacobs 1988): grow the step while the gradient keeps its direction
      // against the last update, shrink it when it flips.
      gains[k] = update[k] * grad[k] < 0 ? gains[k] + 0.2 : std::max(gains[k] * 0.8, kMinGain);
      update[k] = momentum * update[k] - rate * gains[k] * grad[k];
      y[k] += update[k];
    }
    result.iterations_done = it + 1;
    callbacks.progress(clock.at(it + 1));
  }
  result.kl_divergence = objective.kl_divergence(y.data());
  record_kl(options.iterations, result.kl_divergence);

  result.embedding =
      torch::from_blob(y.data(), {n, dims}, torch::TensorOptions().dtype(torch::kDouble)).to(torch::kFloat);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace simclr
