#include "engine/train/run_group.h"

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/core/fnv1a.h"
#include "engine/project/project_file.h"

namespace simclr {

std::string binding_config_digest(const ProjectConfig& project) {
  nlohmann::json j = to_json(project);
  j["training"].erase("device");
  j["training"].erase("threads");
  j["dataset"].erase("path");
  j.erase("profiles");
  const std::string canonical = j.dump();
  Fnv1a f;
  f.add(canonical.data(), canonical.size());
  return f.hex();
}

torch::Device rank_device(const torch::Device& configured, const TrainOptions& options) {
  if (!configured.is_cuda() || configured.has_index() || !options.launch || options.launch->world_size < 2)
    return configured;
  // cuda:LOCAL_RANK; where the launcher gives each rank one visible GPU, that GPU.
  const int64_t visible = std::max<int64_t>(1, static_cast<int64_t>(torch::cuda::device_count()));
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(options.launch->local_rank % visible));
}

void check_batch_splits(int64_t batch_size, int world_size, const std::string& what) {
  if (batch_size % world_size != 0)
    throw ConfigError(what + ": " + std::to_string(batch_size) + " images cannot be split evenly over " +
                      std::to_string(world_size) + " processes (use a multiple of " + std::to_string(world_size) + ")");
}

std::shared_ptr<ProcessGroup> join_run_group(const ProjectConfig& project, const TrainOptions& options,
                                             const torch::Device& device) {
  if (options.group) {
    check_batch_splits(project.training.batch_size, options.group->world_size(), "training.batch_size");
    return options.group;
  }
  if (!options.launch || options.launch->world_size < 2) return nullptr;
  check_batch_splits(project.training.batch_size, options.launch->world_size, "training.batch_size");
  return join_group(project, *options.launch, device);
}

std::shared_ptr<ProcessGroup> join_group(const ProjectConfig& project, const LaunchEnvironment& env,
                                         const torch::Device& device) {
  const TrainingConfig& cfg = project.training;
  GroupOptions group_options;
  group_options.backend = cfg.distributed.backend;
  group_options.timeout = std::chrono::seconds(cfg.distributed.timeout_s);
  group_options.config_hash = binding_config_digest(project);
  return ProcessGroup::join(env, group_options, device);
}

OpenedRun open_run_on_every_rank(const ProjectConfig& project, const TrainOptions& options, ProcessGroup* group) {
  if (!group || group->rank() == 0) {
    OpenedRun opened = open_or_resume_run(project, options);
    if (group) {
      group->share_from_rank0("run_dir", opened.folder.dir().string());
      group->share_from_rank0("resume_checkpoint", opened.resume_checkpoint.string());
    }
    return opened;
  }
  const std::filesystem::path dir = group->share_from_rank0("run_dir", "");
  const std::filesystem::path root = options.runs_root.empty() ? runs_root(project) : options.runs_root;
  // A resumed run's checkpoint is read by every rank (the folder must be shared with them):
  // the one rank 0 chose, which passes over damaged ones.
  OpenedRun opened{RunFolder(dir), root, {}, project.training.views_version};
  opened.resume_checkpoint = group->share_from_rank0("resume_checkpoint", "");
  if (!options.resume_run.empty()) opened.views_version = opened.folder.read_config().training.views_version;
  return opened;
}

}  // namespace simclr
