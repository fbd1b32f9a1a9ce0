#pragma once
// The parts of a run that training and later analysis must build identically: the model
// from the project's config, the dataset with the project's limits, and the channel
// statistics from the cache beside the run folders. The trainer and open_trained_run()
// both call these, so an analysed model sees exactly the inputs it was trained on.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/data/channel_stats.h"
#include "engine/data/image_dataset.h"
#include "engine/models/simclr_model.h"
#include "engine/project/project_config.h"

namespace simclr {

// The SimCLR model the project describes (encoder + projection head), freshly initialised
// from torch's global generator, on the CPU. `channels` = the dataset's image channels;
// `image_size` = the side of the images the model sees, i.e. the augmentation's output size
// for the dataset's images (AugmentPipeline::output_size), which fixes a ViT's token grid
// (ResNets take any size and ignore it; 0 = unknown, which a ViT refuses). Throws
// ConfigError for a model the project cannot build (a ViT whose patch size does not divide
// image_size, ...).
SimCLRModel build_model(const ProjectConfig& project, int64_t channels, int64_t image_size = 0);

// Converts the 4-D parameters (convolution weights) to channels-last memory format.
void to_channels_last(torch::nn::Module& module);

// Where the channel statistics of a dataset are cached for the runs under `runs_root`.
std::filesystem::path channel_stats_cache_file(const std::filesystem::path& runs_root, const std::string& dataset_name);

struct RunData {
  std::filesystem::path data_dir;     // the folder the dataset was read from
  DatasetSplits data;                 // dataset.train_limit / test_limit applied
  ChannelStats stats;                 // of data.train
  std::vector<std::string> warnings;  // for the run's log: image-folder files skipped as unreadable
};

// Locates (configured path relative to `base_dir`, then the usual search places) and loads
// the project's dataset (image-folder: with dataset.image_size and dataset.on_unreadable,
// through its decoded-image cache), applies its class-balanced limits and reads or computes
// the channel statistics through the cache under `runs_root`. Throws ConfigError/DataError.
RunData load_run_data(const ProjectConfig& project, const std::filesystem::path& base_dir,
                      const std::filesystem::path& runs_root);

}  // namespace simclr
