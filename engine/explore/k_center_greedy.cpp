#include "engine/explore/k_center_greedy.h"

#include <chrono>
#include <string>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/explore/normalised_rows.h"
#include "engine/explore/seeded_draws.h"

namespace simclr {

int64_t k_center_first_index(uint64_t seed, int64_t n) {
  if (n < 1) throw ConfigError("select: no images to choose from");
  return SeededDraws(seed).index(n);
}

KCenterSelection k_center_greedy(const torch::Tensor& features, const KCenterOptions& options,
                                 const JobCallbacks& callbacks, const StopToken& stop) {
  const auto start = std::chrono::steady_clock::now();
  const torch::Tensor x = normalised_rows(features, "select");  // float [N, D]
  const int64_t n = x.size(0);
  if (options.count < 1 || options.count > n)
    throw ConfigError("select: count must be in [1, " + std::to_string(n) + "] (the images there are), got " +
                      std::to_string(options.count));
  if (options.first < -1 || options.first >= n)
    throw ConfigError("select: first image " + std::to_string(options.first) + " is not a row in [0, " +
                      std::to_string(n) + ")");

  const auto on = torch::TensorOptions().device(x.device());
  torch::Tensor min_distance = torch::full({n}, 4.0f, on.dtype(torch::kFloat));  // above any cosine distance
  torch::Tensor chosen = torch::zeros({n}, on.dtype(torch::kBool));
  KCenterSelection out;
  out.indices.reserve(static_cast<size_t>(options.count));
  out.radius.reserve(static_cast<size_t>(options.count));
  int64_t pick = options.first >= 0 ? options.first : k_center_first_index(options.seed, n);
  ProgressClock clock("select", options.count);
  for (int64_t t = 0; t < options.count; ++t) {
    stop.throw_if_stopped("select");
    out.indices.push_back(pick);
    chosen[pick] = true;
    const torch::Tensor d = (1.0f - x.mv(x[pick])).clamp(0.0f, 2.0f);  // [N]
    min_distance = torch::minimum(min_distance, d).masked_fill_(chosen, 0.0f);
    out.radius.push_back(min_distance.max().item<double>());
    if (t + 1 < options.count) {
      // The farthest image not chosen yet; the smallest row among equal distances.
      const torch::Tensor candidates = min_distance.masked_fill(chosen, -1.0f);
      const torch::Tensor farthest = candidates.max();
      pick = candidates.eq(farthest).nonzero().select(1, 0)[0].item<int64_t>();
    }
    callbacks.progress(clock.at(t + 1));
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace simclr
