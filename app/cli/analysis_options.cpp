#include "app/cli/analysis_options.h"

#include <cstdio>
#include <sstream>

#include "engine/core/device.h"
#include "engine/core/error.h"

namespace simclr::cli {

void add_run_args(CLI::App* cmd, RunArgs& args) {
  cmd->add_option("RUN", args.run, "Run folder (made by simclr-cli train)")->required();
  cmd->add_option("--checkpoint", args.checkpoint, "Checkpoint: a step number or a file (default: the latest)");
  cmd->add_option("--device", args.device, "cpu, cuda, cuda:N or auto")->capture_default_str();
  cmd->add_option("--threads", args.threads, "CPU threads (0 = all cores)")->capture_default_str();
  cmd->add_option("--batch-size", args.batch_size, "Feature extraction batch size (default: the run's)");
  cmd->add_flag("--no-cache", args.no_cache, "Extract features again instead of using <run>/features/");
}

void check_choice(const std::string& option, const std::string& value, const std::string& allowed) {
  std::istringstream in(allowed);
  std::string choice;
  while (std::getline(in, choice, '|'))
    if (choice == value) return;
  throw ConfigError(option + ": '" + value + "' is not one of " + allowed);
}

TrainedRun open_run(const RunArgs& args, bool quiet) {
  if (args.threads < 0) throw ConfigError("--threads: must be >= 0");
  if (args.batch_size < 0) throw ConfigError("--batch-size: must be >= 1");
  configure_threads(args.threads);
  TrainedRun run = open_trained_run(args.run, args.checkpoint, args.device);
  if (!quiet)
    std::fprintf(stderr, "run %s, checkpoint step %lld, %s\n", run.run_dir.c_str(), static_cast<long long>(run.step),
                 describe_device(run.device).c_str());
  return run;
}

FeatureOptions feature_options(const TrainedRun& run, const RunArgs& args) {
  FeatureOptions options;
  options.batch_size = args.batch_size > 0 ? args.batch_size : run.config.evaluation.batch_size;
  options.use_cache = !args.no_cache;
  return options;
}

SplitFeatures split_features(TrainedRun& run, const RunArgs& args, const std::string& split,
                             const JobCallbacks& callbacks, const StopToken& stop) {
  return run_features(run, split, feature_options(run, args), callbacks, stop);
}

}  // namespace simclr::cli
