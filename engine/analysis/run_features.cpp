#include "engine/analysis/run_features.h"

#include <chrono>
#include <cstdio>

#include <torch/torch.h>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/data/image_stream.h"
#include "engine/eval/feature_extractor.h"
#include "engine/train/checkpoint.h"

namespace simclr {

namespace fs = std::filesystem;

const torch::Tensor& SplitFeatures::features(const std::string& which) const {
  if (which == "h") return h;
  if (which == "z") return z;
  throw ConfigError("features '" + which + "': use h (backbone) or z (projection)");
}

fs::path feature_cache_file(const fs::path& run_dir, int64_t step, const std::string& split) {
  char name[64];
  std::snprintf(name, sizeof name, "step-%08lld-", static_cast<long long>(step));
  return run_dir / "features" / (name + split + ".pt");
}

namespace {

constexpr int64_t kCacheVersion = 1;

// What ties a cache file to the weights it came from besides the step: the checkpoint's
// size, so that a checkpoint given by path from another run at the same step is not
// mistaken for this run's.
int64_t checkpoint_bytes(const TrainedRun& run) {
  std::error_code ec;
  const auto size = fs::file_size(run.checkpoint, ec);
  return ec ? -1 : static_cast<int64_t>(size);
}

// The cached features when the file matches (step, checkpoint, N, labels); false otherwise.
bool read_cache(const fs::path& file, const TrainedRun& run, const ImageDataset& split, SplitFeatures& out) {
  if (!fs::exists(file)) return false;
  // A damaged cache is recomputed; the check keeps LibTorch's reader away from what it trusts.
  if (!archive_damage(file).empty()) return false;
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(file.string());
    torch::Tensor version, step, bytes, h, z, labels;
    archive.read("version", version);
    archive.read("step", step);
    archive.read("checkpoint_bytes", bytes);
    archive.read("h", h);
    archive.read("z", z);
    archive.read("labels", labels);
    const int64_t n = split.size();
    if (version.item<int64_t>() != kCacheVersion || step.item<int64_t>() != run.step ||
        bytes.item<int64_t>() != checkpoint_bytes(run))
      return false;
    if (h.dim() != 2 || z.dim() != 2 || h.size(0) != n || z.size(0) != n || labels.dim() != 1 || labels.size(0) != n ||
        labels.scalar_type() != torch::kLong || !torch::equal(labels, split.labels))
      return false;
    if (h.size(1) != run.model->encoder->feature_dim() || z.size(1) != run.model->head->output_dim()) return false;
    out.h = h.to(torch::kFloat);
    out.z = z.to(torch::kFloat);
    out.labels = labels;
    return true;
  } catch (const std::exception&) {  // c10::Error and LibTorch's own: unreadable or an older layout
    return false;                    // recompute
  }
}

void write_cache(const fs::path& file, const TrainedRun& run, const SplitFeatures& f) {
  fs::create_directories(file.parent_path());
  write_atomically_with(file, [&](const fs::path& tmp) {
    torch::serialize::OutputArchive archive;
    archive.write("version", torch::tensor(kCacheVersion));
    archive.write("step", torch::tensor(run.step));
    archive.write("checkpoint_bytes", torch::tensor(checkpoint_bytes(run)));
    archive.write("h", f.h);
    archive.write("z", f.z);
    archive.write("labels", f.labels);
    archive.save_to(tmp.string());
  });
}

}  // namespace

SplitFeatures run_features(TrainedRun& run, const std::string& split_name, const FeatureOptions& options,
                           const JobCallbacks& callbacks, const StopToken& stop) {
  const ImageDataset& split = run.split(split_name);  // ConfigError for an unknown split
  if (options.batch_size < 1) throw ConfigError("feature batch size: must be >= 1");
  SplitFeatures out;
  out.split = split_name;
  out.step = run.step;
  out.class_names = split.class_names;
  out.files = split.files;
  const fs::path file = feature_cache_file(run.run_dir, run.step, split_name);
  if (options.use_cache && read_cache(file, run, split, out)) {
    out.from_cache = true;
    callbacks.log(LogLevel::Info, "features of " + split_name + " read from " + file.string());
    return out;
  }

  EmbedOptions embed;
  embed.batch_size = options.batch_size;
  embed.device = run.device;
  embed.mean = run.stats.mean;
  embed.std = run.stats.std;
  embed.image_size = run.image_size;
  embed.channels_last = run.config.training.channels_last;
  embed.stage = "embed " + split_name;
  const Embeddings e = embed_dataset(run.model, split, embed, callbacks, stop);
  const int64_t n = split.size();
  // embed_images returns undefined tensors for an empty split; keep the documented shapes.
  out.h = e.h.defined() ? e.h.to(torch::kCPU).contiguous()
                        : torch::zeros({n, run.model->encoder->feature_dim()}, torch::kFloat);
  out.z = e.z.defined() ? e.z.to(torch::kCPU).contiguous()
                        : torch::zeros({n, run.model->head->output_dim()}, torch::kFloat);
  out.labels = split.labels.clone();

  if (options.use_cache) {
    try {
      write_cache(file, run, out);
    } catch (const std::exception& ex) {  // a read-only run folder still gets its features
      callbacks.log(LogLevel::Warning, std::string("feature cache not written: ") + ex.what());
    }
  }
  return out;
}

std::string explore_split(const TrainedRun& run, const std::string& split) {
  if (!split.empty()) return split;
  return run.data.train.labelled() ? "test" : "all";
}

SplitFeatures collection_features(TrainedRun& run, const std::string& split, const FeatureOptions& options,
                                  const JobCallbacks& callbacks, const StopToken& stop) {
  const std::string which = explore_split(run, split);
  if (which != "all") return run_features(run, which, options, callbacks, stop);
  const SplitFeatures train = run_features(run, "train", options, callbacks, stop);
  const SplitFeatures test = run_features(run, "test", options, callbacks, stop);
  SplitFeatures all = train;
  all.split = "all";
  all.h = torch::cat({train.h, test.h});
  all.z = torch::cat({train.z, test.z});
  all.labels = torch::cat({train.labels, test.labels});
  all.files.insert(all.files.end(), test.files.begin(), test.files.end());
  all.from_cache = train.from_cache && test.from_cache;
  return all;
}

ImageDataset collection_images(const TrainedRun& run, const std::string& split) {
  const std::string which = explore_split(run, split);
  if (which != "all") return run.split(which);
  ImageDataset all = run.data.train;
  if (run.data.train.streamed() || run.data.test.streamed()) {
    all.images = torch::Tensor();
    all.stream = std::make_shared<JoinedStream>(run.data.train.as_stream(), run.data.test.as_stream());
  } else {
    all.images = torch::cat({run.data.train.images, run.data.test.images});
  }
  all.labels = torch::cat({run.data.train.labels, run.data.test.labels});
  all.files.insert(all.files.end(), run.data.test.files.begin(), run.data.test.files.end());
  return all;
}

}  // namespace simclr
