// The streaming image folder as the trainer reads it: every image of a folder once, in a
// seeded random order, a batch at a time, the next batch prefetched while this one is taken
// (engine/train/train_step.cpp does the same). Reports images/s and the most decoded-image
// bytes the stream held; run it under tests/bench/peak_rss.py for the process's peak RSS,
// the same way as the torchvision reference (tests/bench/reference/torchvision_folder_loader.py).
//
//   build/tests/bench/bench_streaming_loader --folder DIR [--image-size 64] [--batch 256]
//       [--budget-mb 256] [--threads 2] [--epochs 1] [--decoded-cache FILE] [--json FILE]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/data/image_file.h"
#include "engine/data/streaming_image_folder.h"
#include "tests/bench/bench_stats.h"

using namespace simclr;
namespace fs = std::filesystem;

namespace {

struct Args {
  fs::path folder, decoded_cache;
  int64_t image_size = 64, batch = 256, budget_mb = 256, epochs = 1;
  int threads = 2;
  std::string json_file;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&] { return bench::option_value(argc, argv, i); };
    if (arg == "--folder")
      a.folder = value();
    else if (arg == "--image-size")
      a.image_size = std::stoll(value());
    else if (arg == "--batch")
      a.batch = std::stoll(value());
    else if (arg == "--budget-mb")
      a.budget_mb = std::stoll(value());
    else if (arg == "--threads")
      a.threads = std::stoi(value());
    else if (arg == "--epochs")
      a.epochs = std::stoll(value());
    else if (arg == "--decoded-cache")
      a.decoded_cache = value();
    else if (arg == "--json")
      a.json_file = value();
    else
      throw ConfigError("unknown argument " + arg);
  }
  if (a.folder.empty()) throw ConfigError("--folder is required");
  if (a.batch < 1 || a.epochs < 1 || a.image_size < 1) throw ConfigError("--batch, --epochs, --image-size must be >= 1");
  return a;
}

}  // namespace

int main(int argc, char** argv) try {
  const Args args = parse(argc, argv);
  at::set_num_threads(1);  // the decoding pool is the loader's parallelism, as the reference's workers are
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(args.folder))
    if (e.is_regular_file() && is_image_file_name(e.path())) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  const int64_t n = int64_t(files.size());
  if (n == 0) throw ConfigError(args.folder.string() + ": no image files");

  StreamingOptions so;
  so.image_size = args.image_size;
  so.budget_bytes = args.budget_mb << 20;
  so.threads = args.threads;
  so.decoded_cache = args.decoded_cache;
  so.cache_key = args.folder.string();
  StreamingImageFolder stream(files, so);

  std::vector<double> epoch_s;
  int64_t checksum = 0;
  for (int64_t epoch = 0; epoch < args.epochs; ++epoch) {
    auto gen = make_generator(derive_seed(1, {uint64_t(epoch)}));
    const torch::Tensor order = torch::randperm(n, gen, torch::kLong);
    const auto start = std::chrono::steady_clock::now();
    for (int64_t begin = 0; begin < n; begin += args.batch) {
      const int64_t end = std::min(n, begin + args.batch);
      if (end < n) stream.prefetch(order.slice(0, end, std::min(n, end + args.batch)));
      const torch::Tensor images = stream.fetch(order.slice(0, begin, end));
      checksum += images.select(1, 0).select(1, 0).select(1, 0).sum().item<int64_t>();  // touch the batch
    }
    epoch_s.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    std::printf("epoch %lld: %lld images in %.1f s, %.0f images/s\n", static_cast<long long>(epoch + 1),
                static_cast<long long>(n), epoch_s.back(), double(n) / epoch_s.back());
  }
  const double best = *std::min_element(epoch_s.begin(), epoch_s.end());
  std::printf("ours: %.0f images/s (best epoch), %d decoding threads, budget %lld MB, peak decoded bytes held %.1f MB, "
              "%lld files decoded (checksum %lld)\n",
              double(n) / best, args.threads, static_cast<long long>(args.budget_mb),
              double(stream.peak_held_bytes()) / (1 << 20), static_cast<long long>(stream.decoded_files()),
              static_cast<long long>(checksum));
  {
    nlohmann::json j = {{"benchmark", "streaming_loader"},  {"images", n},
                        {"image_size", args.image_size},     {"batch", args.batch},
                        {"threads", args.threads},           {"budget_mb", args.budget_mb},
                        {"epoch_s", epoch_s},                {"images_per_s", double(n) / best},
                        {"peak_held_mb", double(stream.peak_held_bytes()) / (1 << 20)},
                        {"decoded_files", stream.decoded_files()}};
    bench::finish_report(j, args.json_file);
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "bench_streaming_loader: %s\n", e.what());
  return 2;
}
