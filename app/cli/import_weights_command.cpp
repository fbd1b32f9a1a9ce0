// simclr-cli import weights FILE PROJECT: a torchvision ResNet state dict (a dict of tensors,
// torch.save(dict(model.state_dict()), FILE)) as the starting point of a run. The encoder of
// a new run of PROJECT gets the file's weights (fc is ignored; the projection head starts
// fresh) and is saved as the run's step-0 checkpoint: analyse it like any run, or train on
// with `simclr-cli train PROJECT --resume RUN`.
#include <cstdio>

#include "app/cli/cli_command.h"
#include "engine/core/error.h"
#include "engine/models/torchvision_weights.h"
#include "engine/project/project_file.h"
#include "engine/project/run_folder.h"
#include "engine/train/checkpoint.h"
#include "engine/train/run_setup.h"
#include "engine/train/train_optimizer.h"
#include "engine/train/trainer.h"

namespace simclr::cli {

namespace fs = std::filesystem;

namespace {

struct ImportWeightsArgs {
  std::string file;
  std::string project;
  std::string run_name;
  std::string runs_root;
  std::string device;
};

void run_import_weights(const ImportWeightsArgs& args, const GlobalOptions& global) {
  const StateDict dict = read_pytorch_state_dict(args.file);
  TrainOptions options;  // the run's config must be what `train --resume` resolves
  options.device_override = args.device;
  options.run_name = args.run_name;
  options.runs_root = args.runs_root;
  const ProjectConfig project = resolve_for_device(load_project(args.project), options);
  if (project.model.encoder == "vit")
    throw ConfigError(args.project +
                      ": model.encoder is vit; torchvision's weights are ResNet weights, so "
                      "only a ResNet project (resnet18, resnet34, resnet50) can take them");
  if (project.model.width != 64)
    throw ConfigError(args.project + ": model.width is " + std::to_string(project.model.width) +
                      "; torchvision's ResNets are width 64");

  // The image channels come from the file's conv1 [64, C, k, k]; the dataset is not needed.
  int64_t channels = 3;
  for (const auto& [name, tensor] : dict)
    if (name == "conv1.weight" && tensor.dim() == 4) channels = tensor.size(1);
  SimCLRModel model = build_model(project, channels, /*image_size (ResNet: any)=*/0);
  auto* resnet = dynamic_cast<ResNetImpl*>(model->encoder.get());
  if (!resnet) throw ConfigError("only ResNet encoders can take torchvision weights");
  load_torchvision_state_dict(*resnet, dict, args.file);

  const fs::path root = options.runs_root.empty() ? runs_root(project) : options.runs_root;
  const RunFolder run = create_run_folder(root, project.name, options.run_name);
  run.write_config(project);
  TrainOptimizer optimizer(project.training, model->named_parameters());
  save_checkpoint(run.checkpoint_file(0), model, optimizer, CheckpointInfo{0, 0.0, to_json(project).dump()});
  if (!global.quiet)
    std::printf("imported %zu tensors from %s into a new run of %s (step 0):\n", dict.size(), args.file.c_str(),
                project.name.c_str());
  std::printf("%s\n", run.dir().c_str());
  if (!global.quiet)
    std::printf("train on with: simclr-cli train %s --resume %s\n", args.project.c_str(), run.dir().c_str());
}

}  // namespace

void register_import_weights_command(CLI::App& root, const GlobalOptions& global) {
  static ImportWeightsArgs args;
  auto* import = root.add_subcommand("import", "Bring weights from other tools into a run");
  import->require_subcommand(1);
  auto* cmd = import->add_subcommand("weights", "Start a run from a torchvision ResNet state dict");
  cmd->footer(
      "FILE: torch.save(dict(model.state_dict()), FILE) of a torchvision resnet18/34/50 (or a file from\n"
      "`simclr-cli export weights`); a plain dict, since LibTorch cannot read an OrderedDict. fc is ignored.\n"
      "The project must match it: model.encoder, model.width 64 and model.stem (\"imagenet\" for torchvision's\n"
      "own 7x7 conv1 + max-pool, \"cifar\" for files exported from CIFAR-stem runs).");
  cmd->add_option("FILE", args.file, "State dict file")->required();
  cmd->add_option("PROJECT", args.project, "Project file (*.json) the run belongs to")->required();
  cmd->add_option("--run-name", args.run_name, "Name of the new run folder");
  cmd->add_option("--runs-dir", args.runs_root, "Where run folders go (default: runs/ beside the project)");
  cmd->add_option("--device", args.device, "The device profile to resolve the project for, as train --device");
  cmd->callback([&global] { run_import_weights(args, global); });
}

}  // namespace simclr::cli
