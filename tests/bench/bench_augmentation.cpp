// Augmentation throughput: every preset of engine/augment applied to a batch of 256 CIFAR-10
// images (uint8, as the trainer feeds them), at the native 32 px and with the pipeline's
// image_size 224 (the seed paper's resize), followed by the channel normalisation the trainer
// does. One sample = one view of the whole batch with a fresh generator, as in training.
// tests/bench/reference/pytorch_simclr.py --mode augmentation is the torchvision side.
//
// Real CIFAR-10 training images when found ($SIMCLR_DATA_DIR, ...), otherwise seeded random
// pixels (the report says which; the cost of these ops does not depend on the pixels).
//
//   build/tests/bench/bench_augmentation [--batch 256] [--sizes 32,224] [--presets a,b]
//       [--warmup 2] [--repeats 10] [--threads 2] [--json FILE]
//       [--pipeline '{"preset": "custom", "ops": [...]}']   (one pipeline instead of the presets)
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "engine/augment/augment_pipeline.h"
#include "engine/core/allocator_tuning.h"
#include "engine/core/blas_tuning.h"
#include "engine/core/device.h"
#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/core/version.h"
#include "engine/data/dataset_locator.h"
#include "tests/bench/bench_stats.h"

using namespace simclr;
namespace fs = std::filesystem;

namespace {

struct Args {
  int64_t batch = 256;
  std::vector<int64_t> sizes{32, 224};
  std::vector<std::string> presets = AugmentPipeline::preset_names();
  int warmup = 2, repeats = 10, threads = 2;
  std::string json_file;
};

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&] { return bench::option_value(argc, argv, i); };
    if (arg == "--batch")
      a.batch = std::stoll(value());
    else if (arg == "--sizes") {
      a.sizes.clear();
      for (const auto& s : split(value())) a.sizes.push_back(std::stoll(s));
    } else if (arg == "--presets")
      a.presets = split(value());
    else if (arg == "--pipeline")
      a.presets = {value()};
    else if (arg == "--warmup")
      a.warmup = std::stoi(value());
    else if (arg == "--repeats")
      a.repeats = std::stoi(value());
    else if (arg == "--threads")
      a.threads = std::stoi(value());
    else if (arg == "--json")
      a.json_file = value();
    else
      throw ConfigError("unknown argument " + arg);
  }
  if (a.batch < 1 || a.repeats < 1 || a.warmup < 0 || a.threads < 1 || a.sizes.empty())
    throw ConfigError("--batch, --repeats, --threads >= 1, --warmup >= 0, --sizes not empty");
  return a;
}

}  // namespace

int main(int argc, char** argv) try {
  tune_blas_for_cpu(argv);  // first: it may restart the process with faster BLAS kernels
  tune_allocator_for_tensors();
  const Args args = parse(argc, argv);
  configure_threads(args.threads);

  torch::Tensor images;
  std::string source;
  try {
    const DatasetSplits data = find_and_load_dataset("cifar10", "", fs::current_path());
    images = data.train.images.slice(0, 0, args.batch).clone();
    source = "cifar10 train[0:" + std::to_string(args.batch) + "]";
  } catch (const DataError&) {
    auto gen = make_generator(3);
    images = torch::randint(0, 256, {args.batch, 3, 32, 32}, gen, torch::kUInt8);
    source = "random pixels (CIFAR-10 not found)";
  }
  // CIFAR-10's training-set statistics (what the trainer normalises with).
  const std::vector<double> mean{0.4914, 0.4822, 0.4465}, std{0.2470, 0.2435, 0.2616};

  nlohmann::json report = {{"benchmark", "augmentation"},     {"build", build_summary()},
                           {"blas_core", blas_core_name()},   {"batch_size", args.batch},
                           {"threads", args.threads},         {"images", source},
                           {"cases", nlohmann::json::array()}};
  std::printf("augmentation of %lld images (%s), %d threads, images/s median (IQR, n)\n",
              static_cast<long long>(args.batch), source.c_str(), args.threads);
  for (const int64_t size : args.sizes) {
    for (const auto& preset : args.presets) {
      nlohmann::json spec = preset.front() == '{' ? nlohmann::json::parse(preset) : nlohmann::json{{"preset", preset}};
      if (size != images.size(2)) spec["image_size"] = size;
      const AugmentPipeline pipeline = AugmentPipeline::from_json(spec);
      uint64_t step = 0;
      const auto ms = bench::time_ms(args.warmup, args.repeats, [&] {
        auto gen = make_generator(derive_seed(11, {step++}));
        const auto views = pipeline.apply_normalized(images, gen, mean, std);  // as the trainer does
        (void)views.data_ptr<float>();
      });
      const auto rate = bench::per_second(ms, static_cast<double>(args.batch));
      const std::string name = (preset.front() == '{' ? "custom" : preset) + " " + std::to_string(size) + "px";
      std::printf("  %-24s %s\n", name.c_str(), bench::describe(rate, 0).c_str());
      report["cases"].push_back({{"name", name},
                                 {"preset", preset},
                                 {"image_size", size},
                                 {"images_per_s", bench::to_json(rate)},
                                 {"ms_per_batch", bench::to_json(ms)}});
    }
  }
  bench::finish_report(report, args.json_file);
  return 0;
} catch (const Error& e) {
  std::cerr << "error: " << e.what() << '\n';
  return e.is_bad_input() ? 2 : 1;
}
