#pragma once
// An in-memory image set, labelled or not: the common currency of the data area. Readers
// produce it, augmentations and trainers consume it. Pixels stay uint8 on the CPU (CIFAR-10's
// 60 000 images take 184 MB this way, four times less than float).
//
// An unlabelled set (a folder of someone's photos) has no class names and every label is
// kUnlabelled; whatever needs labels asks labelled() first and says why it cannot run.
//
// A set larger than memory streams: `images` is undefined and `stream` decodes images on
// demand (image_stream.h). gather() reads a batch from either; subset() of a streamed set
// decodes the images it picks, so the small sets derived from it (monitor, previews) are
// ordinary in-memory sets.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <torch/types.h>

namespace simclr {

class ImageStream;

constexpr int64_t kUnlabelled = -1;

struct ImageDataset {
  torch::Tensor images;                  // uint8 [N, C, H, W], contiguous, CPU
  torch::Tensor labels;                  // int64 [N] in [0, class_names.size()), or all kUnlabelled
  std::vector<std::string> class_names;  // index = label; empty for an unlabelled set
  std::vector<std::string> files;        // image folders: each image's path under the root; else empty
  std::shared_ptr<const ImageStream> stream;  // set when streamed: then `images` is undefined

  bool labelled() const { return !class_names.empty(); }
  bool streamed() const { return stream != nullptr; }

  // uint8 [K, C, H, W] of the images at `indices` (int64 [K], repeats allowed), in memory or
  // decoded from the stream. Throws ConfigError when an index is out of range.
  torch::Tensor gather(const torch::Tensor& indices) const;
  // The images in rows [begin, end), the way a pass over the whole set reads them; a streamed
  // set starts decoding rows [end, end + (end - begin)) for the next call.
  torch::Tensor rows(int64_t begin, int64_t end) const;
  // The set with its pixels in memory: itself, or a streamed set decoded whole. For what needs
  // every pixel at once (raw-pixel probes, small monitor sets).
  ImageDataset in_memory() const;
  // The pixels as a stream, in memory or not, for joining sets (JoinedStream).
  std::shared_ptr<const ImageStream> as_stream() const;

  int64_t size() const;
  int64_t channels() const;
  int64_t height() const;
  int64_t width() const;
  int64_t num_classes() const { return static_cast<int64_t>(class_names.size()); }

  // The images at `indices` (int64 [K], any order, repeats allowed), copied with their labels
  // and files. Throws
  // ConfigError when an index is out of range.
  ImageDataset subset(const torch::Tensor& indices) const;

  // Number of images of each class, one entry per class name.
  std::vector<int64_t> class_counts() const;

  // First `per_class` images of each class, in dataset order (fixed, class-balanced
  // subset). A class with fewer images contributes all it has. Unlabelled: the first
  // `per_class` images.
  ImageDataset balanced_subset(int64_t per_class) const;

  // A class-balanced subset of about `total` images (total / classes per class; for an
  // unlabelled set, `total` evenly spaced images); the whole split when total <= 0 or
  // total >= size(). For project limits and monitor sets. A streamed set stays streamed.
  ImageDataset limited_to(int64_t total) const;

  // Throws DataError(`what` + problem) when shapes, dtypes or labels are inconsistent.
  void check(const std::string& what) const;

 private:
  // The rows at idx (int64 [K], CPU, in range) with their labels and files; a streamed set's
  // pixels decoded (`decode`) or left streaming.
  ImageDataset picked(const torch::Tensor& idx, bool decode) const;
};

// A dataset on disk after loading: both splits and where they came from.
struct DatasetSplits {
  std::string name;            // "cifar10", "fashion-mnist", "mnist"
  std::filesystem::path root;  // the folder the files were read from
  ImageDataset train;
  ImageDataset test;     // for an image folder without val/ or test/: a seeded held-out draw
  std::string held_out;  // how the test split was made, for the run's log; empty = the dataset's own
};

// A cheap content fingerprint (16 hex digits): shape, labels and a sample of up to 64
// evenly spaced images. Equal datasets give equal fingerprints; used as a cache key.
std::string dataset_fingerprint(const ImageDataset& dataset);

}  // namespace simclr
