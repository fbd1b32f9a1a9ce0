#include "engine/data/dataset_locator.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "engine/core/error.h"
#include "engine/data/cifar10_reader.h"
#include "engine/data/idx_reader.h"

namespace simclr {

namespace fs = std::filesystem;

std::vector<std::string> known_datasets() {
  return {"cifar10", "fashion-mnist", "mnist", "image-folder"};
}

std::string canonical_dataset_name(const std::string& name) {
  std::string key;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) key.push_back(static_cast<char>(std::tolower(u)));
  }
  if (key == "cifar10") return "cifar10";
  if (key == "fashionmnist" || key == "fmnist") return "fashion-mnist";
  if (key == "mnist") return "mnist";
  if (key == "imagefolder") return "image-folder";
  std::string known;
  for (const auto& k : known_datasets()) known += (known.empty() ? "" : ", ") + k;
  throw ConfigError("unknown dataset '" + name + "' (known: " + known + ")");
}

std::vector<std::string> default_class_names(const std::string& name) {
  const std::string n = canonical_dataset_name(name);
  if (n == "cifar10") return cifar10_class_names();
  if (n == "fashion-mnist") return fashion_mnist_class_names();
  if (n == "image-folder") return {};
  return mnist_class_names();
}

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

fs::path home_dir() {
  const std::string h = env("HOME");
  return h.empty() ? fs::temp_directory_path() : fs::path(h);
}

// An XDG base directory: the variable when it holds an absolute path (the spec says to
// ignore relative ones), else the fallback under $HOME.
fs::path xdg_dir(const char* var, const char* fallback) {
  const fs::path v = env(var);
  if (!v.empty() && v.is_absolute()) return v;
  return home_dir() / fallback;
}

// Sub-folders that conventionally hold each dataset inside a data root.
std::vector<fs::path> sub_folders(const std::string& name) {
  if (name == "cifar10") return {"cifar-10-batches-bin", fs::path("cifar10") / "cifar-10-batches-bin"};
  if (name == "fashion-mnist") return {"fashion-mnist", fs::path("FashionMNIST") / "raw"};
  if (name == "image-folder") return {};
  return {"mnist", fs::path("MNIST") / "raw"};
}

std::vector<fs::path> roots(const std::string& name, const std::string& configured_path, const fs::path& base_dir) {
  std::vector<fs::path> out;
  if (!configured_path.empty()) {
    fs::path p(configured_path);
    if (p.is_relative()) p = (base_dir.empty() ? fs::current_path() : base_dir) / p;
    out.push_back(p.lexically_normal());
  }
  if (name == "image-folder") return out;  // no conventional place: only where the project says
  const std::string data_dir = env("SIMCLR_DATA_DIR");
  if (!data_dir.empty()) out.push_back(fs::absolute(data_dir).lexically_normal());
  out.push_back(default_download_dir());
  if (name == "fashion-mnist") out.push_back("/usr/share/datasets/fashion-mnist");
  return out;
}

}  // namespace

bool looks_like_dataset(const std::string& name, const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return false;
  std::vector<std::string> markers;
  const std::string n = canonical_dataset_name(name);
  if (n == "image-folder") return looks_like_image_folder(dir);
  if (n == "cifar10") {
    markers = {"data_batch_1.bin", "test_batch.bin"};
  } else {
    for (const char* stem : {"train-images-idx3-ubyte", "t10k-images-idx3-ubyte"}) {
      markers.push_back(stem);
      markers.push_back(std::string(stem) + ".gz");
    }
  }
  return std::any_of(markers.begin(), markers.end(),
                     [&](const std::string& m) { return fs::is_regular_file(dir / m, ec); });
}

std::vector<fs::path> dataset_search_paths(const std::string& name, const std::string& configured_path,
                                           const fs::path& base_dir) {
  const std::string n = canonical_dataset_name(name);
  std::vector<fs::path> out;
  for (const auto& root : roots(n, configured_path, base_dir)) {
    out.push_back(root);
    for (const auto& sub : sub_folders(n)) out.push_back(root / sub);
  }
  return out;
}

fs::path locate_dataset(const std::string& name, const std::string& configured_path, const fs::path& base_dir) {
  const std::string n = canonical_dataset_name(name);
  if (n == "image-folder" && configured_path.empty())
    throw ConfigError(
        "dataset.path: required for dataset image-folder (a folder of images, or one holding "
        "train/<class>/ and val/<class>/ image folders)");
  const auto candidates = dataset_search_paths(n, configured_path, base_dir);
  for (const auto& dir : candidates)
    if (looks_like_dataset(n, dir)) return dir;
  std::string searched;
  for (const auto& dir : candidates) searched += (searched.empty() ? "" : ", ") + dir.string();
  std::string hint;
  if (n == "cifar10")
    hint = "; download it with `simclr-cli dataset download cifar10` or set SIMCLR_DATA_DIR";
  else if (n == "image-folder")
    hint = " (no such folder; expected a folder of images, or train/<class>/<images> and val/<class>/<images>)";
  else if (n == "fashion-mnist")
    hint = "; install Debian's dataset-fashion-mnist package or set SIMCLR_DATA_DIR";
  else
    hint = "; put the IDX files in one of these folders or set SIMCLR_DATA_DIR";
  throw DataError("dataset " + n + " not found; searched: " + searched + hint);
}

fs::path default_download_dir() {
  return xdg_dir("XDG_DATA_HOME", ".local/share") / "simclr-workbench" / "datasets";
}

fs::path default_cache_dir() {
  return xdg_dir("XDG_CACHE_HOME", ".cache") / "simclr-workbench";
}

DatasetSplits load_dataset(const std::string& name, const fs::path& dir, const ImageFolderOptions& folder,
                           ImageFolderStats* stats) {
  const std::string n = canonical_dataset_name(name);
  DatasetSplits splits = n == "cifar10"        ? load_cifar10(dir, folder.on_warning)
                         : n == "image-folder" ? load_image_folder(dir, folder, stats)
                                               : load_idx_dataset(dir, n, default_class_names(n));
  splits.name = n;
  splits.root = dir;
  return splits;
}

DatasetSplits find_and_load_dataset(const std::string& name, const std::string& configured_path,
                                    const fs::path& base_dir) {
  return load_dataset(name, locate_dataset(name, configured_path, base_dir));
}

}  // namespace simclr
