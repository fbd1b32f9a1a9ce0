// Training throughput of the real SimCLR step (the engine's trainer on real CIFAR-10):
// views per second, split into augmentation time and model time (forward, loss, backward,
// optimizer), for the quickstart model and the full-width ResNet-18, at batch 256.
//
//   SIMCLR_DATA_DIR=../shared/data build/tests/bench/bench_training_throughput [--steps N]
//       [--warmup N] [--threads N] [--json FILE] [--only quickstart|resnet18] [--precision auto|fp32]
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
    else
      throw ConfigError("unknown argument " + arg);
  }
  if (a.steps < 1 || a.warmup < 0) throw ConfigError("--steps must be >= 1 and --warmup >= 0");
  return a;
}
}  // namespace

int main(int argc, char** argv) try {
  tune_blas_for_cpu(argv);  // first: it may restart the process with faster BLAS kernels
  tune_allocator_for_tensors();
  const Args args = parse(argc, argv);
  const fs::path scratch = fs::temp_directory_path() / ("simclr-bench-" + std::to_string(std::random_device{}()));
  const fs::path project_file = fs::path(SIMCLR_SOURCE_DIR) / "projects" / "quickstart.json";

  nlohmann::json report = {{"benchmark", "training_throughput"},
                           {"build", build_summary()},
                           {"blas_core", blas_core_name()},
                           {"batch_size", args.batch},
                           {"cases", nlohmann::json::array()}};
  std::printf("%-22s %-30s %-26s %-26s\n", "model", "views/s", "augment ms/step", "model ms/step");
  for (const Case& c : {Case{"quickstart (w=16)", 16}, Case{"resnet18 (w=64)", 64}}) {
    if (!args.only.empty() && c.name.rfind(args.only, 0) != 0) continue;
    ProjectConfig project = load_project(project_file);
    project.model.width = c.width;
    project.training.batch_size = args.batch;
    project.training.device = "cpu";
    project.training.threads = args.threads;
    if (!args.precision.empty()) project.training.precision = args.precision;
    project.training.max_steps = args.warmup + args.steps;
    project.evaluation.knn_every_epochs = 0;
    TrainOptions options;
    options.runs_root = scratch;
    std::vector<double> views, augment, model;
    TrainCallbacks callbacks;
    callbacks.on_step = [&](const StepMetrics& m) {
      if (m.step <= args.warmup) return;
      views.push_back(m.views_per_s);
      augment.push_back(m.augment_ms);
      model.push_back(m.model_ms);
    };
    train(project, options, callbacks, StopToken());
    const auto v = bench::summarize(views), a = bench::summarize(augment), m = bench::summarize(model);
    std::printf("%-22s %-30s %-26s %-26s\n", c.name.c_str(), bench::describe(v).c_str(), bench::describe(a).c_str(),
                bench::describe(m).c_str());
    report["cases"].push_back({{"name", c.name},
                               {"width", c.width},
                               {"views_per_s", bench::to_json(v)},
                               {"augment_ms", bench::to_json(a)},
                               {"model_ms", bench::to_json(m)}});
  }
  std::error_code ec;
  fs::remove_all(scratch, ec);
  bench::finish_report(report, args.json_file);
  return 0;
} catch (const Error& e) {
  std::cerr << "error: " << e.what() << '\n';
  return e.is_bad_input() ? 2 : 1;
}
