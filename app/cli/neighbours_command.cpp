// simclr-cli neighbours RUN (--query INDEX | --all): nearest neighbours by cosine similarity
// of a run's embeddings, with their labels and precision@k (the share of neighbours with
// the query's label); --all gives the mean precision@k over the whole split, per class too.
#include <cmath>
#include <cstdio>
#include <limits>

#include <torch/torch.h>

#include "app/cli/analysis_options.h"
#include "app/cli/cli_command.h"
#include "app/cli/interrupt_scope.h"
#include "app/cli/terminal_progress.h"
#include "engine/core/error.h"
#include "engine/eval/neighbour_search.h"

namespace simclr::cli {

namespace {

constexpr int64_t kNoQuery = std::numeric_limits<int64_t>::min();  // --query not given

struct NeighboursArgs {
  RunArgs run;
  int64_t query = kNoQuery;
  bool all = false;
  std::string split = "test";
  std::string bank;  // empty = the query's split
  std::string features = "h";
  int64_t k = 10;
};

std::string class_name(const std::vector<std::string>& names, int64_t label) {
  return label >= 0 && label < static_cast<int64_t>(names.size()) ? names[static_cast<size_t>(label)]
                                                                  : std::to_string(label);
}

void print_query(const NeighboursArgs& args, const std::string& bank_split, const SplitFeatures& queries,
                 const std::vector<Neighbour>& neighbours) {
  if (queries.class_names.empty()) {  // an unlabelled dataset: similarities only
    std::printf("query: %s #%lld (no labels)\n%lld nearest in %s by cosine similarity of %s features%s:\n",
                args.split.c_str(), static_cast<long long>(args.query), static_cast<long long>(args.k),
                bank_split.c_str(), args.features.c_str(), bank_split == args.split ? " (the query excluded)" : "");
    std::printf("%5s %8s %11s\n", "rank", "index", "similarity");
    int64_t rank = 0;
    for (const Neighbour& n : neighbours)
      std::printf("%5lld %8lld %11.4f\n", static_cast<long long>(++rank), static_cast<long long>(n.index),
                  n.similarity);
    return;
  }
  const int64_t label = queries.labels[args.query].item<int64_t>();
  std::printf("query: %s #%lld, label %lld (%s)\n", args.split.c_str(), static_cast<long long>(args.query),
              static_cast<long long>(label), class_name(queries.class_names, label).c_str());
  std::printf("%lld nearest in %s by cosine similarity of %s features%s:\n", static_cast<long long>(args.k),
              bank_split.c_str(), args.features.c_str(), bank_split == args.split ? " (the query excluded)" : "");
  std::printf("%5s %8s %11s %6s  %s\n", "rank", "index", "similarity", "label", "class");
  int64_t rank = 0;
  for (const Neighbour& n : neighbours)
    std::printf("%5lld %8lld %11.4f %6lld  %-12s%s\n", static_cast<long long>(++rank), static_cast<long long>(n.index),
                n.similarity, static_cast<long long>(n.label), class_name(queries.class_names, n.label).c_str(),
                n.label == label ? " *" : "");
  const double p = precision_at_k(neighbours, label);
  std::printf("precision@%lld: %.4f (%lld of %lld neighbours share the query's label, marked *)\n",
              static_cast<long long>(args.k), p, static_cast<long long>(std::llround(p * args.k)),
              static_cast<long long>(args.k));
}

void print_all(const NeighboursArgs& args, const std::string& bank_split, const SplitFeatures& queries,
               const NeighbourTable& table) {
  const torch::Tensor per_query = precision_at_k(table, queries.labels);  // double [Q]
  std::printf(
      "mean precision@%lld over %lld %s queries, neighbours in %s%s by cosine similarity of %s features: "
      "%.4f\n",
      static_cast<long long>(args.k), static_cast<long long>(table.queries()), args.split.c_str(), bank_split.c_str(),
      bank_split == args.split ? " (each query excluded)" : "", args.features.c_str(), per_query.mean().item<double>());
  std::printf("%-14s %8s %12s\n", "class", "queries", "precision@k");
  const auto y = queries.labels.to(torch::kLong);
  const int64_t classes =
      std::max<int64_t>(static_cast<int64_t>(queries.class_names.size()), y.numel() ? y.max().item<int64_t>() + 1 : 0);
  for (int64_t c = 0; c < classes; ++c) {
    const auto mask = y.eq(c);
    const int64_t count = mask.sum().item<int64_t>();
    if (count == 0) continue;
    std::printf("%-14s %8lld %12.4f\n", class_name(queries.class_names, c).c_str(), static_cast<long long>(count),
                per_query.masked_select(mask).mean().item<double>());
  }
}

void run_neighbours(NeighboursArgs args, const GlobalOptions& global) {
  if (args.bank.empty()) args.bank = args.split;
  check_choice("--split", args.split, "train|test");
  check_choice("--bank", args.bank, "train|test");
  check_choice("--features", args.features, "h|z");
  if (args.all == (args.query != kNoQuery)) throw ConfigError("neighbours: give either --query INDEX or --all");
  if (!args.all && args.query < 0)
    throw ConfigError("--query: must be an index >= 0, got " + std::to_string(args.query));
  if (args.k < 1) throw ConfigError("-k: must be >= 1, got " + std::to_string(args.k));

  TrainedRun run = open_run(args.run, global.quiet);
  TerminalProgress bar(global.quiet);
  StopToken stop;
  InterruptScope interrupt(stop);
  const SplitFeatures queries = split_features(run, args.run, args.split, bar.callbacks(), stop);
  const bool same = args.bank == args.split;
  const SplitFeatures bank = same ? queries : split_features(run, args.run, args.bank, bar.callbacks(), stop);
  if (args.query >= queries.labels.size(0))
    throw ConfigError("--query: index " + std::to_string(args.query) + " is out of range: the " + args.split +
                      " split has " + std::to_string(queries.labels.size(0)) + " images (0.." +
                      std::to_string(queries.labels.size(0) - 1) + ")");
  if (args.all && queries.class_names.empty())
    throw ConfigError("neighbours --all: precision@k needs labels, and " + run.run_dir.string() +
                      " was trained on an unlabelled dataset; ask for one image's neighbours with --query INDEX, or "
                      "see `simclr-cli duplicates` and `outliers`");
  const int64_t candidates = bank.labels.size(0) - (same ? 1 : 0);
  if (args.k > candidates)
    throw ConfigError("-k: " + std::to_string(args.k) + " neighbours asked for, but the " + args.bank + " bank has " +
                      std::to_string(candidates) + " candidates");

  // The bank lives on the run's device: on a GPU the whole-split search runs there.
  const NeighbourIndex index(bank.features(args.features).to(run.device), bank.labels);
  if (args.all) {
    const NeighbourTable table =
        same ? index.search_self(args.k, true, {}, bar.callbacks(), stop)
             : index.search(queries.features(args.features), args.k, {}, {}, bar.callbacks(), stop);
    print_all(args, args.bank, queries, table);
  } else {
    const auto neighbours =
        same ? index.query(args.query, args.k, true) : index.query(queries.features(args.features)[args.query], args.k);
    print_query(args, args.bank, queries, neighbours);
  }
}

}  // namespace

void register_neighbours_command(CLI::App& root, const GlobalOptions& global) {
  static NeighboursArgs args;
  auto* cmd = root.add_subcommand("neighbours",
                                  "Nearest neighbours of an image by cosine similarity of the run's embeddings, "
                                  "with precision@k; --all: mean precision@k over the split");
  add_run_args(cmd, args.run);
  cmd->add_option("--query", args.query, "Index of the query image in --split");
  cmd->add_flag("--all", args.all, "Every image of --split as a query: mean precision@k, overall and per class");
  cmd->add_option("--split", args.split, "Split of the query: train or test")->capture_default_str();
  cmd->add_option("--bank", args.bank,
                  "Split searched: train or test (default: the query's split, without the query itself)");
  cmd->add_option("--features", args.features, "h (backbone) or z (projection head)")->capture_default_str();
  cmd->add_option("-k", args.k, "Number of neighbours")->capture_default_str();
  cmd->callback([&global] { run_neighbours(args, global); });
}

}  // namespace simclr::cli
