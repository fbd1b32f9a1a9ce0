#pragma once
// Finding a dataset on disk by name, and loading it.
//
// Where to look, in order:
//   1. the configured path (absolute, or relative to base_dir, e.g. the project's folder),
//   2. $SIMCLR_DATA_DIR,
//   3. $XDG_DATA_HOME/simclr-workbench/datasets (default ~/.local/share/simclr-workbench/datasets),
//   4. for fashion-mnist only: /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist).
// Each root is accepted when it is the dataset folder itself (it holds the dataset's files)
// or when it holds the conventional sub-folder (cifar-10-batches-bin, fashion-mnist, mnist,
// or torchvision's FashionMNIST/raw and MNIST/raw).
// "image-folder" (image files in train/<class>/ and val/<class>/) has no conventional place:
// only its configured path is tried, and it is required.
#include <filesystem>
#include <string>
#include <vector>

#include "engine/data/image_dataset.h"
#include "engine/data/image_folder_reader.h"

namespace simclr {

// "cifar10", "fashion-mnist", "mnist", "image-folder".
std::vector<std::string> known_datasets();

// The canonical name for `name`, case-insensitive and tolerant of common spellings
// ("CIFAR-10", "fashion_mnist", "FashionMNIST"). Throws ConfigError listing the known names.
std::string canonical_dataset_name(const std::string& name);

// The class names the dataset is distributed with (none for image-folder: its folders name them).
std::vector<std::string> default_class_names(const std::string& name);

// The places locate_dataset() tries, in order (roots and their sub-folders), for messages.
std::vector<std::filesystem::path> dataset_search_paths(const std::string& name, const std::string& configured_path,
                                                        const std::filesystem::path& base_dir);

// The dataset folder. Throws ConfigError for an unknown name (and for image-folder without a
// path) and DataError listing every place searched (and, for cifar10, the hint
// `simclr-cli dataset download cifar10`).
std::filesystem::path locate_dataset(const std::string& name, const std::string& configured_path,
                                     const std::filesystem::path& base_dir);

// True when `dir` holds at least one of the dataset's files.
bool looks_like_dataset(const std::string& name, const std::filesystem::path& dir);

// $XDG_DATA_HOME/simclr-workbench/datasets, default ~/.local/share/simclr-workbench/datasets.
std::filesystem::path default_download_dir();

// $XDG_CACHE_HOME/simclr-workbench, default ~/.cache/simclr-workbench (channel statistics,
// decoded image folders).
std::filesystem::path default_cache_dir();

// Loads both splits of dataset `name` from `dir` (a folder locate_dataset() returned).
// `folder` and `stats` apply to image-folder only (image size, unreadable files, cache).
DatasetSplits load_dataset(const std::string& name, const std::filesystem::path& dir,
                           const ImageFolderOptions& folder = {}, ImageFolderStats* stats = nullptr);

// locate_dataset() then load_dataset().
DatasetSplits find_and_load_dataset(const std::string& name, const std::string& configured_path,
                                    const std::filesystem::path& base_dir);

}  // namespace simclr
