#pragma once
// An in-memory labelled image set: the common currency of the data area. Readers produce
// it, augmentations and trainers consume it. Pixels stay uint8 on the CPU (CIFAR-10's
// 60 000 images take 184 MB this way, four times less than float).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <torch/types.h>

namespace simclr {

struct ImageDataset {
  torch::Tensor images;                  // uint8 [N, C, H, W], contiguous, CPU
  torch::Tensor labels;                  // int64 [N], each in [0, class_names.size())
  std::vector<std::string> class_names;  // index = label

  int64_t size() const;
  int64_t channels() const;
  int64_t height() const;
  int64_t width() const;
  int64_t num_classes() const { return static_cast<int64_t>(class_names.size()); }

  // The images at `indices` (int64 [K], any order, repeats allowed), copied. Throws
  // ConfigError when an index is out of range.
  ImageDataset subset(const torch::Tensor& indices) const;

  // Number of images of each class, one entry per class name.
  std::vector<int64_t> class_counts() const;

  // First `per_class` images of each class, in dataset order (fixed, class-balanced
  // subset). A class with fewer images contributes all it has.
  ImageDataset balanced_subset(int64_t per_class) const;

  // A class-balanced subset of about `total` images (total / classes per class); the
  // whole split when total <= 0 or total >= size(). For project limits and monitor sets.
  ImageDataset limited_to(int64_t total) const;

  // Throws DataError(`what` + problem) when shapes, dtypes or labels are inconsistent.
  void check(const std::string& what) const;
};

// A dataset on disk after loading: both splits and where they came from.
struct DatasetSplits {
  std::string name;            // "cifar10", "fashion-mnist", "mnist"
  std::filesystem::path root;  // the folder the files were read from
  ImageDataset train;
  ImageDataset test;
};

// A cheap content fingerprint (16 hex digits): shape, labels and a sample of up to 64
// evenly spaced images. Equal datasets give equal fingerprints; used as a cache key.
std::string dataset_fingerprint(const ImageDataset& dataset);

}  // namespace simclr
