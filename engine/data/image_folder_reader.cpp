#include "engine/data/image_folder_reader.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <unistd.h>

#include <nlohmann/json.hpp>
#include <torch/serialize.h>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/fnv1a.h"
#include "engine/data/binary_file.h"
#include "engine/data/dataset_locator.h"
#include "engine/data/image_file.h"
#include "engine/data/streaming_image_folder.h"

namespace simclr {

namespace fs = std::filesystem;

namespace {

constexpr int kCacheFormat = 3;  // 3: JPEGs decoded at a reduced DCT scale

struct ImageFile {
  fs::path path;
  int64_t label = 0;
  int64_t bytes = 0;
  int64_t mtime = 0;  // file clock ticks: only compared with itself
};

bool hidden(const fs::path& p) {
  return !p.filename().empty() && p.filename().string()[0] == '.';
}

// Sorted names of the sub-folders of `dir` (hidden ones left out).
std::vector<std::string> sub_folders(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_directory() && !hidden(entry.path())) out.push_back(entry.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Collects the image files under a folder, recursively and sorted by path. Links to folders
// are followed, but each real folder is read once: a link loop (or a second link to a folder
// already read) is reported in `skipped` instead of recursing until the path is too long.
class ImageWalk {
 public:
  explicit ImageWalk(std::vector<std::string>& skipped) : skipped_(skipped) {}

  std::vector<ImageFile> files(const fs::path& dir, int64_t label) {
    std::vector<ImageFile> out;
    walk(dir, label, out);
    std::sort(out.begin(), out.end(), [](const ImageFile& a, const ImageFile& b) { return a.path < b.path; });
    return out;
  }

 private:
  void walk(const fs::path& dir, int64_t label, std::vector<ImageFile>& out) {
    std::error_code ec;
    const fs::path real = fs::canonical(dir, ec);
    if (ec) {
      skipped_.push_back(display_path(dir) + ": folder not read (" + ec.message() + ")");
      return;
    }
    if (!seen_.insert(real).second) {
      skipped_.push_back(display_path(dir) + (fs::is_symlink(dir, ec) ? ": a link to " : ": the same folder as ") +
                         display_path(real) + ", a folder already read (a link loop?); not read twice");
      return;
    }
    // In name order, so which of two ways into one folder is read never depends on the disk.
    std::vector<fs::directory_entry> entries;
    for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
         it.increment(ec))
      entries.push_back(*it);
    if (ec) skipped_.push_back(display_path(dir) + ": folder not fully read (" + ec.message() + ")");
    std::sort(entries.begin(), entries.end(),
              [](const fs::directory_entry& a, const fs::directory_entry& b) { return a.path() < b.path(); });
    for (const auto& entry : entries) {
      if (hidden(entry.path())) continue;
      if (entry.is_directory(ec)) {
        walk(entry.path(), label, out);
      } else if (is_image_file_name(entry.path())) {
        if (!entry.is_regular_file(ec)) {
          skipped_.push_back(display_path(entry.path()) + ": not a readable file (a broken link?)");
          continue;
        }
        ImageFile f;
        f.path = entry.path();
        f.label = label;
        f.bytes = static_cast<int64_t>(entry.file_size(ec));
        f.mtime = static_cast<int64_t>(entry.last_write_time(ec).time_since_epoch().count());
        out.push_back(std::move(f));
      }
    }
  }

  std::vector<std::string>& skipped_;
  std::set<fs::path> seen_;
};

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

const char* kImageExtensions = ".png, .jpg, .jpeg, .bmp, .tif, .tiff, .webp, .ppm, .pgm, .pbm, .pnm or .jp2";

// The held-out split's folder: val/, else test/; empty when there is neither.
fs::path held_out_folder(const fs::path& root) {
  std::error_code ec;
  for (const char* name : {"val", "test"})
    if (fs::is_directory(root / name, ec)) return root / name;
  return {};
}

struct Decoded {
  torch::Tensor images;             // uint8 [N, 3, S, S], rows of unreadable files left zero
  std::vector<std::string> errors;  // per file; empty when it decoded
};

// Decodes every file on `threads` threads, each image straight into its row.
Decoded decode_all(const std::vector<ImageFile>& files, int64_t size, int threads, bool stop_at_first_error) {
  const int64_t n = static_cast<int64_t>(files.size());
  Decoded out;
  out.images = torch::zeros({n, 3, size, size}, torch::kByte);
  out.errors.assign(files.size(), {});
  const int64_t per_image = 3 * size * size;
  auto* base = out.images.data_ptr<uint8_t>();
  std::atomic<int64_t> next{0};
  std::atomic<bool> failed{false};
  auto work = [&] {
    // Files are claimed in order and every claimed file is finished, so when the pool stops
    // at an error, every file before it has been decoded: the first error is deterministic.
    while (!(stop_at_first_error && failed.load())) {
      const int64_t i = next++;
      if (i >= n) return;
      try {
        read_resized_image_file(files[size_t(i)].path, size, base + i * per_image);
      } catch (const std::exception& e) {
        // DataError names the file already; anything else gets its name here.
        const std::string what = e.what();
        const std::string name = display_path(files[size_t(i)].path);
        out.errors[size_t(i)] = what.rfind(name, 0) == 0 ? what : name + ": " + what;
        failed = true;
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  return out;
}

torch::Tensor bytes_tensor(const std::string& s) {
  return torch::from_blob(const_cast<char*>(s.data()), {static_cast<int64_t>(s.size())}, torch::kByte).clone();
}

std::string tensor_bytes(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous();
  return std::string(reinterpret_cast<const char*>(c.data_ptr<uint8_t>()), size_t(c.numel()));
}

// The cached splits when the cache file exists, reads and carries `key`; false otherwise.
bool read_cache(const fs::path& file, const std::string& key, int64_t size, DatasetSplits& splits,
                std::vector<std::string>& skipped) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return false;
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(file.string());
    torch::Tensor meta_bytes, train_images, train_labels, test_images, test_labels;
    archive.read("meta", meta_bytes);
    const auto meta = nlohmann::json::parse(tensor_bytes(meta_bytes));
    if (meta.value("format", 0) != kCacheFormat || meta.value("key", std::string()) != key) return false;
    archive.read("train_images", train_images);
    archive.read("train_labels", train_labels);
    archive.read("test_images", test_images);
    archive.read("test_labels", test_labels);
    splits.train = {train_images, train_labels, meta.at("class_names").get<std::vector<std::string>>()};
    splits.test = {test_images, test_labels, splits.train.class_names};
    splits.held_out = meta.at("held_out").get<std::string>();
    splits.train.files = meta.at("train_files").get<std::vector<std::string>>();
    splits.test.files = meta.at("test_files").get<std::vector<std::string>>();
    splits.train.check(display_path(file) + " (train)");
    splits.test.check(display_path(file) + " (test)");
    if (splits.train.height() != size || splits.train.width() != size || splits.train.channels() != 3) return false;
    skipped = meta.at("skipped").get<std::vector<std::string>>();
    return true;
  } catch (const std::exception&) {
    return false;  // corrupt or from another version: decode again and rewrite it
  }
}

// Best effort: a cache that cannot be written costs the next load time, nothing else.
void write_cache(const fs::path& file, const std::string& key, const DatasetSplits& splits,
                 const std::vector<std::string>& skipped, const ImageFolderOptions& options) {
  try {
    fs::create_directories(file.parent_path());
    const nlohmann::json meta = {{"format", kCacheFormat},          {"key", key},
                                 {"root", splits.root.string()},    {"class_names", splits.train.class_names},
                                 {"held_out", splits.held_out},     {"train_files", splits.train.files},
                                 {"test_files", splits.test.files}, {"skipped", skipped}};
    torch::serialize::OutputArchive archive;
    archive.write("meta", bytes_tensor(meta.dump()));
    archive.write("train_images", splits.train.images);
    archive.write("train_labels", splits.train.labels);
    archive.write("test_images", splits.test.images);
    archive.write("test_labels", splits.test.labels);
    write_atomically_with(file, [&](const fs::path& tmp) { archive.save_to(tmp.string()); });
  } catch (const std::exception& e) {
    if (options.on_warning) options.on_warning("image-folder cache not written: " + std::string(e.what()));
  }
}

int64_t resolved_size(const ImageFolderOptions& options) {
  if (options.image_size < 0)
    throw ConfigError("dataset.image_size: must be >= 0 (0 = " + std::to_string(kDefaultImageFolderSize) + "), not " +
                      std::to_string(options.image_size));
  return options.image_size == 0 ? kDefaultImageFolderSize : options.image_size;
}

}  // namespace

UnreadablePolicy parse_unreadable_policy(const std::string& text) {
  if (text == "skip") return UnreadablePolicy::Skip;
  if (text == "fail") return UnreadablePolicy::Fail;
  throw ConfigError("dataset.on_unreadable: '" + text + "' is not skip or fail");
}

bool looks_like_image_folder(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir, ec);
}

FolderLabels parse_folder_labels(const std::string& text) {
  if (text == "auto") return FolderLabels::Auto;
  if (text == "folders") return FolderLabels::Folders;
  if (text == "none") return FolderLabels::None;
  throw ConfigError("dataset.labels: '" + text + "' is not auto, folders or none");
}

FolderLabels resolve_folder_labels(const fs::path& root, FolderLabels labels) {
  if (labels != FolderLabels::Auto) return labels;
  std::error_code ec;
  if (!fs::is_directory(root / "train", ec)) return FolderLabels::None;
  try {
    return sub_folders(root / "train").empty() ? FolderLabels::None : FolderLabels::Folders;
  } catch (const fs::filesystem_error&) {
    return FolderLabels::Folders;  // unreadable train/: the loader names the problem
  }
}

FolderStreaming parse_folder_streaming(const std::string& text) {
  if (text == "auto") return FolderStreaming::Auto;
  if (text == "always") return FolderStreaming::Always;
  if (text == "never") return FolderStreaming::Never;
  throw ConfigError("dataset.streaming: expected auto, always or never, not '" + text + "'");
}

int64_t memory_budget_bytes(int64_t megabytes) {
  if (megabytes > 0) return megabytes * 1024 * 1024;
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? int64_t(pages) * int64_t(page) / 4 : int64_t(2) << 30;
}

std::string channel_stats_name(const std::string& dataset, const fs::path& root, const ImageFolderOptions& options) {
  return dataset == "image-folder" ? dataset + "-" + image_folder_id(root, options) : dataset;
}

std::string image_folder_id(const fs::path& root, const ImageFolderOptions& options) {
  std::error_code ec;
  fs::path where = fs::weakly_canonical(fs::absolute(root), ec);
  if (ec) where = fs::absolute(root).lexically_normal();
  Fnv1a f;
  f.add(where.generic_string());
  f.add(resolved_size(options));
  f.add(int64_t(options.on_unreadable == UnreadablePolicy::Fail));
  // Only what changes the splits, so a labelled folder with val/ keeps the id it always had.
  if (resolve_folder_labels(root, options.labels) == FolderLabels::None) f.add(std::string("unlabelled"));
  if (held_out_folder(root).empty()) f.add(int64_t(std::llround(options.holdout_fraction * 1e6)));
  return f.hex();
}

namespace {

// The files of an image folder: classes from train/ (none when unlabelled), the held-out
// folder's checked against them or the held-out files drawn from the training files.
struct FolderListing {
  fs::path train_dir, test_dir;  // test_dir empty: the held-out files were drawn
  std::vector<std::string> classes;
  std::vector<ImageFile> train_files, test_files;
  std::vector<std::string> skipped;  // folders not read (link loops, permissions)
  std::string held_out;              // how the test split was made; empty = its own folder
};

// Moves `fraction` of each label's files (rounded; a label keeps at least one) from train to
// test, chosen with a fixed seed so every load of the folder draws the same split.
void draw_held_out(FolderListing& l, double fraction, const fs::path& where) {
  std::map<int64_t, std::vector<size_t>> by_label;
  for (size_t i = 0; i < l.train_files.size(); ++i) by_label[l.train_files[i].label].push_back(i);
  std::mt19937_64 gen(0x686f6c646f7574ULL);  // "holdout"
  std::vector<bool> held(l.train_files.size(), false);
  int64_t count = 0;
  for (auto& [label, members] : by_label) {
    const auto n = int64_t(members.size());
    const int64_t k = std::min<int64_t>(n - 1, std::llround(fraction * double(n)));
    std::shuffle(members.begin(), members.end(), gen);
    for (int64_t j = 0; j < k; ++j) held[members[size_t(j)]] = true;
    count += std::max<int64_t>(k, 0);
  }
  if (count == 0)
    throw DataError(display_path(where) + ": " + std::to_string(l.train_files.size()) + " images are too few to hold " +
                    std::to_string(int(std::lround(100 * fraction))) +
                    "% out for evaluation; add images, raise dataset.holdout_fraction, or add a val/ folder");
  std::vector<ImageFile> train, test;
  for (size_t i = 0; i < l.train_files.size(); ++i) (held[i] ? test : train).push_back(l.train_files[i]);
  l.train_files = std::move(train);
  l.test_files = std::move(test);
  char text[160];
  std::snprintf(text, sizeof text, "held out %lld of %lld images (%.0f%%, dataset.holdout_fraction), a fixed draw",
                static_cast<long long>(count), static_cast<long long>(count + int64_t(l.train_files.size())),
                100 * fraction);
  l.held_out = text;
}

void check_holdout_fraction(double fraction) {
  if (!(fraction > 0 && fraction <= 0.9))
    throw ConfigError("dataset.holdout_fraction: must be in (0, 0.9], not " + std::to_string(fraction));
}

FolderListing list_labelled(const fs::path& root, const ImageFolderOptions& options) {
  FolderListing l;
  ImageWalk walk(l.skipped);
  l.train_dir = root / "train";
  if (!fs::is_directory(l.train_dir))
    throw DataError(display_path(root) +
                    ": no train/ folder; a labelled image folder holds train/<class>/<images> (and "
                    "val/<class>/<images>); set dataset.labels to \"none\" to read any folder of images");
  l.test_dir = held_out_folder(root);
  l.classes = sub_folders(l.train_dir);
  if (l.classes.empty())
    throw DataError(display_path(l.train_dir) + ": no class folders; expected " +
                    display_path(l.train_dir / "<class>") + " folders of images");
  std::map<std::string, int64_t> label_of;
  for (size_t c = 0; c < l.classes.size(); ++c) {
    label_of[l.classes[c]] = int64_t(c);
    auto files = walk.files(l.train_dir / l.classes[c], int64_t(c));
    if (files.empty())
      throw DataError(display_path(l.train_dir / l.classes[c]) + ": no image files (" + kImageExtensions + ")");
    l.train_files.insert(l.train_files.end(), files.begin(), files.end());
  }
  if (l.test_dir.empty()) {
    draw_held_out(l, options.holdout_fraction, root);
    return l;
  }
  for (const auto& name : sub_folders(l.test_dir)) {
    const auto it = label_of.find(name);
    if (it == label_of.end())
      throw DataError(display_path(l.test_dir / name) + ": class '" + name +
                      "' has no folder in train/ (training classes: " + joined(l.classes) + ")");
    auto files = walk.files(l.test_dir / name, it->second);
    l.test_files.insert(l.test_files.end(), files.begin(), files.end());
  }
  if (l.test_files.empty())
    throw DataError(display_path(l.test_dir) + ": no image files in its class folders (" + kImageExtensions + ")");
  return l;
}

// Every image, unlabelled: under train/ and val/|test/ when the folder has them, else all of it.
FolderListing list_unlabelled(const fs::path& root, const ImageFolderOptions& options) {
  FolderListing l;
  ImageWalk walk(l.skipped);
  std::error_code ec;
  const bool split = fs::is_directory(root / "train", ec);
  l.train_dir = split ? root / "train" : root;
  l.test_dir = split ? held_out_folder(root) : fs::path();
  l.train_files = walk.files(l.train_dir, kUnlabelled);
  if (l.train_files.empty())
    throw DataError(display_path(l.train_dir) + ": no image files (" + kImageExtensions + "), searched recursively");
  if (!l.test_dir.empty()) {
    l.test_files = walk.files(l.test_dir, kUnlabelled);
    if (l.test_files.empty()) throw DataError(display_path(l.test_dir) + ": no image files (" + kImageExtensions + ")");
  } else {
    draw_held_out(l, options.holdout_fraction, root);
  }
  return l;
}

FolderListing list_folder(const fs::path& root, const ImageFolderOptions& options) {
  check_holdout_fraction(options.holdout_fraction);
  return resolve_folder_labels(root, options.labels) == FolderLabels::None ? list_unlabelled(root, options)
                                                                           : list_labelled(root, options);
}

// The cache key: every file's place, size and time, and what decoding makes of them.
std::string cache_key(const fs::path& root, const ImageFolderOptions& options, const FolderListing& l) {
  Fnv1a key;
  key.add(int64_t(kCacheFormat));
  key.add(image_folder_id(root, options));
  for (const auto& c : l.classes) key.add(c);
  key.add(l.held_out);
  for (const auto* split : {&l.train_files, &l.test_files}) {
    key.add(int64_t(split->size()));
    for (const auto& f : *split) {
      key.add(f.path.lexically_relative(root).generic_string());
      key.add(f.label);
      key.add(f.bytes);
      key.add(f.mtime);
    }
  }
  return key.hex();
}

// Decodes one split; unreadable files are skipped (listed in `skipped`) or, with the "fail"
// policy, an error. A class none of whose files could be read is an error either way.
ImageDataset decode_split(const std::vector<ImageFile>& files, const fs::path& root, const fs::path& dir,
                          const std::vector<std::string>& classes, int64_t size, const ImageFolderOptions& options,
                          ImageFolderStats& st, std::vector<std::string>& skipped) {
  const bool fail = options.on_unreadable == UnreadablePolicy::Fail;
  const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  const int threads = options.threads > 0 ? options.threads : std::min(cores, 16);
  Decoded d = decode_all(files, size, std::max(1, std::min<int>(threads, int(files.size()))), fail);
  std::vector<int64_t> keep, labels;
  // Per class, or one group for an unlabelled split.
  auto group = [&](const ImageFile& f) { return classes.empty() ? size_t(0) : size_t(f.label); };
  std::vector<int64_t> found(std::max<size_t>(1, classes.size()), 0), kept(found.size(), 0);
  for (size_t i = 0; i < files.size(); ++i) {
    ++found[group(files[i])];
    if (d.errors[i].empty()) {
      keep.push_back(int64_t(i));
      labels.push_back(files[i].label);
      ++kept[group(files[i])];
      ++st.decoded;
    } else {
      if (fail) throw DataError(d.errors[i] + " (dataset.on_unreadable is \"fail\"; \"skip\" leaves it out)");
      skipped.push_back(d.errors[i]);
    }
  }
  for (size_t c = 0; c < found.size(); ++c)
    if (found[c] > 0 && kept[c] == 0)
      throw DataError(display_path(classes.empty() ? dir : dir / classes[c]) + ": none of its " +
                      std::to_string(found[c]) + " image files could be read");
  ImageDataset out;
  out.images =
      keep.size() == files.size() ? d.images : d.images.index_select(0, torch::tensor(keep, torch::kLong)).contiguous();
  out.labels = torch::tensor(labels, torch::kLong);
  out.class_names = classes;
  for (const int64_t i : keep) out.files.push_back(files[size_t(i)].path.lexically_relative(root).generic_string());
  return out;
}

std::string megabytes(int64_t bytes) {
  return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MB";
}

// One split as a streamed set: labels and names from the listing, pixels decoded when used.
ImageDataset streamed_split(const std::vector<ImageFile>& files, const fs::path& root,
                            const std::vector<std::string>& classes, int64_t size, const ImageFolderOptions& options,
                            int64_t budget, const fs::path& decoded_cache, const std::string& key) {
  ImageDataset out;
  out.class_names = classes;
  std::vector<fs::path> paths;
  std::vector<int64_t> labels;
  for (const auto& f : files) {
    paths.push_back(f.path);
    labels.push_back(f.label);
    out.files.push_back(f.path.lexically_relative(root).generic_string());
  }
  out.labels = torch::tensor(labels, torch::kLong);
  StreamingOptions so;
  so.image_size = size;
  so.budget_bytes = budget;
  so.threads = options.threads;
  so.fail_on_unreadable = options.on_unreadable == UnreadablePolicy::Fail;
  so.decoded_cache = decoded_cache;
  so.cache_key = key;
  so.on_warning = options.on_warning;
  out.stream = std::make_shared<StreamingImageFolder>(std::move(paths), so);
  return out;
}

// Streams the training split; the held-out split too when it would take more than a quarter
// of the budget, else it is decoded into memory (the monitor reads it every few steps).
void stream_splits(const fs::path& root, const FolderListing& listing, const ImageFolderOptions& options,
                   ImageFolderStats& st, const fs::path& cache_dir, DatasetSplits& splits,
                   std::vector<std::string>& skipped) {
  const int64_t size = resolved_size(options), per_image = 3 * size * size;
  const int64_t test_bytes = int64_t(listing.test_files.size()) * per_image;
  const bool stream_test = test_bytes > st.budget_bytes / 4;
  const int64_t prefetch = stream_test ? st.budget_bytes / 2 : st.budget_bytes - test_bytes;
  auto cache_file = [&](const char* split) {
    return options.decoded_cache
               ? cache_dir / ("image-folder-" + image_folder_id(root, options) + "-" + split + ".decoded")
               : fs::path();
  };
  splits.held_out = listing.held_out;
  auto make = [&](const std::vector<ImageFile>& files, const char* split, int64_t budget) {
    try {
      return streamed_split(files, root, listing.classes, size, options, budget, cache_file(split), st.key);
    } catch (const IoError& e) {  // no room for the cache file: stream without it
      if (options.on_warning) options.on_warning(std::string(e.what()) + "; streaming without the cache");
      ImageFolderOptions plain = options;
      plain.decoded_cache = false;
      return streamed_split(files, root, listing.classes, size, plain, budget, fs::path(), st.key);
    }
  };
  splits.train = make(listing.train_files, "train", prefetch);
  if (stream_test)
    splits.test = make(listing.test_files, "test", st.budget_bytes / 2);
  else
    splits.test = decode_split(listing.test_files, root, listing.test_dir.empty() ? listing.train_dir : listing.test_dir,
                               listing.classes, size, options, st, skipped);
  if (options.on_warning)
    options.on_warning("streaming " + std::to_string(listing.train_files.size()) + " training images from their files (" +
                       (options.streaming == FolderStreaming::Always
                            ? std::string("dataset.streaming is \"always\"")
                            : "decoded they would take " + megabytes(st.decoded_bytes) + ", over dataset.memory_budget_mb " +
                                  megabytes(st.budget_bytes)) +
                       (options.decoded_cache ? "), decoded images cached in " + cache_file("train").string()
                                              : ")"));
}

DatasetSplits load_checked(const fs::path& root, const ImageFolderOptions& options, ImageFolderStats* stats) {
  ImageFolderStats local;
  ImageFolderStats& st = stats ? *stats : local;
  st = {};
  const int64_t size = resolved_size(options);
  if (!image_files_supported())
    throw ConfigError(
        "dataset image-folder: this build has no OpenCV, so image files cannot be decoded "
        "(install libopencv-dev and rebuild the workbench)");
  const FolderListing listing = list_folder(root, options);
  st.files = int64_t(listing.train_files.size() + listing.test_files.size());
  st.key = cache_key(root, options, listing);
  const fs::path cache_dir = options.cache_dir.empty() ? default_cache_dir() / "image-folders" : options.cache_dir;
  st.cache_file = cache_dir / ("image-folder-" + image_folder_id(root, options) + ".pt");

  DatasetSplits splits;
  splits.name = "image-folder";
  splits.root = root;
  std::vector<std::string> skipped;
  st.budget_bytes = memory_budget_bytes(options.memory_budget_mb);
  st.decoded_bytes = st.files * 3 * size * size;
  st.streamed = options.streaming == FolderStreaming::Always ||
                (options.streaming == FolderStreaming::Auto && st.decoded_bytes > st.budget_bytes);
  if (st.streamed) {
    skipped = listing.skipped;
    stream_splits(root, listing, options, st, cache_dir, splits, skipped);
  } else if (options.use_cache && read_cache(st.cache_file, st.key, size, splits, skipped)) {
    st.from_cache = true;
  } else {
    skipped = listing.skipped;
    splits.held_out = listing.held_out;
    splits.train =
        decode_split(listing.train_files, root, listing.train_dir, listing.classes, size, options, st, skipped);
    splits.test =
        decode_split(listing.test_files, root, listing.test_dir.empty() ? listing.train_dir : listing.test_dir,
                     listing.classes, size, options, st, skipped);
    if (options.use_cache) write_cache(st.cache_file, st.key, splits, skipped, options);
  }
  st.skipped = int64_t(skipped.size());
  st.skipped_files = skipped;
  if (options.on_warning)
    for (const auto& s : skipped) options.on_warning("skipped " + s);
  return splits;
}

}  // namespace

DatasetSplits load_image_folder(const fs::path& root, const ImageFolderOptions& options, ImageFolderStats* stats) {
  try {
    return load_checked(root, options, stats);
  } catch (const fs::filesystem_error& e) {  // a folder that cannot be listed, a file gone meanwhile
    throw DataError(display_path(root) + ": cannot read the image folder (" + e.what() + ")");
  }
}

}  // namespace simclr
