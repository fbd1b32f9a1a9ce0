// simclr-cli dataset {info, verify, download}: where a dataset is, what it holds, whether
// every file reads, and fetching CIFAR-10.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "app/cli/analysis_options.h"
#include "app/cli/cli_command.h"
#include "app/cli/interrupt_scope.h"
#include "app/cli/terminal_progress.h"
#include "engine/core/error.h"
#include "engine/data/channel_stats.h"
#include "engine/data/dataset_download.h"
#include "engine/data/dataset_locator.h"
#include "engine/data/image_export.h"
#include "engine/data/image_folder_reader.h"

namespace simclr::cli {

namespace fs = std::filesystem;

namespace {

struct DatasetArgs {
  std::string name = "cifar10";
  std::string path;
  int64_t image_size = 0;                             // image-folder only
  std::string on_unreadable = "skip";                 // image-folder only
  std::string labels = "auto";                        // image-folder only
  double holdout_fraction = kDefaultHoldoutFraction;  // image-folder only
  std::string streaming = "auto";                     // image-folder only
  int64_t memory_budget_mb = 0;                       // image-folder only
  bool folder_options_given = false;
};

struct ExportArgs {
  DatasetArgs dataset;
  std::string to;
  std::string split = "test";
  ImageExportOptions options;
};

struct DownloadArgs {
  std::string name;
  std::string dest;
  std::string url;
  std::string md5;
  bool force = false;
};

void add_dataset_args(CLI::App* sub, DatasetArgs& args) {
  sub->add_option("name", args.name,
                  "Dataset: cifar10, fashion-mnist, mnist, or image-folder (any folder of images under --path, "
                  "which it needs; classes from train/<class>/ when it has them)")
      ->capture_default_str();
  sub->add_option("--path", args.path,
                  "Folder holding the dataset (or its parent); otherwise $SIMCLR_DATA_DIR, then the "
                  "user data folder are searched");
  sub->add_option("--image-size", args.image_size,
                  "image-folder: scale and centre-crop every image to N x N (0 = " +
                      std::to_string(kDefaultImageFolderSize) + ", as dataset.image_size)")
      ->check(CLI::NonNegativeNumber)
      ->each([&args](const std::string&) { args.folder_options_given = true; });
  sub->add_option("--on-unreadable", args.on_unreadable,
                  "image-folder: skip (and list) or fail on a file that does not decode, as dataset.on_unreadable")
      ->capture_default_str()
      ->each([&args](const std::string&) { args.folder_options_given = true; });
  sub->add_option("--labels", args.labels,
                  "image-folder: folders (train/<class>/), none (every image unlabelled) or auto, as dataset.labels")
      ->capture_default_str()
      ->each([&args](const std::string&) { args.folder_options_given = true; });
  sub->add_option("--holdout", args.holdout_fraction,
                  "image-folder without val/ or test/: share of the images held out, as dataset.holdout_fraction")
      ->capture_default_str()
      ->each([&args](const std::string&) { args.folder_options_given = true; });
  sub->add_option("--streaming", args.streaming,
                  "image-folder: auto (stream when the decoded images exceed the budget), always or never, as "
                  "dataset.streaming")
      ->capture_default_str()
      ->each([&args](const std::string&) { args.folder_options_given = true; });
  sub->add_option("--memory-budget", args.memory_budget_mb,
                  "image-folder: MB the decoded images may take (0 = a quarter of this machine's memory), as "
                  "dataset.memory_budget_mb")
      ->check(CLI::NonNegativeNumber)
      ->each([&args](const std::string&) { args.folder_options_given = true; });
}

// The image-folder options of the command line; skipped files are printed as warnings.
ImageFolderOptions folder_options(const std::string& name, const DatasetArgs& args) {
  if (name != "image-folder" && args.folder_options_given)
    throw ConfigError(
        "--image-size, --on-unreadable, --labels, --holdout, --streaming and --memory-budget apply to image-folder "
        "only, not " +
        name);
  ImageFolderOptions folder;
  folder.image_size = args.image_size;
  folder.on_unreadable = parse_unreadable_policy(args.on_unreadable);
  folder.labels = parse_folder_labels(args.labels);
  folder.holdout_fraction = args.holdout_fraction;
  folder.streaming = parse_folder_streaming(args.streaming);
  folder.memory_budget_mb = args.memory_budget_mb;
  folder.on_warning = [](const std::string& line) { std::cerr << "warning: " << line << "\n"; };
  return folder;
}

// The channel-statistics cache: one per dataset, and one per image folder (named by its
// image_folder_id, as runs name theirs), so two folders never share statistics.
fs::path stats_cache_file(const std::string& stats_name) {
  return default_cache_dir() / ("channel-stats-" + stats_name + ".json");
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string shape_text(const ImageDataset& ds) {
  return std::to_string(ds.channels()) + "x" + std::to_string(ds.height()) + "x" + std::to_string(ds.width());
}

void run_info(const DatasetArgs& args, const GlobalOptions& global) {
  const std::string name = canonical_dataset_name(args.name);
  const ImageFolderOptions folder = folder_options(name, args);
  const fs::path dir = locate_dataset(name, args.path, fs::current_path());
  const auto t0 = std::chrono::steady_clock::now();
  ImageFolderStats folder_stats;
  const DatasetSplits d = load_dataset(name, dir, folder, &folder_stats);
  const double load_s = seconds_since(t0);
  const std::string stats_name = channel_stats_name(name, dir, folder);
  const ChannelStats stats = load_or_compute_channel_stats(d.train, stats_name, stats_cache_file(stats_name));

  std::cout << "dataset   " << d.name << "\n"
            << "location  " << d.root.string() << "\n"
            << "train     " << d.train.size() << " images\n"
            << "test      " << d.test.size() << " images\n"
            << "image     " << shape_text(d.train) << " (channels x height x width), uint8\n"
            << "loaded in " << fixed(load_s, 2) << " s\n";
  if (name == "image-folder")
    std::cout << "skipped   " << folder_stats.skipped << " unreadable file(s) of " << folder_stats.files << "\n";
  if (folder_stats.streamed)
    std::cout << "streamed  decoded as used: all of it would take " << (folder_stats.decoded_bytes >> 20)
              << " MB, the memory budget is " << (folder_stats.budget_bytes >> 20) << " MB\n";
  if (!d.held_out.empty()) std::cout << "test      " << d.held_out << "\n";
  if (!d.train.labelled())
    std::cout << "labels    none (kNN accuracy and probes are off; the monitor uses pair retrieval)\n";
  std::cout << "\n";

  if (d.train.labelled()) {
    const auto train_counts = d.train.class_counts();
    const auto test_counts = d.test.class_counts();
    size_t width = 5;
    for (const auto& c : d.train.class_names) width = std::max(width, c.size());
    char line[256];
    std::snprintf(line, sizeof line, "%3s  %-*s %8s %8s\n", "#", static_cast<int>(width), "class", "train", "test");
    std::cout << line;
    for (size_t i = 0; i < d.train.class_names.size(); ++i) {
      std::snprintf(line, sizeof line, "%3zu  %-*s %8lld %8lld\n", i, static_cast<int>(width),
                    d.train.class_names[i].c_str(), static_cast<long long>(train_counts[i]),
                    static_cast<long long>(test_counts[i]));
      std::cout << line;
    }
  }

  std::string mean, std;
  for (size_t c = 0; c < stats.mean.size(); ++c) {
    mean += (c ? ", " : "") + fixed(stats.mean[c], 4);
    std += (c ? ", " : "") + fixed(stats.std[c], 4);
  }
  std::cout << "\nper-channel mean (train, pixels in [0,1])  [" << mean << "]\n"
            << "per-channel std                            [" << std << "]\n";
  (void)global;
}

void run_verify(const DatasetArgs& args, const GlobalOptions& global) {
  const std::string name = canonical_dataset_name(args.name);
  ImageFolderOptions folder = folder_options(name, args);
  folder.use_cache = false;  // verify reads every file, not the decoded cache
  const fs::path dir = locate_dataset(name, args.path, fs::current_path());
  if (!global.quiet) std::cerr << "Checking " << name << " in " << dir.string() << " ...\n";
  const auto t0 = std::chrono::steady_clock::now();
  ImageFolderStats folder_stats;
  const DatasetSplits d = load_dataset(name, dir, folder, &folder_stats);  // throws DataError naming the bad file
  d.train.check(dir.string() + " (train)");
  d.test.check(dir.string() + " (test)");
  // A streamed split was only listed: decode every file now, as a load into memory would.
  for (const ImageDataset* split : {&d.train, &d.test})
    if (split->streamed())
      for (int64_t i = 0; i < split->size(); i += 256) (void)split->rows(i, i + 256);
  std::string warnings;
  const auto counts = d.train.class_counts();
  for (size_t i = 0; i < counts.size(); ++i)
    if (counts[i] == 0) warnings += "\nwarning: class '" + d.train.class_names[i] + "' has no training images";
  if (folder_stats.skipped > 0)
    warnings += "\nwarning: " + std::to_string(folder_stats.skipped) + " unreadable file(s) skipped (listed above)";
  std::cout << "OK  " << name << " at " << dir.string() << ": " << d.train.size() << " train + " << d.test.size()
            << " test images of " << shape_text(d.train) << ", "
            << (d.train.labelled() ? std::to_string(d.train.num_classes()) + " classes" : std::string("no labels"))
            << " (" << fixed(seconds_since(t0), 2) << " s)" << warnings << "\n";
}

void run_export(const ExportArgs& args, const GlobalOptions& global) {
  check_choice("--split", args.split, "train|test");
  if (args.to.empty()) throw ConfigError("--to: the folder to write the images into is required");
  const std::string name = canonical_dataset_name(args.dataset.name);
  const fs::path dir = locate_dataset(name, args.dataset.path, fs::current_path());
  const DatasetSplits d = load_dataset(name, dir, folder_options(name, args.dataset));
  StopToken stop;
  TerminalProgress bar(global.quiet);
  ImageExportResult result;
  {
    InterruptScope interrupt(stop);
    result = export_images(args.split == "train" ? d.train : d.test, args.to, args.options, bar.callbacks(), stop);
  }
  std::cout << "wrote " << result.written << " " << args.options.format << " files of " << name << "'s " << args.split
            << " split into " << args.to << "\n";
  if (!result.labels_csv.empty()) std::cout << "labels (path,label): " << result.labels_csv.string() << "\n";
}

void run_download(const DownloadArgs& args, const GlobalOptions& global) {
  const std::string name = canonical_dataset_name(args.name);
  if (name != "cifar10")
    throw ConfigError("dataset download: only cifar10 can be downloaded" +
                      std::string(name == "fashion-mnist"
                                      ? "; install Fashion-MNIST with `apt install dataset-fashion-mnist`"
                                      : "; put the MNIST IDX files into a folder and use --path"));
  if (!download_supported()) download_cifar10({}, {}, StopToken());  // throws the reason
  DownloadOptions opt;
  opt.dest_dir = args.dest.empty() ? default_download_dir() : fs::absolute(args.dest);
  if (!args.url.empty()) opt.url = args.url;
  if (!args.md5.empty()) opt.md5 = args.md5 == "none" ? std::string() : args.md5;
  check_md5_hex(opt.md5);

  const fs::path existing = opt.dest_dir / "cifar-10-batches-bin";
  if (!args.force && looks_like_dataset(name, existing)) {
    load_dataset(name, existing);  // a broken copy is reported rather than kept silently
    std::cout << "cifar10 is already in " << existing.string() << " (use --force to download it again)\n";
    return;
  }

  StopToken stop;
  TerminalProgress bar(global.quiet);
  fs::path dir;
  {
    InterruptScope interrupt(stop);  // Ctrl+C cancels cleanly: temporary files removed
    dir = download_cifar10(opt, bar.callbacks(), stop);
  }
  const DatasetSplits d = load_dataset(name, dir);
  std::cout << "cifar10 ready in " << dir.string() << ": " << d.train.size() << " train + " << d.test.size()
            << " test images\n";
  const fs::path default_dir = default_download_dir() / "cifar-10-batches-bin";
  if (fs::weakly_canonical(dir) != fs::weakly_canonical(default_dir) && !global.quiet)
    std::cout << "Not in a default location: pass --path " << dir.string()
              << " or set SIMCLR_DATA_DIR=" << opt.dest_dir.string() << "\n";
}

}  // namespace

void register_dataset_commands(CLI::App& root, const GlobalOptions& global) {
  CLI::App* dataset = root.add_subcommand("dataset", "Inspect, verify, export and download datasets");
  dataset->require_subcommand(1);

  auto info_args = std::make_shared<DatasetArgs>();
  CLI::App* info = dataset->add_subcommand(
      "info", "Where a dataset is found, its split sizes, image shape, classes and per-channel mean/std");
  add_dataset_args(info, *info_args);
  info->callback([info_args, &global] { run_info(*info_args, global); });

  auto verify_args = std::make_shared<DatasetArgs>();
  CLI::App* verify =
      dataset->add_subcommand("verify", "Read every file of a dataset and report OK or the first problem");
  add_dataset_args(verify, *verify_args);
  verify->callback([verify_args, &global] { run_verify(*verify_args, global); });

  auto export_args = std::make_shared<ExportArgs>();
  CLI::App* exporter = dataset->add_subcommand(
      "export",
      "Write a split as image files: flat (NNNNN.png, the labels in <folder>-labels.csv beside it) or in "
      "<class>/ folders");
  add_dataset_args(exporter, export_args->dataset);
  exporter->add_option("--to", export_args->to, "A new (or empty) folder for the images")->required();
  exporter->add_option("--split", export_args->split, "train or test")->capture_default_str();
  exporter->add_option("--layout", export_args->options.layout, "flat or folders")->capture_default_str();
  exporter->add_option("--format", export_args->options.format, "png or jpg")->capture_default_str();
  exporter->add_option("--size", export_args->options.size, "Resize and centre-crop to N x N (0 = as they are)")
      ->capture_default_str();
  exporter->add_option("--jpeg-quality", export_args->options.jpeg_quality, "JPEG quality, 1-100")
      ->capture_default_str();
  exporter->callback([export_args, &global] { run_export(*export_args, global); });

  auto dl_args = std::make_shared<DownloadArgs>();
  CLI::App* download = dataset->add_subcommand("download", "Download, verify (MD5) and unpack a dataset");
  download->add_option("name", dl_args->name, "Dataset to download (cifar10)")->required();
  download->add_option("--dest", dl_args->dest,
                       "Folder to unpack into (default: " + default_download_dir().string() + ")");
  download->add_option("--url", dl_args->url, "Archive URL (a mirror)")->default_str(DownloadOptions{}.url);
  download->add_option("--md5", dl_args->md5, "Expected MD5 of the archive in hex, or 'none' to skip the check")
      ->default_str(DownloadOptions{}.md5);
  download->add_flag("--force", dl_args->force, "Download again even when the dataset is already there");
  download->callback([dl_args, &global] { run_download(*dl_args, global); });
}

}  // namespace simclr::cli
