// simclr-cli export weights RUN --format pytorch: the run's encoder as a PyTorch state dict
// with torchvision's ResNet parameter names, for users' own PyTorch code.
// A subcommand of `export` (which leaves its own RUN optional so that "weights" is seen).
#include <cctype>
#include <cstdio>

#include <torch/serialize.h>

#include "app/cli/cli_command.h"
#include "engine/core/error.h"
#include "engine/models/torchvision_weights.h"
#include "engine/project/run_folder.h"
#include "engine/train/checkpoint.h"
#include "engine/train/run_setup.h"

namespace simclr::cli {

namespace fs = std::filesystem;

namespace {

struct ExportWeightsArgs {
  std::string run;
  std::string checkpoint;
  std::string format;
  std::string out;
};

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (!std::isdigit(c)) return false;
  return true;
}

fs::path checkpoint_file(const RunFolder& run, const std::string& checkpoint) {
  if (checkpoint.empty()) {
    const fs::path latest = run.latest_checkpoint();
    if (latest.empty()) throw DataError(run.dir().string() + ": the run has no checkpoint yet");
    return latest;
  }
  const fs::path file = all_digits(checkpoint) ? run.checkpoint_file(std::stoll(checkpoint)) : fs::path(checkpoint);
  if (!fs::exists(file)) throw DataError("checkpoint '" + checkpoint + "': " + file.string() + " does not exist");
  return file;
}

// The image channels the encoder was built for, from conv1's weight [W, C, k, k] in the
// checkpoint: the weights can be exported without the dataset they were trained on.
int64_t checkpoint_channels(const fs::path& file) {
  try {
    torch::serialize::InputArchive archive, model, encoder, conv1;
    archive.load_from(file.string());
    archive.read("model", model);
    model.read("encoder", encoder);
    encoder.read("conv1", conv1);
    torch::Tensor weight;
    conv1.read("weight", weight);
    return weight.size(1);
  } catch (const c10::Error& e) {
    throw DataError(file.string() + ": not a checkpoint of a ResNet encoder (" + e.what_without_backtrace() + ")");
  }
}

void run_export_weights(const ExportWeightsArgs& args, const GlobalOptions& global) {
  if (args.format != "pytorch") throw ConfigError("--format: '" + args.format + "' is not one of pytorch");
  std::error_code ec;
  if (!fs::is_directory(args.run, ec)) throw DataError(args.run + ": no such run folder");
  const RunFolder folder(fs::absolute(args.run));
  ProjectConfig config;
  try {
    config = folder.read_config();
  } catch (const ConfigError& e) {
    throw DataError(e.what());
  }
  if (config.model.encoder == "vit")
    throw ConfigError(folder.dir().string() +
                      ": model.encoder is vit; torchvision has no layout for this "
                      "Vision Transformer, so only ResNet runs can be exported for torchvision");
  if (config.model.width != 64)
    throw ConfigError(folder.dir().string() + ": model.width is " + std::to_string(config.model.width) +
                      "; only width-64 encoders have torchvision's shapes, so only they can be exported "
                      "for torchvision (train with \"model\": {\"width\": 64})");
  const fs::path checkpoint = checkpoint_file(folder, args.checkpoint);
  SimCLRModel model = build_model(config, checkpoint_channels(checkpoint), /*image_size (ResNet: any)=*/0);
  const int64_t step = load_checkpoint(checkpoint, model, nullptr).step;
  const auto* resnet = dynamic_cast<const ResNetImpl*>(model->encoder.get());
  if (!resnet) throw ConfigError("only ResNet encoders can be exported for torchvision");
  const StateDict dict = torchvision_state_dict(*resnet);

  const fs::path out = args.out.empty() ? folder.dir() / "exports" / ("encoder-step" + std::to_string(step) + ".pt")
                                        : fs::path(args.out);
  if (out.has_parent_path()) fs::create_directories(out.parent_path(), ec);
  write_pytorch_state_dict(out, dict);

  const ResNetConfig& rc = resnet->config();
  const bool cifar = rc.stem == "cifar";
  if (!global.quiet)
    std::printf("exported the %s encoder of step %lld (%zu tensors, torchvision resnet%d names) to\n", rc.stem.c_str(),
                static_cast<long long>(step), dict.size(), rc.depth);
  std::printf("%s\n", out.c_str());
  if (global.quiet) return;
  std::printf(
      "load it in Python:\n"
      "  import torch, torchvision\n"
      "  m = torchvision.models.resnet%d(); m.fc = torch.nn.Identity()\n",
      rc.depth);
  if (cifar || rc.in_channels != 3)
    std::printf("  m.conv1 = torch.nn.Conv2d(%lld, 64, %s, bias=False)%s\n", static_cast<long long>(rc.in_channels),
                cifar ? "3, 1, 1" : "7, 2, 3", cifar ? "; m.maxpool = torch.nn.Identity()" : "");
  std::printf("  m.load_state_dict(torch.load(\"%s\")); m.eval()\n", out.c_str());
}

}  // namespace

void register_export_weights_command(CLI::App& root, const GlobalOptions& global) {
  static ExportWeightsArgs args;
  CLI::App* parent = root.get_subcommand("export");
  auto* cmd = parent->add_subcommand(
      "weights", "Write the encoder as a PyTorch state dict with torchvision's ResNet names (export weights --help)");
  cmd->footer(
      "torch.load reads the file, and torchvision.models.resnetN() loads it with strict=True once fc is\n"
      "nn.Identity() and, for the CIFAR stem (3x3 stride-1 conv1, no max-pool; torchvision has a 7x7\n"
      "stride-2 conv1 and a 3x3 max-pool), conv1 is Conv2d(C, 64, 3, stride 1, padding 1, bias=False) and\n"
      "maxpool is nn.Identity(). Only width-64 encoders (torchvision's width) are exported; other widths are\n"
      "refused (exit 2). Inputs are normalised with the run's channel mean/std, at the training image size.");
  cmd->add_option("RUN", args.run, "Run folder")->required();
  cmd->add_option("--checkpoint", args.checkpoint, "Step number or checkpoint file (default: the latest)");
  cmd->add_option("--format", args.format, "pytorch (a torch.load-able state dict)")->required();
  cmd->add_option("--out", args.out, "Output file (default: <run>/exports/encoder-step<S>.pt)");
  cmd->callback([&global] { run_export_weights(args, global); });
}

}  // namespace simclr::cli
