#pragma once
// Features of a run's split (backbone h and projection z), extracted once per checkpoint
// and split and cached in the run folder: <run>/features/step-<8 digits>-<split>.pt.
// A cache file is used only when it matches the checkpoint's step, the split's size and
// its labels; anything else is recomputed and the cache rewritten atomically.
#include <filesystem>
#include <string>
#include <vector>

#include <torch/types.h>

#include "engine/core/job.h"
#include "engine/analysis/trained_run.h"

namespace simclr {

struct SplitFeatures {
  std::string split;     // "train" or "test"
  int64_t step = 0;      // checkpoint step
  torch::Tensor h;       // float [N, feature_dim], CPU
  torch::Tensor z;       // float [N, projection_dim], CPU
  torch::Tensor labels;  // int64 [N]
  std::vector<std::string> class_names;
  std::vector<std::string> files;  // image folders: each row's file under the dataset's folder
  bool from_cache = false;

  // "h" or "z". Throws ConfigError otherwise.
  const torch::Tensor& features(const std::string& which) const;
};

struct FeatureOptions {
  int64_t batch_size = 512;
  bool use_cache = true;  // read and write <run>/features/
};

// The cache file for (run, step, split).
std::filesystem::path feature_cache_file(const std::filesystem::path& run_dir, int64_t step, const std::string& split);

SplitFeatures run_features(TrainedRun& run, const std::string& split, const FeatureOptions& options = {},
                           const JobCallbacks& callbacks = {}, const StopToken& stop = {});

// What exploring a collection works on: "train", "test", or "all" (train rows, then test
// rows). "" picks "all" for an unlabelled dataset (its held-out split is only a draw from
// the same collection) and "test" otherwise; see explore_split().
std::string explore_split(const TrainedRun& run, const std::string& split);
SplitFeatures collection_features(TrainedRun& run, const std::string& split, const FeatureOptions& options = {},
                                  const JobCallbacks& callbacks = {}, const StopToken& stop = {});
// The images of those rows, in the same order.
ImageDataset collection_images(const TrainedRun& run, const std::string& split);

}  // namespace simclr
