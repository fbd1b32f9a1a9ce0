// simclr-cli tsne RUN: a t-SNE layout of a split's embeddings, saved in the run folder as
// layouts/tsne-<features>-<split>-<N>-seed<S>.npy (float32 [N, 2]) with a .json sidecar
// holding every setting, the KL divergence and the indices of the points used.
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "app/cli/analysis_options.h"
#include "app/cli/cli_command.h"
#include "app/cli/interrupt_scope.h"
#include "app/cli/result_table.h"
#include "app/cli/terminal_progress.h"
#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/eval/balanced_sample.h"
#include "engine/eval/npy_file.h"
#include "engine/eval/tsne.h"

namespace simclr::cli {

namespace fs = std::filesystem;

namespace {

struct TsneArgs {
  RunArgs run;
  std::string split = "test";
  std::string features = "h";
  int64_t points = 0;
  double perplexity = 30;
  int64_t iterations = 1000;
  double theta = 0.5;
  uint64_t seed = 0;
};

std::vector<int64_t> to_vector(const torch::Tensor& t) {
  const auto c = t.to(torch::kCPU, torch::kLong).contiguous();
  return {c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel()};
}

TsneOptions tsne_options(const TsneArgs& args) {
  TsneOptions options;
  options.perplexity = args.perplexity;
  options.iterations = args.iterations;
  options.exaggeration_iterations = std::min(options.exaggeration_iterations, args.iterations);
  options.theta = args.theta;
  options.seed = args.seed;
  options.threads = args.run.threads;
  return options;
}

// The KL divergence the job logs every 50 iterations goes next to the bar.
JobCallbacks kl_beside_bar(TerminalProgress& bar) {
  JobCallbacks callbacks = bar.callbacks();
  callbacks.on_log = [&bar](LogLevel level, const std::string& text) {
    const std::string prefix = "t-SNE iteration ";
    if (level == LogLevel::Debug && text.rfind(prefix, 0) == 0)
      bar.set_suffix("t-SNE", "KL " + text.substr(text.rfind(' ') + 1));
    else if (level != LogLevel::Debug)
      bar.log(level, text);
  };
  return callbacks;
}

// The layout's sidecar: what was laid out (run, split, subset, labels) and how.
nlohmann::json layout_sidecar(const TrainedRun& run, const TsneArgs& args, const SplitFeatures& features,
                              const torch::Tensor& indices, int64_t feature_dim, const TsneOptions& options,
                              const TsneResult& result, const std::string& stem) {
  const int64_t n = indices.size(0), split_size = features.labels.size(0);
  const bool subset = n < split_size;
  nlohmann::json kl_history = nlohmann::json::array();
  for (const auto& [it, kl] : result.kl_history) kl_history.push_back({it, kl});
  return {
      {"method", "tsne"},
      {"layout", stem + ".npy"},
      {"run", run.run_dir.string()},
      {"checkpoint", run.checkpoint.string()},
      {"step", run.step},
      {"split", args.split},
      {"features", args.features},
      {"feature_dim", feature_dim},
      {"points", n},
      {"split_size", split_size},
      {"requested_points", args.points},
      {"class_balanced_subset", subset},
      {"settings",
       {{"dimensions", options.dimensions},
        {"perplexity", options.perplexity},
        {"iterations", options.iterations},
        {"exaggeration_iterations", options.exaggeration_iterations},
        {"early_exaggeration", options.early_exaggeration},
        {"learning_rate", result.learning_rate},
        {"theta", options.theta},
        {"seed", options.seed},
        {"threads", options.threads}}},
      {"kl_divergence", result.kl_divergence},
      {"kl_history", kl_history},
      {"iterations_done", result.iterations_done},
      {"seconds", result.seconds},
      {"indices", to_vector(indices)},
      {"labels", to_vector(features.labels.index_select(0, indices))},
      {"class_names", features.class_names},
  };
}

void run_tsne(const TsneArgs& args, const GlobalOptions& global) {
  check_choice("--split", args.split, "train|test");
  check_choice("--features", args.features, "h|z");
  if (args.points < 0) throw ConfigError("--points: must be >= 0 (0 = all points)");
  if (args.iterations < 1) throw ConfigError("--iterations: must be >= 1");

  TrainedRun run = open_run(args.run, global.quiet);
  TerminalProgress bar(global.quiet);
  StopToken stop;
  InterruptScope interrupt(stop);
  const SplitFeatures features = split_features(run, args.run, args.split, bar.callbacks(), stop);

  const int64_t split_size = features.labels.size(0);
  const torch::Tensor indices = class_balanced_indices(features.labels, args.points);  // int64 [N]
  const int64_t n = indices.size(0);
  const torch::Tensor data = features.features(args.features).index_select(0, indices);  // [N, D]
  const bool subset = n < split_size;
  if (!global.quiet)
    std::fprintf(stderr, "t-SNE of %lld of %lld %s points%s, %s features (%lld dimensions)\n",
                 static_cast<long long>(n), static_cast<long long>(split_size), args.split.c_str(),
                 subset ? " (class-balanced subset, first points of each class)" : "", args.features.c_str(),
                 static_cast<long long>(data.size(1)));

  if (!(args.perplexity > 0) || args.perplexity >= static_cast<double>(n))
    throw ConfigError("--perplexity: must be above 0 and below the number of points (" + std::to_string(n) + "), got " +
                      number_text(args.perplexity) + (subset ? "; raise --points" : ""));

  const TsneOptions options = tsne_options(args);
  const TsneResult result = tsne(data, options, kl_beside_bar(bar), stop);

  const std::string stem =
      "tsne-" + args.features + "-" + args.split + "-" + std::to_string(n) + "-seed" + std::to_string(args.seed);
  const fs::path dir = run.run_dir / "layouts";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw IoError("cannot create " + dir.string() + ": " + ec.message());
  // The layout and its sidecar are one result: the layout waits under a hidden name until
  // the sidecar is written, so a failed write leaves the earlier pair (if any) as it was.
  const fs::path pending = dir / ("." + stem + ".npy.pending");
  try {
    write_npy(pending, result.embedding.to(torch::kFloat));
    const nlohmann::json sidecar = layout_sidecar(run, args, features, indices, data.size(1), options, result, stem);
    write_file_atomically(dir / (stem + ".json"), sidecar.dump(1) + "\n");
    fs::rename(pending, dir / (stem + ".npy"));
  } catch (const fs::filesystem_error& e) {
    fs::remove(pending, ec);
    throw IoError((dir / (stem + ".npy")).string() + ": cannot replace file: " + e.code().message());
  } catch (...) {
    fs::remove(pending, ec);
    throw;
  }

  const std::string which = subset ? "class-balanced subset of " + std::to_string(split_size) : "the whole split";
  std::printf("t-SNE of %lld %s points (%s), %s features: KL divergence %.4f after %lld iterations, %.1f s\n",
              static_cast<long long>(n), args.split.c_str(), which.c_str(), args.features.c_str(), result.kl_divergence,
              static_cast<long long>(result.iterations_done), result.seconds);
  std::printf("layout:   %s\nsettings: %s\n", (dir / (stem + ".npy")).c_str(), (dir / (stem + ".json")).c_str());
}

}  // namespace

void register_tsne_command(CLI::App& root, const GlobalOptions& global) {
  static TsneArgs args;
  auto* cmd = root.add_subcommand(
      "tsne",
      "t-SNE layout of a split's embeddings, saved as <run>/layouts/tsne-<features>-<split>-<N>-seed<S>.npy "
      "with a .json sidecar (settings, KL divergence, indices of the points used)");
  add_run_args(cmd, args.run);
  cmd->add_option("--split", args.split, "train or test")->capture_default_str();
  cmd->add_option("--features", args.features, "h (backbone) or z (projection head)")->capture_default_str();
  cmd->add_option("--points", args.points,
                  "Lay out a class-balanced subset of this many points: the first of each class in split order "
                  "(0 = all)")
      ->capture_default_str();
  cmd->add_option("--perplexity", args.perplexity, "Effective number of neighbours")->capture_default_str();
  cmd->add_option("--iterations", args.iterations, "Optimisation iterations, early exaggeration included")
      ->capture_default_str();
  cmd->add_option("--theta", args.theta, "Barnes-Hut accuracy (0 = exact gradients, slow)")->capture_default_str();
  cmd->add_option("--seed", args.seed, "Seed of the initialisation; same seed, same layout")->capture_default_str();
  cmd->callback([&global] { run_tsne(args, global); });
}

}  // namespace simclr::cli
