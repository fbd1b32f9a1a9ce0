#pragma once
// A folder of image files, labelled or not.
//
// Labelled ("folders"), laid out as ImageNet subsets (and torchvision's ImageFolder) are:
//   <root>/train/<class>/*.jpg|png|...   (sub-folders inside a class folder are read too)
//   <root>/val/<class>/...               (or test/ instead of val/; optional)
// Classes are the sorted names of train's sub-folders.
//
// Unlabelled ("none"): every image under <root> (under train/ and val/ or test/ when they
// are there), recursively, whatever the sub-folders are: date-sorted photo folders are not
// classes.
//
// Without a val/ or test/ folder the held-out split is drawn from the images (a fixed seed,
// holdout_fraction of each class). Files are sorted by path, so the order never depends on
// the file system. Folders are followed through links, each real folder once, so a link
// loop is reported and left out instead of recursing forever. Every image
// is decoded (image_file.h), converted to RGB and scaled/centre-cropped to image_size. The
// decoded splits are cached (torch::save, written atomically) under the cache folder, keyed
// by every file's path, size and modification time plus the options, so a second load reads
// one file instead of decoding thousands, and a changed or added image rebuilds the cache.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "engine/data/image_dataset.h"

namespace simclr {

// The image size when the project leaves it at 0: small enough that ImageNet-100 fits in
// memory (126 000 images x 12 KB = 1.5 GB), large enough for SimCLR's crops.
constexpr int64_t kDefaultImageFolderSize = 64;

// What to do with a file that has an image extension but does not decode.
enum class UnreadablePolicy {
  Skip,  // leave it out, report it (on_warning, ImageFolderStats::skipped_files)
  Fail,  // throw DataError naming it
};

// "skip" | "fail"; throws ConfigError naming the valid values otherwise.
UnreadablePolicy parse_unreadable_policy(const std::string& text);

// Where labels come from: "folders" (train/<class>/), "none", or "auto" (folders when train/
// has class folders, else none).
enum class FolderLabels { Auto, Folders, None };

// "auto" | "folders" | "none"; throws ConfigError naming the valid values otherwise.
FolderLabels parse_folder_labels(const std::string& text);

// What "auto" means for this folder (Folders or None); the others are returned as they are.
FolderLabels resolve_folder_labels(const std::filesystem::path& root, FolderLabels labels);

constexpr double kDefaultHoldoutFraction = 0.1;

// Whether the images are decoded into memory or streamed from the files as they are used
// (streaming_image_folder.h): "auto" streams when the decoded images would not fit the
// memory budget.
enum class FolderStreaming { Auto, Always, Never };

// "auto" | "always" | "never"; throws ConfigError naming the valid values otherwise.
FolderStreaming parse_folder_streaming(const std::string& text);

// The memory budget in bytes for a dataset.memory_budget_mb: 0 means a quarter of the
// machine's memory.
int64_t memory_budget_bytes(int64_t megabytes);

struct ImageFolderOptions {
  int64_t image_size = 0;  // output images are image_size x image_size; 0 = kDefaultImageFolderSize
  UnreadablePolicy on_unreadable = UnreadablePolicy::Skip;
  FolderLabels labels = FolderLabels::Auto;
  // Without val/ or test/: this share of the images (of each class) is held out, in (0, 0.9].
  double holdout_fraction = kDefaultHoldoutFraction;
  std::filesystem::path cache_dir;  // empty = default_cache_dir() / "image-folders"
  bool use_cache = true;
  // One line per skipped file ("<path>: <problem>"), from the calling thread; also on a load
  // from the cache, so the problem is not forgotten.
  std::function<void(const std::string&)> on_warning;
  int threads = 0;  // decoding threads; 0 = one per core (at most 16)
  FolderStreaming streaming = FolderStreaming::Auto;
  int64_t memory_budget_mb = 0;  // decoded images in memory at most; 0 = a quarter of the machine's
  // Streaming: keep decoded images in one memory-mapped file in the cache folder, so each file
  // is decoded once (decoded_image_cache.h).
  bool decoded_cache = false;
};

// What a load did, for the caller's log and for tests.
struct ImageFolderStats {
  int64_t files = 0;                       // image files found (both splits)
  int64_t decoded = 0;                     // files decoded by this load: 0 when it came from the cache
  int64_t skipped = 0;                     // unreadable files (and link loops) left out
  std::vector<std::string> skipped_files;  // "<path>: <problem>", in file order
  bool from_cache = false;
  std::filesystem::path cache_file;  // where the cache is (or would have been) written
  std::string key;                   // the cache key (16 hex digits)
  bool streamed = false;             // the training split streams (and the test split when large)
  int64_t decoded_bytes = 0;         // what decoding every image would take in memory
  int64_t budget_bytes = 0;          // the memory budget it was compared with
};

// True when `dir` is a folder: what locate_dataset() accepts for "image-folder" (whether it
// holds images is the loader's to say, naming what it found).
bool looks_like_image_folder(const std::filesystem::path& dir);

// Loads the folder as its labels mode says, streaming it as options.streaming says (the
// log's warning line says which and why). Throws DataError naming the folder or file for a
// labelled folder without train/ or class folders, a class with no images, a val class that
// train does not have, a folder with no images or too few to hold some out, a split with no
// readable image, and (policy Fail) an unreadable file; ConfigError for a bad image_size or
// holdout_fraction or a build without OpenCV. The result's name is "image-folder", its root
// `root`, and its held_out says how the test split was made.
DatasetSplits load_image_folder(const std::filesystem::path& root, const ImageFolderOptions& options = {},
                                ImageFolderStats* stats = nullptr);

// 16 hex digits naming the folder as loaded with these options (its absolute path, image
// size, policy, labels and held-out share), without reading any file: keeps the caches of
// two folders, and of two ways of reading one, apart.
std::string image_folder_id(const std::filesystem::path& root, const ImageFolderOptions& options);

// The name a dataset's channel statistics are cached under: the dataset's name, and for an
// image folder also its id, since every image folder is a dataset of its own.
std::string channel_stats_name(const std::string& dataset, const std::filesystem::path& root,
                               const ImageFolderOptions& options);

}  // namespace simclr
