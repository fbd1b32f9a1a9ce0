#include "engine/train/run_setup.h"

#include <torch/torch.h>

#include "engine/data/dataset_locator.h"

namespace simclr {

namespace fs = std::filesystem;

SimCLRModel build_model(const ProjectConfig& project, int64_t channels) {
  EncoderConfig encoder;
  encoder.type = "resnet";
  encoder.resnet.depth = std::stoi(project.model.encoder.substr(std::string("resnet").size()));
  encoder.resnet.stem = project.model.stem;
  encoder.resnet.width = project.model.width;
  encoder.resnet.in_channels = channels;
  auto backbone = make_encoder(encoder);
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
  out.data_dir = locate_dataset(project.dataset.name, project.dataset.path, base_dir);
  out.data = load_dataset(project.dataset.name, out.data_dir);
  out.data.train = out.data.train.limited_to(project.dataset.train_limit);
  out.data.test = out.data.test.limited_to(project.dataset.test_limit);
  out.stats = load_or_compute_channel_stats(out.data.train, project.dataset.name,
                                            channel_stats_cache_file(runs_root, project.dataset.name));
  return out;
}

}  // namespace simclr
