// Model step time: forward, NT-Xent, backward and optimizer step of the SimCLR model at
// batch 256 (512 views of 32x32), for the quickstart model (ResNet-18 width 16) and the full
// ResNet-18 (width 64), each in fp32 with contiguous tensors and as the trainer runs it
// (precision "auto": bf16 autocast on CPUs with native bf16, and channels-last). No data and
// no augmentation: the inputs are fixed normalised noise, so this is the model alone.
// tests/bench/reference/pytorch_simclr.py --mode model_step is the torchvision side (same
// model shapes, SGD with momentum, fp32).
//
//   build/tests/bench/bench_model_step [--batch 256] [--only quickstart|resnet18]
//       [--variants fp32,trainer] [--optimizer sgd] [--warmup 1] [--repeats 5] [--threads 2]
//       [--json FILE]
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "engine/core/allocator_tuning.h"
#include "engine/core/blas_tuning.h"
#include "engine/core/device.h"
#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/core/version.h"
#include "engine/losses/nt_xent_loss.h"
#include "engine/project/project_file.h"
#include "engine/train/precision.h"
#include "engine/train/run_setup.h"
#include "engine/train/train_optimizer.h"
#include "tests/bench/bench_stats.h"

using namespace simclr;
namespace fs = std::filesystem;

namespace {

struct Args {
  int64_t batch = 256;
  int warmup = 1, repeats = 5, threads = 2;
  std::string only, optimizer = "sgd", json_file;
  std::vector<std::string> variants{"fp32", "trainer"};
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&] { return bench::option_value(argc, argv, i); };
    if (arg == "--batch")
      a.batch = std::stoll(value());
    else if (arg == "--only")
      a.only = value();
    else if (arg == "--optimizer")
      a.optimizer = value();
    else if (arg == "--variants") {
      const std::string v = value();
      a.variants.clear();
      if (v.find("fp32") != std::string::npos) a.variants.push_back("fp32");
      if (v.find("trainer") != std::string::npos) a.variants.push_back("trainer");
    } else if (arg == "--warmup")
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
  if (a.batch < 2 || a.repeats < 1 || a.warmup < 0 || a.threads < 1 || a.variants.empty())
    throw ConfigError("--batch >= 2, --repeats and --threads >= 1, --warmup >= 0, --variants fp32 and/or trainer");
  return a;
}

}  // namespace

int main(int argc, char** argv) try {
  tune_blas_for_cpu(argv);  // first: it may restart the process with faster BLAS kernels
  tune_allocator_for_tensors();
  const Args args = parse(argc, argv);
  configure_threads(args.threads);
  const ProjectConfig quickstart = load_project(fs::path(SIMCLR_SOURCE_DIR) / "projects" / "quickstart.json");
  const torch::Device cpu(torch::kCPU);

  nlohmann::json report = {{"benchmark", "model_step"},     {"build", build_summary()},
                           {"blas_core", blas_core_name()}, {"batch_size", args.batch},
                           {"views", 2 * args.batch},       {"threads", args.threads},
                           {"optimizer", args.optimizer},   {"cases", nlohmann::json::array()}};
  std::printf("model step (forward + NT-Xent + backward + %s step), batch %lld = %lld views of 32x32, %d threads\n",
              args.optimizer.c_str(), static_cast<long long>(args.batch), static_cast<long long>(2 * args.batch),
              args.threads);
  struct Case {
    std::string name;
    int64_t width;
  };
  for (const Case& c : {Case{"quickstart", 16}, Case{"resnet18", 64}}) {
    if (!args.only.empty() && args.only != c.name) continue;
    for (const auto& variant : args.variants) {
      ProjectConfig project = quickstart;
      project.model.width = c.width;
      project.training.optimizer = args.optimizer;
      project.training.learning_rate = 0.06;
      project.training.weight_decay = 5e-4;
      const bool trainer = variant == "trainer";
      const torch::ScalarType dtype = trainer ? autocast_dtype(project.training.precision, cpu) : torch::kFloat;
      const bool channels_last = trainer && project.training.channels_last;

      torch::manual_seed(5);
      SimCLRModel model = build_model(project, 3);
      if (channels_last) to_channels_last(*model);
      model->train();
      TrainOptimizer optimizer(project.training, model->named_parameters());
      optimizer.set_learning_rate(project.training.learning_rate);
      NTXentLoss loss_fn(project.training.temperature);
      auto gen = make_generator(9);
      auto x = torch::randn({2 * args.batch, 3, 32, 32}, gen);
      if (channels_last) x = x.contiguous(torch::MemoryFormat::ChannelsLast);

      std::vector<double> losses;
      const auto ms = bench::time_ms(args.warmup, args.repeats, [&] {
        torch::Tensor z;
        {
          AutocastGuard autocast(cpu, dtype);
          z = model->forward(x).z;
        }
        z = z.to(torch::kFloat);
        const auto loss = loss_fn(z.slice(0, 0, args.batch), z.slice(0, args.batch, 2 * args.batch));
        losses.push_back(loss.item<double>());
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
      });
      const auto views = bench::per_second(ms, 2.0 * static_cast<double>(args.batch));
      const std::string name = c.name + " (w=" + std::to_string(c.width) + ") " +
                               (trainer ? std::string("trainer: ") + (dtype == torch::kBFloat16 ? "bf16" : "fp32") +
                                              (channels_last ? ", channels-last" : "")
                                        : std::string("fp32"));
      std::printf("  %-44s %s ms/step, %.1f views/s\n", name.c_str(), bench::describe(ms, 0).c_str(), views.median);
      report["cases"].push_back({{"name", name},
                                 {"model", c.name},
                                 {"width", c.width},
                                 {"variant", variant},
                                 {"autocast", dtype == torch::kBFloat16 ? "bf16" : "fp32"},
                                 {"channels_last", channels_last},
                                 {"step_ms", bench::to_json(ms)},
                                 {"views_per_s", bench::to_json(views)},
                                 {"losses", losses}});
    }
  }
  bench::finish_report(report, args.json_file);
  return 0;
} catch (const Error& e) {
  std::cerr << "error: " << e.what() << '\n';
  return e.is_bad_input() ? 2 : 1;
}
