#pragma once
// What the explore commands (duplicates, outliers, select, clusters) share: the run, split
// and feature options, opening the run with its features, the JSON header every result
// starts with, and writing a result's JSON + CSV into <run>/explore/ atomically.
#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "app/cli/analysis_options.h"
#include "app/cli/cli_command.h"
#include "engine/analysis/explore_csv.h"

namespace simclr::cli {

struct ExploreArgs {
  RunArgs run;
  std::string split;  // train | test | all; empty = all for an unlabelled dataset, else test
  std::string features = "h";
};

// RUN, --checkpoint, --device, --threads, --batch-size, --no-cache, --split, --features.
void add_explore_args(CLI::App* cmd, ExploreArgs& args);
// Throws ConfigError for a --split or --features that is not one of the choices.
void check_explore_args(const ExploreArgs& args);

// The rows the commands work on: one split, or "all" (train then test, numbered in that
// order). An empty args.split becomes "all" for an unlabelled dataset (its held-out split is
// only a draw from the same collection) and "test" otherwise.
SplitFeatures explore_features(TrainedRun& run, ExploreArgs& args, const JobCallbacks& callbacks,
                               const StopToken& stop);

// The split as messages name it: "train", "test", or "train + test" for "all".
std::string split_name(const std::string& split);

// Run, checkpoint, step, dataset, split, features and their size: what a result is about.
nlohmann::json explore_header(const TrainedRun& run, const ExploreArgs& args, const SplitFeatures& features);

// Writes <run>/explore/<stem>.csv and then <run>/explore/<stem>.json, each atomically,
// the JSON naming the CSV; returns the folder. Throws IoError.
std::filesystem::path write_explore_result(const TrainedRun& run, const std::string& stem, nlohmann::json result,
                                           const std::string& csv);

// Registration of the four commands (called from main()).
void register_duplicates_command(CLI::App& root, const GlobalOptions& global);
void register_outliers_command(CLI::App& root, const GlobalOptions& global);
void register_select_command(CLI::App& root, const GlobalOptions& global);
void register_clusters_command(CLI::App& root, const GlobalOptions& global);

}  // namespace simclr::cli
