// simclr-cli select RUN --count N: a diverse subset of N images by k-center greedy
// (coreset) selection on the run's embeddings, from a seeded first image; saved as
// <run>/explore/select-<split>-<features>-<N>-seed<S>.json (settings, the chosen indices
// in order, the coverage radius after each pick) and .csv (order, index, radius[, label]).
#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "app/cli/explore_options.h"
#include "app/cli/interrupt_scope.h"
#include "app/cli/result_table.h"
#include "app/cli/terminal_progress.h"
#include "engine/analysis/explore_csv.h"
#include "engine/core/error.h"
#include "engine/explore/k_center_greedy.h"

namespace simclr::cli {

namespace {

struct SelectArgs {
  ExploreArgs explore;
  int64_t count = 0;
  uint64_t seed = 0;
};

void run_select(SelectArgs args, const GlobalOptions& global) {
  check_explore_args(args.explore);
  if (args.count < 1) throw ConfigError("--count: must be >= 1, got " + std::to_string(args.count));

  TrainedRun run = open_run(args.explore.run, global.quiet);
  TerminalProgress bar(global.quiet);
  StopToken stop;
  InterruptScope interrupt(stop);
  const SplitFeatures features = explore_features(run, args.explore, bar.callbacks(), stop);
  const torch::Tensor x = features.features(args.explore.features);
  const int64_t n = x.size(0);
  if (args.count > n)
    throw ConfigError("--count: " + std::to_string(args.count) + " images asked for, but the " +
                      split_name(args.explore.split) + " split has " + std::to_string(n));

  KCenterOptions options;
  options.count = args.count;
  options.seed = args.seed;
  const KCenterSelection selection = k_center_greedy(x.to(run.device), options, bar.callbacks(), stop);

  const bool labelled = has_labels(features);
  const torch::Tensor labels = features.labels.to(torch::kCPU, torch::kLong).contiguous();
  const int64_t* label = labels.data_ptr<int64_t>();
  nlohmann::json json = explore_header(run, args.explore, features);
  json["command"] = "select";
  json["settings"] = {{"count", options.count},
                      {"seed", options.seed},
                      {"method", "k-center greedy"},
                      {"distance", "cosine distance (1 - cosine similarity)"},
                      {"first", selection.indices.front()}};
  json["indices"] = selection.indices;
  json["radius"] = selection.radius;
  json["seconds"] = selection.seconds;
  std::map<int64_t, int64_t> per_class;
  for (size_t t = 0; t < selection.indices.size(); ++t) {
    const int64_t i = selection.indices[t];
    if (labelled) ++per_class[label[i]];
  }
  if (labelled) {
    nlohmann::json counts = nlohmann::json::object();
    for (const auto& [c, count] : per_class)
      counts[static_cast<size_t>(c) < features.class_names.size() ? features.class_names[static_cast<size_t>(c)]
                                                                  : std::to_string(c)] = count;
    json["class_counts"] = counts;
  }
  const std::string stem = "select-" + args.explore.split + "-" + args.explore.features + "-" +
                           std::to_string(args.count) + "-seed" + std::to_string(args.seed);
  const auto dir = write_explore_result(run, stem, std::move(json), selection_csv(selection, features));

  std::printf(
      "chose %lld of %lld %s images by k-center greedy on %s features (seed %llu, first image %lld): "
      "coverage radius %.4f after the first pick, %.4f after the last (cosine distance), %.2f s\n",
      static_cast<long long>(args.count), static_cast<long long>(n), split_name(args.explore.split).c_str(),
      args.explore.features.c_str(), static_cast<unsigned long long>(args.seed),
      static_cast<long long>(selection.indices.front()), selection.radius.front(), selection.radius.back(),
      selection.seconds);
  if (labelled) {
    std::printf("classes in the subset:");
    for (const auto& [c, count] : per_class)
      std::printf(" %s %lld",
                  static_cast<size_t>(c) < features.class_names.size()
                      ? features.class_names[static_cast<size_t>(c)].c_str()
                      : std::to_string(c).c_str(),
                  static_cast<long long>(count));
    std::printf("\n");
  }
  std::printf("subset:   %s\nsettings: %s\n", (dir / (stem + ".csv")).c_str(), (dir / (stem + ".json")).c_str());
}

}  // namespace

void register_select_command(CLI::App& root, const GlobalOptions& global) {
  static SelectArgs args;
  auto* cmd = root.add_subcommand(
      "select",
      "A diverse subset of --count images by k-center greedy (coreset) selection on the embeddings; saved as "
      "<run>/explore/select-<split>-<features>-<N>-seed<S>.json and .csv (the chosen images in order)");
  add_explore_args(cmd, args.explore);
  cmd->add_option("--count", args.count, "Images to choose")->required();
  cmd->add_option("--seed", args.seed, "Picks the first image; same seed, same subset")->capture_default_str();
  cmd->callback([&global] { run_select(args, global); });
}

}  // namespace simclr::cli
