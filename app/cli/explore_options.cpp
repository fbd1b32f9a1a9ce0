#include "app/cli/explore_options.h"

#include <system_error>

#include <torch/torch.h>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"

namespace simclr::cli {

namespace fs = std::filesystem;

void add_explore_args(CLI::App* cmd, ExploreArgs& args) {
  add_run_args(cmd, args.run);
  cmd->add_option("--split", args.split,
                  "train, test or all (both, train first); default: all for an unlabelled dataset, else test");
  cmd->add_option("--features", args.features, "h (backbone) or z (projection head)")->capture_default_str();
}

void check_explore_args(const ExploreArgs& args) {
  if (!args.split.empty()) check_choice("--split", args.split, "train|test|all");
  check_choice("--features", args.features, "h|z");
}

SplitFeatures explore_features(TrainedRun& run, ExploreArgs& args, const JobCallbacks& callbacks,
                               const StopToken& stop) {
  args.split = explore_split(run, args.split);
  return collection_features(run, args.split, feature_options(run, args.run), callbacks, stop);
}

std::string split_name(const std::string& split) {
  return split == "all" ? "train + test" : split;
}

nlohmann::json explore_header(const TrainedRun& run, const ExploreArgs& args, const SplitFeatures& features) {
  const torch::Tensor& x = features.features(args.features);
  return {
      {"run", run.run_dir.string()},
      {"checkpoint", run.checkpoint.string()},
      {"step", run.step},
      {"dataset", run.data.name},
      {"split", args.split},
      {"features", args.features},
      {"feature_dim", x.size(1)},
      {"images", x.size(0)},
      {"labelled", has_labels(features)},
      {"class_names", features.class_names},
      {"similarity", "cosine of L2-normalised embeddings"},
      // Rows are indices into the split ("all": train rows, then test rows), in the order
      // the run's dataset reader gives (project train_limit/test_limit applied); an image
      // folder's rows also have their file in the CSV's path column.
      {"rows", args.split == "all"
                   ? "index = row of train, then of test (from " + std::to_string(run.data.train.size()) + ")"
                   : "index = row of the split"},
      {"dataset_folder", run.data.root.string()},
  };
}

fs::path write_explore_result(const TrainedRun& run, const std::string& stem, nlohmann::json result,
                              const std::string& csv) {
  const fs::path dir = run.run_dir / "explore";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw IoError("cannot create " + dir.string() + ": " + ec.message());
  result["csv"] = stem + ".csv";
  // The CSV first: a JSON on disk always names a complete CSV of the same or a later run.
  write_file_atomically(dir / (stem + ".csv"), csv);
  write_file_atomically(dir / (stem + ".json"), result.dump(1) + "\n");
  return dir;
}

}  // namespace simclr::cli
