// Training throughput of the real SimCLR step (the engine's trainer on CIFAR-10, or on a
// generated CIFAR-format set): views per second, split into augmentation time and model time
// (forward, loss, backward, optimizer), for the quickstart model and the full-width
// ResNet-18, at batch 256; seconds per 50 000-image epoch from the wall time of the timed
// steps; on CUDA the peak memory of LibTorch's caching allocator. The project's device
// profiles are not applied: each case is the width and batch it names, on --device.
// (On CUDA the augmentation time is when the views' kernels were queued, not run.)
//
//   SIMCLR_DATA_DIR=../shared/data build/tests/bench/bench_training_throughput [--steps N]
//       [--warmup N] [--threads N] [--batch N] [--json FILE] [--only quickstart|resnet18]
//       [--precision auto|fp32|bf16|fp16] [--device cpu|cuda|cuda:N] [--epoch-images 50000]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>

#include "engine/core/allocator_tuning.h"
#include "engine/core/blas_tuning.h"
#include "engine/core/error.h"
#include "engine/core/version.h"
#include "engine/project/project_file.h"
#include "engine/train/trainer.h"
#include "tests/bench/bench_stats.h"
#include "tests/bench/cuda_memory.h"

using namespace simclr;
namespace fs = std::filesystem;

namespace {
struct Case {
  std::string name;
  int64_t width;
};

struct Args {
  int steps = 5;
  int warmup = 2;
  int threads = 0;
  int64_t batch = 256;
  std::string json_file;
  std::string only;
  std::string precision;  // empty: the project's ("auto")
  std::string device = "cpu";
  int64_t epoch_images = 50000;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&] { return bench::option_value(argc, argv, i); };
    if (arg == "--steps")
      a.steps = std::stoi(value());
    else if (arg == "--warmup")
      a.warmup = std::stoi(value());
    else if (arg == "--threads")
      a.threads = std::stoi(value());
    else if (arg == "--batch")
      a.batch = std::stoll(value());
    else if (arg == "--json")
      a.json_file = value();
    else if (arg == "--only")
      a.only = value();
    else if (arg == "--precision")
      a.precision = value();
    else if (arg == "--device")
      a.device = value();
    else if (arg == "--epoch-images")
      a.epoch_images = std::stoll(value());
    else
      throw ConfigError("unknown argument " + arg);
  }
  if (a.steps < 1 || a.warmup < 0) throw ConfigError("--steps must be >= 1 and --warmup >= 0");
  if (a.epoch_images < 1) throw ConfigError("--epoch-images must be >= 1");
  return a;
}
}  // namespace

int main(int argc, char** argv) try {
  tune_blas_for_cpu(argv);  // first: it may restart the process with faster BLAS kernels
  tune_allocator_for_tensors();
  const Args args = parse(argc, argv);
  const fs::path scratch = fs::temp_directory_path() / ("simclr-bench-" + std::to_string(std::random_device{}()));
  const fs::path project_file = fs::path(SIMCLR_SOURCE_DIR) / "projects" / "quickstart.json";

  nlohmann::json report = {
      {"benchmark", "training_throughput"}, {"build", build_summary()}, {"blas_core", blas_core_name()},
      {"batch_size", args.batch},           {"device", args.device},    {"epoch_images", args.epoch_images},
      {"cases", nlohmann::json::array()}};
  std::printf("%-22s %-30s %-26s %-26s %-10s %s\n", "model", "views/s", "augment ms/step", "model ms/step", "s/epoch",
              "peak MiB");
  for (const Case& c : {Case{"quickstart (w=16)", 16}, Case{"resnet18 (w=64)", 64}}) {
    if (!args.only.empty() && c.name.rfind(args.only, 0) != 0) continue;
    ProjectConfig project = load_project(project_file);
    project.model.width = c.width;
    project.training.batch_size = args.batch;
    project.training.device = args.device;
    project.profiles = nlohmann::json::object();  // the case's own width and batch on any device
    project.training.threads = args.threads;
    if (!args.precision.empty()) project.training.precision = args.precision;
    project.training.max_steps = args.warmup + args.steps;
    project.evaluation.knn_every_epochs = 0;
    TrainOptions options;
    options.runs_root = scratch;
    std::vector<double> views, augment, model;
    std::vector<double> losses;
    std::chrono::steady_clock::time_point timed_from, timed_to;
    bench::reset_cuda_peak(args.device);
    TrainCallbacks callbacks;
    callbacks.on_step = [&](const StepMetrics& m) {
      losses.push_back(m.loss);
      timed_to = std::chrono::steady_clock::now();
      if (m.step == args.warmup) timed_from = timed_to;  // the timed steps start after this one
      if (m.step <= args.warmup) return;
      views.push_back(m.views_per_s);
      augment.push_back(m.augment_ms);
      model.push_back(m.model_ms);
    };
    if (args.warmup == 0) timed_from = std::chrono::steady_clock::now();
    train(project, options, callbacks, StopToken());
    const auto v = bench::summarize(views), a = bench::summarize(augment), m = bench::summarize(model);
    // Wall time of the timed steps (everything the trainer does between them included).
    const double timed_s = std::chrono::duration<double>(timed_to - timed_from).count();
    const double images_per_s = static_cast<double>(views.size()) * static_cast<double>(args.batch) / timed_s;
    const double epoch_s = static_cast<double>(args.epoch_images) / images_per_s;
    const bench::CudaPeak peak = bench::cuda_peak(args.device);
    char epoch_text[32], peak_text[48];
    std::snprintf(epoch_text, sizeof epoch_text, "%.2f", epoch_s);
    std::snprintf(peak_text, sizeof peak_text, peak.known ? "%.0f (reserved %.0f)" : "-", peak.allocated_mib,
                  peak.reserved_mib);
    std::printf("%-22s %-30s %-26s %-26s %-10s %s\n", c.name.c_str(), bench::describe(v).c_str(),
                bench::describe(a).c_str(), bench::describe(m).c_str(), epoch_text, peak_text);
    report["cases"].push_back({{"name", c.name},
                               {"width", c.width},
                               {"views_per_s", bench::to_json(v)},
                               {"augment_ms", bench::to_json(a)},
                               {"model_ms", bench::to_json(m)},
                               {"seconds_per_epoch", epoch_s},
                               {"views_per_s_wall", 2 * images_per_s},
                               {"first_loss", losses.empty() ? 0.0 : losses.front()},
                               {"last_loss", losses.empty() ? 0.0 : losses.back()},
                               {"peak_cuda_allocated_mib", peak.known ? nlohmann::json(peak.allocated_mib) : nullptr},
                               {"peak_cuda_reserved_mib", peak.known ? nlohmann::json(peak.reserved_mib) : nullptr}});
  }
  std::error_code ec;
  fs::remove_all(scratch, ec);
  bench::finish_report(report, args.json_file);
  return 0;
} catch (const Error& e) {
  std::cerr << "error: " << e.what() << '\n';
  return e.is_bad_input() ? 2 : 1;
}
