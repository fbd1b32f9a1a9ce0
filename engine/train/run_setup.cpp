#include "engine/train/run_setup.h"

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/data/dataset_locator.h"

namespace simclr {

namespace fs = std::filesystem;

namespace {

EncoderConfig encoder_config(const ProjectConfig& project, int64_t channels, int64_t image_size) {
  EncoderConfig encoder;
  if (project.model.encoder == "vit") {
    const VitConfig& v = project.model.vit;
    if (image_size <= 0)
      throw ConfigError(
          "model.encoder: a ViT is laid out for one image size, and build_model was not told "
          "the size of the images the model sees (the augmentation's output size)");
    encoder.type = "vit";
    encoder.vit.image_size = image_size;
    encoder.vit.in_channels = channels;
    encoder.vit.patch_size = v.patch_size;
    encoder.vit.dim = v.dim;
    encoder.vit.heads = v.heads;
    encoder.vit.layers = v.layers;
    encoder.vit.mlp_ratio = v.mlp_ratio;
    encoder.vit.dropout = v.dropout;
    encoder.vit.pool = v.pool;
    // Report the project's paths (model.vit.heads), not the engine's (encoder.vit.heads).
    const ConfigIssues issues = encoder.vit.validate("model.vit");
    if (!issues.empty())
      throw ConfigError(join_issues(issues) + "\n(the ViT sees " + std::to_string(image_size) + "x" +
                        std::to_string(image_size) +
                        " images: the augmentation's output size; "
                        "set augmentation.image_size to change it)");
    return encoder;
  }
  encoder.type = "resnet";
  encoder.resnet.depth = std::stoi(project.model.encoder.substr(std::string("resnet").size()));
  encoder.resnet.stem = project.model.stem;
  encoder.resnet.width = project.model.width;
  encoder.resnet.in_channels = channels;
  return encoder;
}

}  // namespace

SimCLRModel build_model(const ProjectConfig& project, int64_t channels, int64_t image_size) {
  auto backbone = make_encoder(encoder_config(project, channels, image_size));
  ProjectionHeadConfig head;
  head.input_dim = backbone->feature_dim();
  head.hidden_dim = project.model.projection.hidden_dim;
  head.output_dim = project.model.projection.output_dim;
  head.layers = static_cast<int>(project.model.projection.layers);
  head.batch_norm = project.model.projection.batch_norm;
  return SimCLRModel(backbone, head);
}

void to_channels_last(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (auto& p : module.parameters())
    if (p.dim() == 4) p.set_data(p.data().contiguous(torch::MemoryFormat::ChannelsLast));
}

fs::path channel_stats_cache_file(const fs::path& runs_root, const std::string& dataset_name) {
  return runs_root / (dataset_name + "-stats.json");
}

RunData load_run_data(const ProjectConfig& project, const fs::path& base_dir, const fs::path& runs_root) {
  RunData out;
  const std::string name = canonical_dataset_name(project.dataset.name);
  out.data_dir = locate_dataset(name, project.dataset.path, base_dir);
  ImageFolderOptions folder;
  folder.image_size = project.dataset.image_size;
  folder.on_unreadable = parse_unreadable_policy(project.dataset.on_unreadable);
  folder.labels = parse_folder_labels(project.dataset.labels);
  folder.holdout_fraction = project.dataset.holdout_fraction;
  folder.streaming = parse_folder_streaming(project.dataset.streaming);
  folder.memory_budget_mb = project.dataset.memory_budget_mb;
  folder.decoded_cache = project.dataset.decoded_cache;
  folder.on_warning = [&out](const std::string& message) { out.warnings.push_back(message); };
  out.data = load_dataset(name, out.data_dir, folder);
  out.data.train = out.data.train.limited_to(project.dataset.train_limit);
  out.data.test = out.data.test.limited_to(project.dataset.test_limit);
  const std::string stats_name = channel_stats_name(name, out.data_dir, folder);
  out.stats =
      load_or_compute_channel_stats(out.data.train, stats_name, channel_stats_cache_file(runs_root, stats_name));
  return out;
}

}  // namespace simclr
