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

namespace simclr::cli {

struct ExploreArgs {
  RunArgs run;
  std::string split = "test";
  std::string features = "h";
};

// RUN, --checkpoint, --device, --threads, --batch-size, --no-cache, --split, --features.
void add_explore_args(CLI::App* cmd, ExploreArgs& args);
// Throws ConfigError for a --split or --features that is not one of the choices.
void check_explore_args(const ExploreArgs& args);

// True when the split has labels worth comparing with (two or more classes, none < 0).
bool has_labels(const SplitFeatures& features);

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
