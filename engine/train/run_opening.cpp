#include "engine/train/run_opening.h"

#include "engine/core/error.h"

namespace simclr {

OpenedRun open_or_resume_run(const ProjectConfig& project, const TrainOptions& options) {
  const std::filesystem::path root = options.runs_root.empty() ? runs_root(project) : options.runs_root;
  if (options.resume_run.empty()) {
    RunFolder folder = create_run_folder(root, project.name, options.run_name);
    folder.write_config(project);
    return {folder, root, {}, project.training.views_version};
  }
  RunFolder folder(options.resume_run);
  check_resumable(folder, project);
  const std::filesystem::path checkpoint = folder.latest_checkpoint();
  if (checkpoint.empty()) throw ConfigError("cannot resume " + folder.dir().string() + ": it has no checkpoint yet");
  return {folder, root, checkpoint, folder.read_config().training.views_version};
}

}  // namespace simclr
