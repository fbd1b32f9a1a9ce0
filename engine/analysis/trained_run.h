#pragma once
// A finished (or stopped) run opened for analysis: its resolved config, the model restored
// from one of its checkpoints, its dataset and the channel statistics it was trained with.
// Everything that evaluates a run (CLI embed/evaluate/tsne/neighbours/export, the GUI's
// panels) starts here.
#include <filesystem>
#include <string>

#include <torch/types.h>

#include "engine/data/channel_stats.h"
#include "engine/data/image_dataset.h"
#include "engine/models/simclr_model.h"
#include "engine/project/project_config.h"

namespace simclr {

struct TrainedRun {
  std::filesystem::path run_dir;
  std::filesystem::path checkpoint;  // the file the weights came from
  int64_t step = 0;                  // its step
  ProjectConfig config;              // the run's resolved config (config.json)
  SimCLRModel model{nullptr};        // in eval mode, on `device`
  torch::Device device = torch::kCPU;
  DatasetSplits data;      // train_limit/test_limit of the config applied
  ChannelStats stats;      // as used in training
  int64_t image_size = 0;  // the size the model saw in training (augmentation output)

  // The split by name: "train" or "test". Throws ConfigError for anything else.
  const ImageDataset& split(const std::string& name) const;

  // Throws ConfigError saying that `what` needs class labels when the run's dataset has none.
  void require_labels(const std::string& what) const;
};

// checkpoint: empty = the run's latest, a number = that step, else a file path.
// device: "auto", "cpu", "cuda", "cuda:N". Throws DataError when the run folder, its
// config or the checkpoint is missing or unreadable.
TrainedRun open_trained_run(const std::filesystem::path& run_dir, const std::string& checkpoint = "",
                            const std::string& device = "auto");

// Loads another checkpoint file of the same run into run.model (its data stay), updating
// run.checkpoint and run.step. Throws DataError for an unreadable checkpoint.
void load_run_checkpoint(TrainedRun& run, const std::filesystem::path& checkpoint);

}  // namespace simclr
