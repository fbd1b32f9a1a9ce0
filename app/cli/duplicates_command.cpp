// simclr-cli duplicates RUN: groups of near-duplicate images (cosine similarity of the
// run's embeddings at or above --threshold, linked into connected components), saved as
// <run>/explore/duplicates-<split>-<features>.json (every setting, each group with its
// members and pairwise similarities) and .csv (index, group, similarity[, label]).
#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "app/cli/explore_options.h"
#include "app/cli/interrupt_scope.h"
#include "app/cli/result_table.h"
#include "app/cli/terminal_progress.h"
#include "engine/analysis/explore_csv.h"
#include "engine/core/error.h"
#include "engine/explore/near_duplicates.h"

namespace simclr::cli {

namespace {

// The default threshold: DuplicateOptions' (how it was chosen is written there).
const double kDefaultThreshold = DuplicateOptions{}.threshold;
constexpr size_t kGroupsShown = 10;

struct DuplicatesArgs {
  ExploreArgs explore;
  double threshold = kDefaultThreshold;
  std::string index = DuplicateOptions{}.index;
  int64_t neighbours = DuplicateOptions{}.neighbours;
};

// Indices, or for an image folder the files, of a group's first `most` members.
std::string members_text(const std::vector<int64_t>& members, size_t most, const SplitFeatures& features) {
  std::string text;
  for (size_t i = 0; i < members.size() && i < most; ++i)
    text +=
        (i ? ", " : "") + (features.files.empty() ? std::to_string(members[i]) : features.files.at(size_t(members[i])));
  if (members.size() > most) text += ", ... (" + std::to_string(members.size() - most) + " more)";
  return text;
}

void run_duplicates(DuplicatesArgs args, const GlobalOptions& global) {
  check_explore_args(args.explore);
  check_choice("--index", args.index, "auto|exact|flat|hnsw|ivf");
  if (args.neighbours < 1) throw ConfigError("--neighbours: must be >= 1, got " + std::to_string(args.neighbours));
  if (!(args.threshold >= -1.0 && args.threshold <= 1.0))
    throw ConfigError("--threshold: must be a cosine similarity in [-1, 1], got " + number_text(args.threshold));

  TrainedRun run = open_run(args.explore.run, global.quiet);
  TerminalProgress bar(global.quiet);
  StopToken stop;
  InterruptScope interrupt(stop);
  const SplitFeatures features = explore_features(run, args.explore, bar.callbacks(), stop);
  const torch::Tensor x = features.features(args.explore.features);

  DuplicateOptions options;
  options.threshold = args.threshold;
  options.index = args.index;
  options.neighbours = args.neighbours;
  const DuplicateResult result = find_near_duplicates(x.to(run.device), options, bar.callbacks(), stop);

  const bool labelled = has_labels(features);
  const torch::Tensor labels = features.labels.to(torch::kCPU, torch::kLong).contiguous();
  const auto label_of = [&](int64_t row) { return labels[row].item<int64_t>(); };

  nlohmann::json json = explore_header(run, args.explore, features);
  json["command"] = "duplicates";
  json["settings"] = {{"threshold", options.threshold},
                      {"index", result.index},
                      {"neighbours", result.index == "exact" ? nlohmann::json() : nlohmann::json(options.neighbours)},
                      {"max_block_elements", options.max_block_elements},
                      {"max_pairwise_members", options.max_pairwise_members},
                      {"max_kept_pairs", options.max_kept_pairs}};
  json["groups_found"] = result.groups.size();
  json["images_in_groups"] = result.images_in_groups;
  json["linking_pairs"] = result.linking_pairs;
  json["pairs_truncated"] = result.pairs_truncated;
  json["seconds"] = result.seconds;
  nlohmann::json groups = nlohmann::json::array();
  for (size_t g = 0; g < result.groups.size(); ++g) {
    const DuplicateGroup& group = result.groups[g];
    nlohmann::json pairs = nlohmann::json::array();
    for (const DuplicatePair& p : group.pairs) pairs.push_back({p.a, p.b, p.similarity});
    nlohmann::json entry = {{"group", g},
                            {"members", group.members},
                            {"best_similarity", group.best},
                            {"min_linking_similarity", group.min_link},
                            {"all_pairs", group.all_pairs},
                            {"pairs", pairs}};
    if (labelled) {
      std::vector<int64_t> member_labels;
      for (const int64_t m : group.members) member_labels.push_back(label_of(m));
      entry["labels"] = member_labels;
    }
    groups.push_back(std::move(entry));
  }
  json["groups"] = std::move(groups);
  const std::string stem = "duplicates-" + args.explore.split + "-" + args.explore.features;
  const auto dir = write_explore_result(run, stem, std::move(json), duplicates_csv(result, features));

  std::printf(
      "%zu near-duplicate groups (%lld images) among %lld %s images at cosine similarity >= %s of %s "
      "features; %lld linking pairs%s, %s search, %.2f s\n",
      result.groups.size(), static_cast<long long>(result.images_in_groups), static_cast<long long>(x.size(0)),
      split_name(args.explore.split).c_str(), number_text(args.threshold).c_str(), args.explore.features.c_str(),
      static_cast<long long>(result.linking_pairs), result.pairs_truncated ? " (only the first kept in the JSON)" : "",
      result.index.c_str(), result.seconds);
  for (size_t g = 0; g < result.groups.size() && g < kGroupsShown; ++g) {
    const DuplicateGroup& group = result.groups[g];
    const float top = *std::max_element(group.best.begin(), group.best.end());
    std::printf("group %zu: %zu images (similarity %.4f..%.4f): %s\n", g, group.members.size(), group.min_link, top,
                members_text(group.members, features.files.empty() ? 12 : 4, features).c_str());
  }
  if (result.groups.size() > kGroupsShown)
    std::printf("... %zu more groups in the files\n", result.groups.size() - kGroupsShown);
  std::printf("groups:   %s\nsettings: %s\n", (dir / (stem + ".csv")).c_str(), (dir / (stem + ".json")).c_str());
}

}  // namespace

void register_duplicates_command(CLI::App& root, const GlobalOptions& global) {
  static DuplicatesArgs args;
  auto* cmd = root.add_subcommand(
      "duplicates",
      "Near-duplicate groups: images whose embeddings have a cosine similarity >= --threshold, linked into groups; "
      "saved as <run>/explore/duplicates-<split>-<features>.json and .csv");
  add_explore_args(cmd, args.explore);
  cmd->add_option("--threshold", args.threshold,
                  "Cosine similarity in [-1, 1] at or above which two images are duplicates. The default was "
                  "chosen with copies planted in CIFAR-10 and Fashion-MNIST on early runs' h features, for no false "
                  "groups: it finds exact copies, and slightly changed ones less often; lower it for a well-trained "
                  "encoder and check the groups")
      ->capture_default_str();
  cmd->add_option("--index", args.index,
                  "How pairs are found: exact (every pair, brute force), flat (FAISS, exact k nearest), hnsw and ivf (FAISS, "
                  "approximate k nearest: a graph, or inverted lists), auto (exact up to " +
                      std::to_string(kExactDuplicateSearchAtMost) + " images, ivf above)")
      ->capture_default_str();
  cmd->add_option("--neighbours", args.neighbours, "flat/hnsw/ivf: nearest images searched per image")
      ->capture_default_str();
  cmd->callback([&global] { run_duplicates(args, global); });
}

}  // namespace simclr::cli
