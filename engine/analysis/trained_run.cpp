#include "engine/analysis/trained_run.h"

#include <cctype>

#include <torch/torch.h>

#include "engine/augment/augment_pipeline.h"
#include "engine/core/device.h"
#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/project/run_folder.h"
#include "engine/train/checkpoint.h"
#include "engine/train/run_setup.h"

namespace simclr {

namespace fs = std::filesystem;

const ImageDataset& TrainedRun::split(const std::string& name) const {
  if (name == "train") return data.train;
  if (name == "test") return data.test;
  throw ConfigError("split '" + name + "': use train or test");
}

namespace {

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (!std::isdigit(c)) return false;
  return true;
}

fs::path checkpoint_to_load(const RunFolder& run, const std::string& checkpoint) {
  if (checkpoint.empty()) {
    const fs::path latest = run.latest_checkpoint();
    if (latest.empty()) throw DataError(run.dir().string() + ": the run has no checkpoint yet");
    return latest;
  }
  const fs::path file = all_digits(checkpoint) ? run.checkpoint_file(std::stoll(checkpoint)) : fs::path(checkpoint);
  if (!fs::exists(file))
    throw DataError("checkpoint '" + checkpoint + "': " + file.string() + " does not exist" +
                    (all_digits(checkpoint) ? " (no checkpoint at that step)" : ""));
  return file;
}

}  // namespace

TrainedRun open_trained_run(const fs::path& run_dir, const std::string& checkpoint, const std::string& device) {
  std::error_code ec;
  if (!fs::is_directory(run_dir, ec)) throw DataError(run_dir.string() + ": no such run folder");
  const RunFolder folder(fs::absolute(run_dir));
  TrainedRun run;
  run.run_dir = folder.dir();
  try {
    run.config = folder.read_config();  // the resolved config: the device profile is already merged
  } catch (const ConfigError& e) {
    throw DataError(e.what());  // a run folder without a readable config is bad data, not a bad setting
  }
  // What an analysis or a training killed while writing here left behind (atomic_file.h).
  remove_abandoned_temporaries(run.run_dir);
  run.checkpoint = checkpoint_to_load(folder, checkpoint);
  run.device = resolve_device(device);

  // Runs live in <runs root>/<name>/; by default the runs root is runs/ beside the project
  // file, so a relative dataset.path resolves against the runs root's parent. The trainer's
  // channel statistics cache is in the runs root.
  const fs::path runs_root = run.run_dir.parent_path();
  RunData inputs = load_run_data(run.config, runs_root.parent_path(), runs_root);
  run.data = std::move(inputs.data);
  run.stats = std::move(inputs.stats);
  run.image_size = AugmentPipeline::from_json(run.config.augmentation).output_size(run.data.train.height());

  // Built on the CPU and loaded there (checkpoints are loaded onto the device they were
  // saved from), then moved: the order the trainer's resume uses, minus the optimizer.
  run.model = build_model(run.config, run.data.train.channels(), run.image_size);
  load_run_checkpoint(run, run.checkpoint);
  return run;
}

void load_run_checkpoint(TrainedRun& run, const fs::path& checkpoint) {
  run.model->to(torch::kCPU);
  run.step = load_checkpoint(checkpoint, run.model, nullptr).step;
  run.checkpoint = checkpoint;
  run.model->to(run.device);
  if (run.config.training.channels_last) to_channels_last(*run.model);
  run.model->eval();
}

void TrainedRun::require_labels(const std::string& what) const {
  if (data.train.labelled()) return;
  throw ConfigError(what + " needs class labels, and " + run_dir.string() + " was trained on " + data.root.string() +
                    " without labels (dataset.labels); label-free views of it: pair retrieval in the monitor, "
                    "clusters, duplicates, outliers, nearest neighbours");
}

}  // namespace simclr
