#include "app/cli/explore_options.h"

#include <system_error>

#include <torch/torch.h>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"

namespace simclr::cli {

namespace fs = std::filesystem;

void add_explore_args(CLI::App* cmd, ExploreArgs& args) {
  add_run_args(cmd, args.run);
  cmd->add_option("--split", args.split, "train or test")->capture_default_str();
  cmd->add_option("--features", args.features, "h (backbone) or z (projection head)")->capture_default_str();
}

void check_explore_args(const ExploreArgs& args) {
  check_choice("--split", args.split, "train|test");
  check_choice("--features", args.features, "h|z");
}

bool has_labels(const SplitFeatures& features) {
  return features.labels.defined() && features.labels.numel() > 0 && features.class_names.size() >= 2 &&
         features.labels.min().item<int64_t>() >= 0;
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
      // Built-in datasets have no file paths: rows are indices into the split, in the
      // order the run's dataset reader gives (project train_limit/test_limit applied).
      {"rows", "index = row of the split"},
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
