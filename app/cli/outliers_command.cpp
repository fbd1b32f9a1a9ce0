// simclr-cli outliers RUN: how unusual each image is, as the mean (whitened) distance of its
// embedding to its k nearest other images; the most unusual first. Saved as
// <run>/explore/outliers-<split>-<features>.json (settings, every score, the ranking) and
// .csv (rank, index, score, nearest, nearest_distance[, label]).
#include <cstdio>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "app/cli/explore_options.h"
#include "app/cli/interrupt_scope.h"
#include "app/cli/result_table.h"
#include "app/cli/terminal_progress.h"
#include "engine/analysis/explore_csv.h"
#include "engine/core/error.h"
#include "engine/explore/outlier_scores.h"

namespace simclr::cli {

namespace {

struct OutliersArgs {
  ExploreArgs explore;
  int64_t k = 10;
  int64_t top = 10;
  bool cosine = false;
};

void run_outliers(OutliersArgs args, const GlobalOptions& global) {
  check_explore_args(args.explore);
  if (args.k < 1) throw ConfigError("--k: must be >= 1, got " + std::to_string(args.k));
  if (args.top < 0) throw ConfigError("--top: must be >= 0, got " + std::to_string(args.top));

  TrainedRun run = open_run(args.explore.run, global.quiet);
  TerminalProgress bar(global.quiet);
  StopToken stop;
  InterruptScope interrupt(stop);
  const SplitFeatures features = explore_features(run, args.explore, bar.callbacks(), stop);
  const torch::Tensor x = features.features(args.explore.features);
  const int64_t n = x.size(0);
  if (args.k > n - 1)
    throw ConfigError("--k: " + std::to_string(args.k) + " neighbours asked for, but the " +
                      split_name(args.explore.split) + " split has " + std::to_string(n) + " images (k at most " +
                      std::to_string(n - 1) + ")");

  OutlierOptions options;
  options.k = args.k;
  options.whiten = !args.cosine;
  const OutlierScores scores = outlier_scores(x.to(run.device), options, bar.callbacks(), stop);

  const bool labelled = has_labels(features);
  const torch::Tensor labels = features.labels.to(torch::kCPU, torch::kLong).contiguous();
  const int64_t* label = labels.data_ptr<int64_t>();
  nlohmann::json json = explore_header(run, args.explore, features);
  json["command"] = "outliers";
  json["settings"] = {{"k", options.k},
                      {"top", args.top},
                      {"whiten", options.whiten},
                      {"shrinkage", options.shrinkage},
                      {"max_block_elements", options.max_block_elements}};
  json["score"] = outlier_score_meaning(options) + " of the split";
  json["ranking"] = scores.ranking;
  json["scores"] = scores.score;
  json["nearest"] = scores.nearest_index;
  json["nearest_distance"] = scores.nearest;
  json["seconds"] = scores.seconds;
  std::vector<std::string> shown_headers =
      labelled ? std::vector<std::string>{"rank", "index", "score", "nearest", "distance", "class"}
               : std::vector<std::string>{"rank", "index", "score", "nearest", "distance"};
  if (!features.files.empty()) shown_headers.push_back("path");
  ResultTable shown(shown_headers);
  for (size_t r = 0; r < scores.ranking.size(); ++r) {
    const auto i = static_cast<size_t>(scores.ranking[r]);
    std::vector<std::string> printed = {std::to_string(r + 1), std::to_string(i), number_text(scores.score[i], 4),
                                        std::to_string(scores.nearest_index[i]), number_text(scores.nearest[i], 4)};
    if (labelled) {
      const auto c = static_cast<size_t>(label[i]);
      printed.push_back(c < features.class_names.size() ? features.class_names[c] : std::to_string(label[i]));
    }
    if (!features.files.empty()) printed.push_back(features.files[i]);
    if (static_cast<int64_t>(r) < args.top) shown.add_row(std::move(printed));
  }
  const std::string stem = "outliers-" + args.explore.split + "-" + args.explore.features;
  const auto dir = write_explore_result(run, stem, std::move(json), outliers_csv(scores, features));

  double mean = 0;
  for (const double s : scores.score) mean += s / static_cast<double>(n);
  std::printf(
      "outlier scores of %lld %s images (%s; k = %lld, %s features): mean %.4f, highest %.4f, %.2f s\n",
      static_cast<long long>(n), split_name(args.explore.split).c_str(), outlier_score_meaning(options).c_str(),
      static_cast<long long>(args.k), args.explore.features.c_str(), mean, scores.score[static_cast<size_t>(scores.ranking.front())], scores.seconds);
  if (args.top > 0) std::printf("most unusual first:\n%s", shown.text().c_str());
  std::printf("scores:   %s\nsettings: %s\n", (dir / (stem + ".csv")).c_str(), (dir / (stem + ".json")).c_str());
}

}  // namespace

void register_outliers_command(CLI::App& root, const GlobalOptions& global) {
  static OutliersArgs args;
  auto* cmd = root.add_subcommand(
      "outliers",
      "Outlier (uniqueness) score of every image: the mean distance to its k nearest others with the features "
      "whitened (or cosine, --cosine), most unusual first; saved as <run>/explore/outliers-<split>-<features>.json "
      "and .csv");
  add_explore_args(cmd, args.explore);
  cmd->add_option("-k,--k", args.k, "Nearest neighbours per image")->capture_default_str();
  cmd->add_option("--top", args.top, "Rows of the ranking to print (the files hold all)")->capture_default_str();
  cmd->add_flag("--cosine", args.cosine,
                "Score by plain cosine distance instead of whitening first (unusual directions then count for less)");
  cmd->callback([&global] { run_outliers(args, global); });
}

}  // namespace simclr::cli
