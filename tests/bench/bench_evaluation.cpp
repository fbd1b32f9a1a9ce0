// Evaluation speed: feature extraction (images/s through the encoder and head in eval mode,
// as embed_images runs it for every analysis, channels-last as the quickstart trains) for
// the quickstart model and the full ResNet-18, and the weighted kNN classifier (k = 200,
// T = 0.1) over the full CIFAR-10 test split (10 000 queries) against the training split
// (50 000 bank rows) of 512-d features. kNN time does not depend on what the features are,
// so they are seeded clustered ReLU features with CIFAR-10's real labels when it is found:
// extracting 60 000 real ones would cost minutes and measure the encoder again.
// tests/bench/reference/pytorch_simclr.py --mode features / --mode knn is the PyTorch side.
//
//   build/tests/bench/bench_evaluation [--images 2048] [--batch 512] [--only quickstart|resnet18|knn]
//       [--warmup 1] [--repeats 3] [--knn-repeats 3] [--threads 2] [--json FILE]
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include <torch/torch.h>

#include "engine/core/allocator_tuning.h"
#include "engine/core/blas_tuning.h"
#include "engine/core/device.h"
#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/core/version.h"
#include "engine/data/dataset_locator.h"
#include "engine/eval/feature_extractor.h"
#include "engine/eval/knn_classifier.h"
#include "engine/project/project_file.h"
#include "engine/train/run_setup.h"
#include "tests/bench/bench_stats.h"

using namespace simclr;
namespace fs = std::filesystem;

namespace {

struct Args {
  int64_t images = 2048, batch = 512, bank = 50000, queries = 10000, dim = 512, k = 200;
  int warmup = 1, repeats = 3, knn_repeats = 3, threads = 2;
  std::string only, json_file;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&] { return bench::option_value(argc, argv, i); };
    if (arg == "--images")
      a.images = std::stoll(value());
    else if (arg == "--batch")
      a.batch = std::stoll(value());
    else if (arg == "--only")
      a.only = value();
    else if (arg == "--warmup")
      a.warmup = std::stoi(value());
    else if (arg == "--repeats")
      a.repeats = std::stoi(value());
    else if (arg == "--knn-repeats")
      a.knn_repeats = std::stoi(value());
    else if (arg == "--threads")
      a.threads = std::stoi(value());
    else if (arg == "--json")
      a.json_file = value();
    else
      throw ConfigError("unknown argument " + arg);
  }
  if (a.images < 1 || a.batch < 1 || a.repeats < 1 || a.knn_repeats < 1 || a.warmup < 0 || a.threads < 1)
    throw ConfigError("--images, --batch, --repeats, --knn-repeats, --threads >= 1, --warmup >= 0");
  return a;
}

// ReLU features (ResNet's h is non-negative) around one centre per class [10, D].
torch::Tensor clustered_features(const torch::Tensor& centres, const torch::Tensor& labels, at::Generator& gen) {
  return (centres.index_select(0, labels % 10) + at::randn({labels.size(0), centres.size(1)}, gen)).relu();
}

}  // namespace

int main(int argc, char** argv) try {
  tune_blas_for_cpu(argv);  // first: it may restart the process with faster BLAS kernels
  tune_allocator_for_tensors();
  const Args args = parse(argc, argv);
  configure_threads(args.threads);
  torch::NoGradGuard no_grad;

  std::optional<DatasetSplits> data;
  try {
    data = find_and_load_dataset("cifar10", "", fs::current_path());
  } catch (const DataError&) {
  }
  const std::string source = data ? "cifar10" : "random pixels and labels (CIFAR-10 not found)";
  const std::vector<double> mean{0.4914, 0.4822, 0.4465}, std{0.2470, 0.2435, 0.2616};

  nlohmann::json report = {{"benchmark", "evaluation"}, {"build", build_summary()}, {"blas_core", blas_core_name()},
                           {"threads", args.threads},   {"data", source},           {"cases", nlohmann::json::array()}};
  std::printf("evaluation, %d threads, data: %s\n", args.threads, source.c_str());

  // Feature extraction.
  torch::Tensor images;
  if (data) {
    images = data->test.images.slice(0, 0, std::min(args.images, data->test.size()));
  } else {
    auto gen = make_generator(3);
    images = torch::randint(0, 256, {args.images, 3, 32, 32}, gen, torch::kUInt8);
  }
  const ProjectConfig quickstart = load_project(fs::path(SIMCLR_SOURCE_DIR) / "projects" / "quickstart.json");
  struct Case {
    std::string name;
    int64_t width;
  };
  for (const Case& c : {Case{"quickstart", 16}, Case{"resnet18", 64}}) {
    if (!args.only.empty() && args.only != c.name) continue;
    ProjectConfig project = quickstart;
    project.model.width = c.width;
    torch::manual_seed(5);
    SimCLRModel model = build_model(project, 3);
    if (project.training.channels_last) to_channels_last(*model);
    EmbedOptions options;
    options.batch_size = args.batch;
    options.mean = mean;
    options.std = std;
    options.channels_last = project.training.channels_last;
    const auto ms = bench::time_ms(args.warmup, args.repeats, [&] { (void)embed_images(model, images, options); });
    const auto rate = bench::per_second(ms, static_cast<double>(images.size(0)));
    const std::string name = "features " + c.name + " (w=" + std::to_string(c.width) + ")";
    std::printf("  %-30s %s images/s (%lld images, batch %lld)\n", name.c_str(), bench::describe(rate, 0).c_str(),
                static_cast<long long>(images.size(0)), static_cast<long long>(args.batch));
    report["cases"].push_back({{"name", name},
                               {"model", c.name},
                               {"width", c.width},
                               {"images", images.size(0)},
                               {"images_per_s", bench::to_json(rate)},
                               {"ms", bench::to_json(ms)}});
  }

  // kNN over the full test split.
  if (args.only.empty() || args.only == "knn") {
    torch::Tensor bank_labels = data ? data->train.labels : torch::arange(args.bank) % 10;
    torch::Tensor query_labels = data ? data->test.labels : torch::arange(args.queries) % 10;
    auto gen = make_generator(21);
    const auto centres = at::randn({10, args.dim}, gen);
    const auto bank = clustered_features(centres, bank_labels, gen);
    const auto queries = clustered_features(centres, query_labels, gen);
    KnnOptions options;
    options.ks = {args.k};
    options.temperature = 0.1;
    double top1 = 0;
    const auto ms = bench::time_ms(0, args.knn_repeats, [&] {
      top1 = knn_accuracy(bank, bank_labels, queries, query_labels, options).front().top1;
    });
    std::printf("  %-30s %s ms (%lld queries x %lld bank x %lld-d, k = %lld; top-1 %.3f)\n", "kNN full test split",
                bench::describe(ms, 0).c_str(), static_cast<long long>(queries.size(0)),
                static_cast<long long>(bank.size(0)), static_cast<long long>(args.dim), static_cast<long long>(args.k),
                top1);
    report["cases"].push_back({{"name", "knn"},
                               {"queries", queries.size(0)},
                               {"bank", bank.size(0)},
                               {"dim", args.dim},
                               {"k", args.k},
                               {"top1", top1},
                               {"ms", bench::to_json(ms)}});
  }
  bench::finish_report(report, args.json_file);
  return 0;
} catch (const Error& e) {
  std::cerr << "error: " << e.what() << '\n';
  return e.is_bad_input() ? 2 : 1;
}
