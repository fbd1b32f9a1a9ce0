#pragma once
// What the analysis commands (tsne, neighbours, export) share: choosing a run, a checkpoint,
// a device, a split and a feature kind; opening the run and its (cached) features with a
// progress bar.
#include <string>

#include <CLI/CLI.hpp>

#include "engine/core/job.h"
#include "engine/analysis/run_features.h"
#include "engine/analysis/trained_run.h"

namespace simclr::cli {

struct RunArgs {
  std::string run;
  std::string checkpoint;  // empty = latest
  std::string device = "auto";
  int threads = 0;         // 0 = all cores
  int64_t batch_size = 0;  // feature extraction; 0 = the run's evaluation batch size
  bool no_cache = false;
};

// RUN, --checkpoint, --device, --threads, --batch-size, --no-cache.
void add_run_args(CLI::App* cmd, RunArgs& args);

// Throws ConfigError naming `option` unless value is one of `allowed` ("train|test").
void check_choice(const std::string& option, const std::string& value, const std::string& allowed);

// Sets the thread count, opens the run (DataError when missing) and says what was opened.
TrainedRun open_run(const RunArgs& args, bool quiet);

// --batch-size (else the run's evaluation batch size) and --no-cache as FeatureOptions.
FeatureOptions feature_options(const TrainedRun& run, const RunArgs& args);
// The split's features, from the run's cache or extracted with progress.
SplitFeatures split_features(TrainedRun& run, const RunArgs& args, const std::string& split,
                             const JobCallbacks& callbacks, const StopToken& stop);

}  // namespace simclr::cli
