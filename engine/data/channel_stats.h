#pragma once
// Per-channel mean and standard deviation of a training set, for input normalisation.
#include <filesystem>
#include <string>
#include <vector>

#include "engine/data/image_dataset.h"

namespace simclr {

// Per channel, with pixels scaled to [0, 1]. `std` is the population standard deviation
// (divided by the number of pixels, not by one less).
struct ChannelStats {
  std::vector<double> mean, std;
};

// Exact: per-channel 256-bin histograms counted straight from the uint8 images (no float
// copy of the data), then the sums in exact integer arithmetic; the result is within one
// rounding of the true value.
ChannelStats compute_channel_stats(const ImageDataset& train);

// Reads the stats from `cache_file` when its key (dataset name, size, shape and
// dataset_fingerprint()) matches `train`; otherwise, or when the file is missing or
// corrupt, computes them and rewrites the file atomically. A cache that cannot be written
// is not an error. `from_cache` (optional) tells which happened.
ChannelStats load_or_compute_channel_stats(const ImageDataset& train, const std::string& dataset_name,
                                           const std::filesystem::path& cache_file, bool* from_cache = nullptr);

}  // namespace simclr
